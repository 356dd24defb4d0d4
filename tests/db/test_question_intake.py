"""Asks arriving together at the writer: stored in one transaction, each refused or numbered on its own."""

from __future__ import annotations

import asyncio
import random
import string

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import questions
from db.database import Database
from db.models import Panel, Question, Vote
from db.open_questions import check_similar_question
from db.panel_guards import BLOCKED_MESSAGE
from db.question_moderation import block_asker
from rules.errors import LimitError
from rules.question_text import QuestionRules, SimilarQuestionError
from tests.db.test_panels import MODERATOR, open_panel

RULES = QuestionRules(cooldown_seconds=0)
BLOCKED_MEMBER = 7


def distinct_text(member: int) -> str:
    """A question sharing no content word with another member's (made-up words, seeded by the member)."""
    rng = random.Random(member)
    words = ["".join(rng.choices(string.ascii_lowercase, k=7)) for _ in range(4)]
    return f"How do {words[0]} and {words[1]} change {words[2]} for {words[3]}?"


async def ask(db: Database, panel_id: int, member: int, text: str) -> Question:
    """As the cog asks: the near-duplicate check through the reader, then the write with what it checked."""
    checked_through = await db.read(check_similar_question, panel_id=panel_id, text=text)
    return await db.write(
        questions.ask_question,
        panel_id=panel_id,
        author_id=member,
        text=text,
        anonymous=False,
        rules=RULES,
        checked_through=checked_through,
    )


async def stored_numbers(sessions: async_sessionmaker[AsyncSession], panel_id: int) -> dict[int, int]:
    """Each stored question's author by number."""
    async with sessions() as session:
        rows = await session.execute(
            select(Question.number, Question.author_id).where(Question.panel_id == panel_id).order_by(Question.number)
        )
        return {number: author for number, author in rows if author is not None}


async def test_fifty_asks_at_once_one_blocked_forty_nine_stored_gapless_in_few_commits(
    sessions: async_sessionmaker[AsyncSession], database: Database, backend: str
) -> None:
    panel_id = await open_panel(sessions)
    first = await ask(database, panel_id, BLOCKED_MEMBER, "Why does my question get blocked, moderators?")
    await database.transaction(block_asker, question_id=first.id, moderator_id=MODERATOR)
    commits_before = database.write_batches.transactions
    members = range(100, 150)
    outcomes = await asyncio.gather(
        *(ask(database, panel_id, BLOCKED_MEMBER if m == 120 else m, distinct_text(m)) for m in members),
        return_exceptions=True,
    )
    refused = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
    assert len(refused) == 1 and isinstance(refused[0], LimitError)
    assert refused[0].user_message == BLOCKED_MESSAGE
    stored = [outcome for outcome in outcomes if isinstance(outcome, Question)]
    assert sorted(question.number for question in stored) == list(range(2, 51))
    by_number = await stored_numbers(sessions, panel_id)
    assert list(by_number) == list(range(1, 51))  # gapless, the blocked member's second ask nowhere
    assert list(by_number.values()).count(BLOCKED_MEMBER) == 1
    assert {by_number[question.number] for question in stored} == set(members) - {120}
    assert all(question.panel.title.startswith("EU STEM") for question in stored)
    if backend == "sqlite":
        commits = database.write_batches.transactions - commits_before
        assert commits < 10, f"50 asks at once took {commits} commits: they were not stored together"


async def test_two_members_asking_the_same_at_once_the_second_is_offered_the_first(
    sessions: async_sessionmaker[AsyncSession], database: Database
) -> None:
    """Both pass the check before either is stored; the writer refuses the second with the first's number."""
    panel_id = await open_panel(sessions)
    same = "How is industry involved in the activities of your platform?"
    outcomes = await asyncio.gather(
        ask(database, panel_id, 1, distinct_text(1)),
        ask(database, panel_id, 2, same),
        ask(database, panel_id, 3, same),
        ask(database, panel_id, 4, distinct_text(4)),
        return_exceptions=True,
    )
    refused = [outcome for outcome in outcomes if isinstance(outcome, SimilarQuestionError)]
    stored = {question.author_id or 0: question for question in outcomes if isinstance(question, Question)}
    assert len(refused) == 1 and sorted(stored) in ([1, 2, 4], [1, 3, 4])
    original = stored[2] if 2 in stored else stored[3]
    assert (refused[0].similar.id, refused[0].similar.number) == (original.id, original.number)
    assert sorted(question.number for question in stored.values()) == [1, 2, 3]


async def test_a_member_asking_twice_at_once_meets_the_cooldown(
    sessions: async_sessionmaker[AsyncSession], database: Database
) -> None:
    """The cooldown holds between asks stored together, not only against those stored before."""
    panel_id = await open_panel(sessions)
    strict = QuestionRules(cooldown_seconds=15)
    outcomes = await asyncio.gather(
        *(
            database.write(
                questions.ask_question,
                panel_id=panel_id,
                author_id=5,
                text=distinct_text(n),
                anonymous=False,
                rules=strict,
            )
            for n in range(3)
        ),
        return_exceptions=True,
    )
    assert sum(isinstance(outcome, Question) for outcome in outcomes) == 1
    assert all(isinstance(outcome, (Question, LimitError)) for outcome in outcomes)
    assert list(await stored_numbers(sessions, panel_id)) == [1]


async def test_the_start_up_rehearsal_leaves_nothing_behind(
    sessions: async_sessionmaker[AsyncSession], database: Database
) -> None:
    """The bot rehearses an ask and a vote at start (rolled back): no panel, question or vote of it remains."""
    await database.rehearse(questions.rehearse_asking_and_voting)
    async with sessions() as session:
        counts = [await session.scalar(select(func.count()).select_from(table)) for table in (Panel, Question, Vote)]
    assert counts == [0, 0, 0]
    panel_id = await open_panel(sessions)
    assert (await ask(database, panel_id, 1, distinct_text(1))).number == 1
