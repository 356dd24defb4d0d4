"""Panel moderation through the commands: the word filter's modes, written answers, edits and blocks."""

from __future__ import annotations

import discord
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cogs.panels import Panels
from db.models import Question
from tests.cogs.fakes import MOD_CHANNEL_ID, FakeBot
from tests.cogs.test_panels import (
    ALICE,
    BOB,
    ask,
    channel_messages,
    open_panel,
)

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
