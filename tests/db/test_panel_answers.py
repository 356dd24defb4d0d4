"""Panel answers in /find on a real database: only answered questions with a written answer, kept in step."""

from __future__ import annotations

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import question_moderation, questions
from db.knowledge import graded_find
from db.models import Panel
from db.models.base import utcnow
from db.search import ANSWER_KIND, SearchHit, knowledge_stamp

from .test_panel_moderation import MEMBER, MODERATOR, ask, open_panel

Sessions = async_sessionmaker[AsyncSession]
QUESTION = "How do you keep volunteer mentors motivated over several years?"
ANSWER = "Astra pairs every mentor with a coordinator and thanks them at a yearly gala."


async def find(sessions: Sessions, query: str) -> list[SearchHit]:
    async with sessions.begin() as session:
        result = await session.run_sync(graded_find, query, limit=10)
        return [hit for hit in result.hits if hit.kind == ANSWER_KIND]


async def answered(sessions: Sessions, *, text: str = QUESTION, mark: bool = True, **options) -> int:
    """A question asked, answered in writing and (unless told otherwise) marked answered; its id."""
    panel_id = await open_panel(sessions)
    question = await ask(sessions, panel_id, text, **options)
    async with sessions.begin() as session:
        await question_moderation.answer_question(
            session, question_id=question.id, member_id=MODERATOR, text=ANSWER, moderator=True
        )
        if mark:
            await questions.mark_answered(session, question_id=question.id, moderator_id=MODERATOR)
    return question.id


async def test_answered_question_with_written_answer_is_found_with_its_panel_and_day(sessions: Sessions) -> None:
    question_id = await answered(sessions)
    for query in ("volunteer mentors motivated", "yearly gala coordinator", "teachers tomorrow gala"):
        hits = await find(sessions, query)
        assert [hit.ref_id for hit in hits] == [question_id], query
    hit = (await find(sessions, "mentors gala"))[0]
    assert (hit.title, hit.snippet) == (QUESTION, ANSWER)
    assert hit.source is not None and hit.source.panel == "Teachers for tomorrow"
    assert hit.source.day == utcnow().date()


async def test_unanswered_or_answerless_questions_never_appear(sessions: Sessions) -> None:
    await answered(sessions, mark=False)  # a written answer, but the panel never got to it
    panel_id = await open_panel_elsewhere(sessions)
    question = await ask(sessions, panel_id, "Which mentors stayed longest in the gala programme?")
    async with sessions.begin() as session:
        await questions.mark_answered(session, question_id=question.id, moderator_id=MODERATOR)
    assert await find(sessions, "mentors gala") == []


async def open_panel_elsewhere(sessions: Sessions) -> int:
    """A second panel in another channel (one open panel per channel)."""
    async with sessions.begin() as session:
        panel_id = await session.scalar(update(Panel).values(status="closed").returning(Panel.id))
    assert panel_id is not None
    return await open_panel(sessions)


async def test_hiding_removing_or_changing_the_answer_takes_the_index_along(sessions: Sessions) -> None:
    question_id = await answered(sessions)
    async with sessions.begin() as session:
        stamp = await session.run_sync(knowledge_stamp)
        await question_moderation.answer_question(
            session,
            question_id=question_id,
            member_id=MODERATOR,
            text="Mentors meet twice a year in Aarhus.",
            moderator=True,
        )
    assert await find(sessions, "gala coordinator") == []
    assert [hit.snippet for hit in await find(sessions, "mentors aarhus")] == ["Mentors meet twice a year in Aarhus."]
    async with sessions.begin() as session:
        assert await session.run_sync(knowledge_stamp) != stamp, "the typo vocabulary must learn the new words"
        await questions.hide_question(session, question_id=question_id, moderator_id=MODERATOR)
    assert await find(sessions, "mentors aarhus") == []
    async with sessions.begin() as session:
        await questions.approve_question(session, question_id=question_id, moderator_id=MODERATOR)
    assert await find(sessions, "mentors aarhus") == [], "approved again, it is open: not answered yet"


async def test_edited_question_is_found_by_its_edited_text_only(sessions: Sessions) -> None:
    question_id = await answered(sessions, text="Why is Astra such a mess with its mentors?")
    async with sessions.begin() as session:
        await question_moderation.edit_question(
            session, question_id=question_id, moderator_id=MODERATOR, text="How does Astra organise its mentors?"
        )
    assert await find(sessions, "mess") == []
    assert [hit.title for hit in await find(sessions, "astra organise mentors")] == [
        "How does Astra organise its mentors?"
    ]


async def test_anonymous_asker_is_in_no_hit_and_a_deleted_panel_leaves_none(sessions: Sessions) -> None:
    question_id = await answered(sessions, anonymous=True)
    hit = (await find(sessions, "mentors gala"))[0]
    assert hit.ref_id == question_id and str(MEMBER) not in repr(hit)
    async with sessions.begin() as session:
        await session.execute(delete(Panel))
    assert await find(sessions, "mentors gala") == []
