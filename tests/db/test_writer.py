"""The writer: questions and votes committed in groups, each action atomic on its own, acknowledged after commit."""

from __future__ import annotations

import asyncio
import time

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

import db.writer
from db import questions
from db.engine import create_engine, create_sessionmaker
from db.models import Question, Vote
from db.writer import Writer
from rules.errors import LimitError, NotFoundError
from rules.question_text import QuestionRules
from tests.db.test_panels import open_panel

RULES = QuestionRules(min_length=5, max_length=500, cooldown_seconds=15, max_open_per_member=10)


def ask(writer: Writer, panel_id: int, member: int, text: str) -> asyncio.Future[Question]:
    return asyncio.ensure_future(
        writer.run(
            questions.ask_question,
            panel_id=panel_id,
            author_id=member,
            text=text,
            anonymous=False,
            rules=RULES,
            allow_similar=True,  # the near-duplicate check has its own tests; these are about committing
        )
    )


def distinct_text(member: int) -> str:
    return f"Question {member}: how do platforms reach teachers in region {member}?"


async def test_concurrent_questions_and_votes_all_stored_with_gapless_numbers(
    sessions: async_sessionmaker[AsyncSession], writer: Writer, backend: str
) -> None:
    panel_id = await open_panel(sessions)
    asked = await asyncio.gather(*(ask(writer, panel_id, member, distinct_text(member)) for member in range(150)))
    assert sorted(question.number for question in asked) == list(range(1, 151))
    # What an action returns is usable after its commit, as the cogs use it.
    assert {question.panel.title for question in asked} == {"EU STEM Coalition and STEM platforms across Europe"}
    outcomes = await asyncio.gather(
        *(
            writer.run(questions.toggle_vote, question_id=question.id, member_id=1000 + voter)
            for question in asked[:20]
            for voter in range(10)
        )
    )
    assert all(outcome.voted for outcome in outcomes)
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Question)) == 150
        assert await session.scalar(select(func.count()).select_from(Vote)) == 200
    if backend == "sqlite":
        assert writer.batches.largest > 1, "concurrent actions on SQLite should share commits"


async def test_a_refused_action_rolls_back_alone(
    sessions: async_sessionmaker[AsyncSession], writer: Writer, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One batch: good votes, a vote on a question that does not exist, an action that writes then fails."""
    monkeypatch.setattr(db.writer, "BATCH_SECONDS", 10.0)  # all five in one transaction, however slow the machine
    panel_id = await open_panel(sessions)
    question = await ask(writer, panel_id, 1, distinct_text(1))

    def vote_then_fail(session: Session) -> None:
        questions.toggle_vote(session, question_id=question.id, member_id=99)
        raise LimitError("refused after writing")

    results = await asyncio.gather(
        writer.run(questions.toggle_vote, question_id=question.id, member_id=10),
        writer.run(questions.toggle_vote, question_id=10**9, member_id=11),
        writer.run(vote_then_fail),
        writer.run(questions.toggle_vote, question_id=question.id, member_id=12),
        ask(writer, panel_id, 1, distinct_text(2)),  # the same member again: inside the cooldown
        return_exceptions=True,
    )
    assert [type(result).__name__ for result in results] == [
        "VoteOutcome",
        NotFoundError.__name__,
        LimitError.__name__,
        "VoteOutcome",
        LimitError.__name__,
    ]
    if backend == "sqlite":
        assert writer.batches.last == 5, "the five actions should have shared one transaction"
    async with sessions() as session:
        voters = set((await session.scalars(select(Vote.member_id).where(Vote.question_id == question.id))).all())
        assert voters == {10, 12}
        assert await session.scalar(select(func.count()).select_from(Question)) == 1


@pytest.mark.sqlite_only
async def test_an_acknowledged_action_is_on_disk(
    sessions: async_sessionmaker[AsyncSession], writer: Writer, database_url: str
) -> None:
    """Once `run` returns, a new connection (as after a crash and restart) finds the question."""
    panel_id = await open_panel(sessions)
    question = await ask(writer, panel_id, 5, distinct_text(5))
    other = create_engine(database_url)
    try:
        async with create_sessionmaker(other)() as session:
            assert await session.scalar(select(Question.text).where(Question.id == question.id)) == question.text
    finally:
        await other.dispose()


@pytest.mark.sqlite_only
async def test_close_answers_what_was_queued(sessions: async_sessionmaker[AsyncSession], engine) -> None:
    writer = Writer(engine)
    panel_id = await open_panel(sessions)
    queued = [ask(writer, panel_id, member, distinct_text(member)) for member in range(30)]
    await asyncio.sleep(0)  # the callers have queued their actions
    await writer.close()
    assert len({question.number for question in await asyncio.gather(*queued)}) == 30
    with pytest.raises(RuntimeError):
        await writer.run(questions.vote_count, 1)


@pytest.mark.sqlite_only
async def test_other_writers_take_turns_with_the_writer(
    sessions: async_sessionmaker[AsyncSession], writer: Writer
) -> None:
    """Writes through the async engine during a burst of votes wait their turn; none fails as 'locked'."""
    panel_id = await open_panel(sessions)
    question = await ask(writer, panel_id, 1, distinct_text(1))

    async def moderator_writes() -> None:
        for _ in range(20):
            async with sessions.begin() as session:
                await questions.set_question_message(session, question_id=question.id, message_id=123)
            await asyncio.sleep(0)

    await asyncio.gather(
        moderator_writes(),
        *(writer.run(questions.toggle_vote, question_id=question.id, member_id=voter) for voter in range(500)),
    )
    async with sessions() as session:
        assert await session.run_sync(questions.vote_count, question.id) == 500


@pytest.mark.sqlite_only
async def test_a_long_batch_commits_within_its_time_budget(
    sessions: async_sessionmaker[AsyncSession], writer: Writer
) -> None:
    """Callers at the front of a long queue hear back after a short transaction, not after the whole queue."""
    panel_id = await open_panel(sessions)
    question = await ask(writer, panel_id, 1, distinct_text(1))

    def slow_vote(session: Session, member: int) -> int:
        time.sleep(0.01)  # an action ten times as slow as an upvote
        return questions.toggle_vote(session, question_id=question.id, member_id=member).votes

    counts = await asyncio.gather(*(writer.run(slow_vote, member) for member in range(10, 30)))
    assert counts == list(range(1, 21))
    assert writer.batches.transactions > 2 and writer.batches.largest < 20


@pytest.mark.sqlite_only
async def test_a_long_stream_of_actions_lets_other_writers_in_between(
    sessions: async_sessionmaker[AsyncSession], writer: Writer
) -> None:
    """The writer runs transaction after transaction while actions keep waiting, but gives up its turn at the
    write lock after TURN_SECONDS: a moderator's write lands mid-stream, not after the whole queue."""
    panel_id = await open_panel(sessions)
    question = await ask(writer, panel_id, 1, distinct_text(1))

    def slow_vote(session: Session, member: int) -> int:
        time.sleep(0.01)
        return questions.toggle_vote(session, question_id=question.id, member_id=member).votes

    votes = [asyncio.ensure_future(writer.run(slow_vote, member)) for member in range(100, 160)]  # ~0.6 s of work
    await asyncio.sleep(0.05)
    async with sessions.begin() as session:
        await questions.set_question_message(session, question_id=question.id, message_id=123)
    waiting_votes = sum(not vote.done() for vote in votes)
    assert await asyncio.gather(*votes) == list(range(1, 61))
    assert waiting_votes >= 20, "the moderator's write should not have waited for the whole stream of votes"
