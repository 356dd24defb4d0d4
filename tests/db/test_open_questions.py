"""The near-duplicate check outside the write lock: each panel's open questions in memory, kept in step."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db import questions
from db.database import Database
from db.models import Question
from db.open_questions import PanelQuestionIndex, check_similar_question
from db.question_moderation import edit_question
from rules.question_text import QuestionRules, SimilarQuestionError, are_similar, normalise_question, similarity
from tests.db.test_panels import MODERATOR, open_panel
from tests.unit.test_panels_parsing import DIFFERENT_QUESTIONS, SAME_QUESTION

RULES = QuestionRules(cooldown_seconds=0)
INDUSTRY = "How is industry involved in the activities of your platform?"
INDUSTRY_AGAIN = "In what ways does industry get involved in your platform's activities?"


async def ask(db: Database, panel_id: int, member: int, text: str) -> Question:
    """Ask as the bot does: the check through the reader, then the write with what it checked."""
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


async def similar_number(db: Database, panel_id: int, text: str) -> int | None:
    try:
        await db.read(check_similar_question, panel_id=panel_id, text=text)
    except SimilarQuestionError as similar:
        return similar.similar.number
    return None


async def test_check_finds_the_best_pair_are_similar_accepts(
    sessions: async_sessionmaker[AsyncSession], database: Database
) -> None:
    """The shortlist over the index drops nothing the pairwise rule would accept."""
    pairs = SAME_QUESTION + DIFFERENT_QUESTIONS
    panel_id = await open_panel(sessions)
    for member, (first, _second) in enumerate(pairs):
        await database.write(
            questions.ask_question,
            panel_id=panel_id,
            author_id=member,
            text=first,
            anonymous=False,
            rules=RULES,
            allow_similar=True,
        )
    opened = [(number, normalise_question(first)) for number, (first, _second) in enumerate(pairs, start=1)]
    for _first, second in pairs:
        wanted = normalise_question(second)
        accepted = [(similarity(wanted, text), number) for number, text in opened if are_similar(wanted, text)]
        found = await similar_number(database, panel_id, second)
        best = max((score for score, _number in accepted), default=None)
        tied_best = {number for score, number in accepted if score == best}
        assert (found in tied_best) if found else not tied_best, second
    assert any(are_similar(normalise_question(second), text) for _first, second in pairs for _n, text in opened)


async def test_check_follows_hide_approve_and_edit_of_this_process(
    sessions: async_sessionmaker[AsyncSession], database: Database
) -> None:
    panel_id = await open_panel(sessions)
    first = await ask(database, panel_id, 1, INDUSTRY)
    assert await similar_number(database, panel_id, INDUSTRY_AGAIN) == 1
    await database.transaction(questions.hide_question, question_id=first.id, moderator_id=MODERATOR)
    assert await similar_number(database, panel_id, INDUSTRY_AGAIN) is None
    await database.transaction(questions.approve_question, question_id=first.id, moderator_id=MODERATOR)
    assert await similar_number(database, panel_id, INDUSTRY_AGAIN) == 1
    await database.transaction(
        edit_question, question_id=first.id, moderator_id=MODERATOR, text="What is the budget of Astra?"
    )
    assert await similar_number(database, panel_id, INDUSTRY_AGAIN) is None
    assert await similar_number(database, panel_id, "What's Astra's budget?") == 1
    assert len(database.open_questions.panel(panel_id)) == 1


async def test_two_instances_on_one_database_see_each_others_questions(
    sessions: async_sessionmaker[AsyncSession], engine: AsyncEngine, database: Database
) -> None:
    """A second bot process: what it stores is read by id before each check, and what it hides is found out
    when it comes up as a candidate."""
    panel_id = await open_panel(sessions)
    other = Database(engine)
    try:
        assert await similar_number(database, panel_id, INDUSTRY) is None  # this instance's index is built
        stored = await ask(other, panel_id, 1, INDUSTRY)
        assert await similar_number(database, panel_id, INDUSTRY_AGAIN) == stored.number
        await other.transaction(questions.hide_question, question_id=stored.id, moderator_id=MODERATOR)
        assert await similar_number(database, panel_id, INDUSTRY_AGAIN) is None
        assert len(database.open_questions.panel(panel_id)) == 0
    finally:
        await other.close()


async def test_writer_compares_what_was_stored_after_the_check(
    sessions: async_sessionmaker[AsyncSession], engine: AsyncEngine, database: Database
) -> None:
    """Two members ask the same thing at once on two instances: both pass the check, the second write refuses."""
    panel_id = await open_panel(sessions)
    other = Database(engine)
    try:
        checked = await database.read(check_similar_question, panel_id=panel_id, text=INDUSTRY_AGAIN)
        first = await ask(other, panel_id, 1, INDUSTRY)
        with pytest.raises(SimilarQuestionError) as refused:
            await database.write(
                questions.ask_question,
                panel_id=panel_id,
                author_id=2,
                text=INDUSTRY_AGAIN,
                anonymous=False,
                rules=RULES,
                checked_through=checked,
            )
        assert refused.value.similar.number == first.number
    finally:
        await other.close()


async def test_check_reads_a_panels_open_questions_once(
    sessions: async_sessionmaker[AsyncSession], database: Database
) -> None:
    """Built on first use from the open questions only; a question changed behind the bot's back (no change
    record) is corrected when it comes up as a candidate."""
    panel_id = await open_panel(sessions)
    pending = await ask(database, panel_id, 1, "What are the most urgent challenges?")
    await database.transaction(questions.hide_question, question_id=pending.id, moderator_id=MODERATOR)
    kept = await ask(database, panel_id, 2, INDUSTRY)
    fresh = Database(database.engine)  # a restart: the index is rebuilt from the database
    try:
        assert await similar_number(fresh, panel_id, "What are your most urgent challenges?") is None
        assert await similar_number(fresh, panel_id, INDUSTRY_AGAIN) == kept.number
        async with sessions.begin() as session:
            await session.execute(update(Question).where(Question.id == kept.id).values(text="How do you fund LUMA?"))
        assert await similar_number(fresh, panel_id, INDUSTRY_AGAIN) is None
        assert await similar_number(fresh, panel_id, "how do you fund luma") == kept.number
    finally:
        await fresh.close()


def test_index_finds_a_question_with_a_typo_and_forgets_one_no_longer_open() -> None:
    index = PanelQuestionIndex()
    girls = "How do you get girls interested in engineering?"
    index.read([(1, girls), (2, "What is the budget of Astra?")], through=2)
    typo = normalise_question("How do you get girls interested in enginering?")
    assert index.candidates(typo) == [1]
    index.put(1, None)  # hidden
    assert index.candidates(typo) == [] and len(index) == 1
    index.put(1, girls)  # approved again
    index.put(2, "How do we get more girls interested in engineering?")  # edited
    assert sorted(index.candidates(typo)) == [1, 2] and len(index) == 2


def test_index_offers_the_writer_only_questions_newer_than_its_lookup() -> None:
    """The writer compares only what was stored after the lookup's check; a question approved late (an old id at a
    new position) is still offered when its id is newer."""
    index = PanelQuestionIndex()
    girls = "How do you get girls interested in engineering?"
    index.read([(1, girls), (5, "How do we get girls interested in engineering?")], through=5)
    index.put(3, "How can we get girls interested in engineering?")  # approved after #5 was stored
    wanted = normalise_question(girls)
    assert sorted(index.candidates(wanted)) == [1, 3, 5]
    assert sorted(index.candidates(wanted, newer_than=2)) == [3, 5]
    assert index.candidates(wanted, newer_than=5) == []
