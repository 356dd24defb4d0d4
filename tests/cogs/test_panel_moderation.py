"""Panel moderation through the commands: the word filter's modes, written answers, edits and blocks."""

from __future__ import annotations

import discord
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.tree import MODERATORS_ONLY
from cogs.panels import Panels
from db.models import Question, Vote
from tests.cogs.fakes import MOD_CHANNEL_ID, FakeBot, FakeInteraction
from tests.cogs.test_panels import ALICE, BOB, CAROL, MODERATOR, ask, channel_messages, click, open_panel, run

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
def cog(fake_bot: FakeBot) -> Panels:
    return Panels(fake_bot)  # type: ignore[arg-type]


HOSTILE = (
    "Why is this panel so full of sh1t?",
    "Sie sind ein ARSCHLOCH, Herr Bohm",
    "Quelle bande de connards",
    "Wat een k l o o t z a k is dat",
    "haista vittu koko paneeli",
)


async def stored(sessions: Sessions) -> list[Question]:
    async with sessions.begin() as session:
        return list(await session.scalars(select(Question).order_by(Question.number)))


# --- the word filter ------------------------------------------------------------------------------------


async def test_censor_panel_shows_stars_in_five_languages_and_keeps_original(
    cog: Panels, fake_bot: FakeBot, sessions: Sessions
) -> None:
    card = await open_panel(cog, fake_bot, word_filter="censor")
    assert "rude words shown as ***" in card.sent.text
    for index, text in enumerate(HOSTILE):
        member = type(ALICE)(ALICE.id + 100 + index, name=f"Member {index}")
        asked = await ask(cog, fake_bot, member, text)
        assert "posted" in asked.last.content
        posted = channel_messages(fake_bot)[-1].sent.text
        assert "\\*\\*\\*" in posted or "***" in posted, posted
    shown = [message.sent.text for message in channel_messages(fake_bot)[1:]]
    for word in ("sh1t", "ARSCHLOCH", "connards", "k l o o t z a k", "vittu"):
        assert not any(word in text for text in shown), word
    assert [question.original_text for question in await stored(sessions)] == list(HOSTILE)


async def test_review_panel_holds_rude_question_for_moderators_even_unmoderated(
    cog: Panels, fake_bot: FakeBot, sessions: Sessions
) -> None:
    await open_panel(cog, fake_bot, word_filter="review", moderator_channel=discord.Object(MOD_CHANNEL_ID))
    held = await ask(cog, fake_bot, ALICE, "Sie sind ein ARSCHLOCH, Herr Bohm")
    assert "A moderator will review it" in held.last.content
    assert len(channel_messages(fake_bot)) == 1, "only the card: the rude question is not shown"
    review = channel_messages(fake_bot, MOD_CHANNEL_ID)[-1]
    assert "Word filter" in review.sent.text and "arschloch (de)" in review.sent.text
    clean = await ask(cog, fake_bot, BOB, "How do you train teachers in rural schools?")
    assert "posted" in clean.last.content
    assert [question.status for question in await stored(sessions)] == ["pending", "open"]


async def test_off_panel_posts_question_as_written(cog: Panels, fake_bot: FakeBot) -> None:
    await open_panel(cog, fake_bot, word_filter="off")
    await ask(cog, fake_bot, ALICE, "Why is this panel so full of sh1t?")
    assert "sh1t" in channel_messages(fake_bot)[-1].sent.text


# --- written answers, edits, blocks ---------------------------------------------------------------------


async def test_panel_answer_shows_under_question_and_in_close_summary(
    cog: Panels, fake_bot: FakeBot, sessions: Sessions
) -> None:
    await open_panel(cog, fake_bot)
    await ask(cog, fake_bot, ALICE, "How is industry involved in LUMA?")
    posted = channel_messages(fake_bot)[-1]
    refused = await run(cog, fake_bot, "answer", BOB, question=1, text="Nobody knows")
    assert refused.last.content.startswith("Only moderators and this panel's panelists") and refused.last.ephemeral
    assert (await stored(sessions))[0].answer_text is None
    done = await run(cog, fake_bot, "answer", MODERATOR, question=1, text="Through 40 company mentors a year.")
    assert "#1 now carries your written answer" in done.last.content and done.last.ephemeral
    assert "Answer" in posted.current.text and "Through 40 company mentors a year." in posted.current.text
    closed = await run(cog, fake_bot, "close", MODERATOR)
    assert "Written answers" in closed.last.text and "Through 40 company mentors a year." in closed.last.text


async def test_panel_edit_changes_channel_message_and_keeps_original(
    cog: Panels, fake_bot: FakeBot, sessions: Sessions
) -> None:
    await open_panel(cog, fake_bot)
    await ask(cog, fake_bot, ALICE, "How is industri involved in LUMA, Jan Jansen?")
    posted = channel_messages(fake_bot)[-1]
    refused = await run(cog, fake_bot, "edit", BOB, question=1, text="Rewritten by Bob")
    assert refused.last.content == MODERATORS_ONLY
    edited = await run(cog, fake_bot, "edit", MODERATOR, question=1, text="How is industry involved in LUMA?")
    assert "#1 now reads" in edited.last.content
    assert "How is industry involved in LUMA?" in posted.current.text and "Jansen" not in posted.current.text
    kept = (await stored(sessions))[0]
    assert (kept.text, kept.original_text) == (
        "How is industry involved in LUMA?",
        "How is industri involved in LUMA, Jan Jansen?",
    )


async def test_block_button_stops_anonymous_asker_without_naming_them_and_unblock(
    cog: Panels, fake_bot: FakeBot, sessions: Sessions
) -> None:
    await open_panel(cog, fake_bot, moderated=True)
    await ask(cog, fake_bot, ALICE, "Why is this panel so boring?", anonymous=True)
    queue = await run(cog, fake_bot, "queue", MODERATOR)
    block_id = queue.last.custom_ids[2]
    refused = await click(fake_bot, None, block_id, BOB)
    assert refused.last.content == MODERATORS_ONLY
    blocked = await click(fake_bot, None, block_id, MODERATOR)
    assert "asker of #1 can no longer ask or vote" in blocked.last.content
    assert str(ALICE.id) not in blocked.last.content and "Alice" not in blocked.last.content
    again = await ask(cog, fake_bot, ALICE, "Another boring question for you?")
    assert "paused your questions and votes" in again.last.content and again.last.ephemeral
    assert len(await stored(sessions)) == 1
    as_member = await run(cog, fake_bot, "unblock", BOB, question=1)
    assert as_member.last.content == MODERATORS_ONLY
    await run(cog, fake_bot, "unblock", MODERATOR, question=1)
    # Back to the ordinary limits: only the cooldown of the first question stands in the way now.
    after = await ask(cog, fake_bot, ALICE, "A polite question about LUMA?")
    assert "You just asked a question" in after.last.content


async def test_blocked_member_vote_is_refused_and_not_counted(
    cog: Panels, fake_bot: FakeBot, sessions: Sessions
) -> None:
    await open_panel(cog, fake_bot)
    await ask(cog, fake_bot, ALICE, "How is industry involved in LUMA?")
    first = channel_messages(fake_bot)[-1]
    await ask(cog, fake_bot, BOB, "Why is this panel so boring?")
    refused = await run(cog, fake_bot, "block", CAROL, question=2)
    assert refused.last.content == MODERATORS_ONLY
    await run(cog, fake_bot, "block", MODERATOR, question=2)
    vote = await click(fake_bot, first, first.sent.custom_ids[0], BOB)
    assert "paused your questions and votes" in vote.last.content
    async with sessions.begin() as session:
        assert await session.scalar(select(func.count()).select_from(Vote)) == 0


# --- labels ---------------------------------------------------------------------------------------------


async def test_ask_with_label_shows_it_and_panel_questions_filters_by_it(cog: Panels, fake_bot: FakeBot) -> None:
    await open_panel(cog, fake_bot, topics="Industry involvement; Urgent challenges")
    choices = await cog.labels(FakeInteraction(fake_bot, ALICE), "urg")  # type: ignore[arg-type]
    assert [choice.value for choice in choices] == ["Urgent challenges"]
    await ask(cog, fake_bot, ALICE, "How do companies take part in LUMA?", label="Industry involvement")
    assert "🏷️ Industry involvement" in channel_messages(fake_bot)[-1].sent.text
    await ask(cog, fake_bot, BOB, "What is most urgent for teachers?", label="Urgent challenges", to="Jan")
    wrong = await ask(cog, fake_bot, CAROL, "Who funds all this work?", label="Funding")
    assert "is not a label of this panel" in wrong.last.content and wrong.last.ephemeral
    listed = await run(cog, fake_bot, "questions", CAROL, label="Jan Lundell")
    assert "What is most urgent" in listed.last.text and "companies take part" not in listed.last.text
