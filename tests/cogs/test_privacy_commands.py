"""/privacy export and /privacy forget with the shared strict fakes over a real database."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import discord
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cogs.privacy import Privacy
from cogs.privacy._views import CANCELLED, EXPIRED, NOT_YOURS, ForgetButton
from db import panels, questions
from db.members import member_timezone, set_member_timezone
from db.models.base import utcnow
from rules.question_text import QuestionRules
from tests.cogs.fakes import FakeBot, FakeInteraction, FakeMember, Sent, member, run_command

Sessions = async_sessionmaker[AsyncSession]
ALICE = member(910000000000000001, "Alice")
BOB = member(910000000000000002, "Bob")


@pytest.fixture
def cog(fake_bot: FakeBot) -> Privacy:
    return Privacy(fake_bot)  # type: ignore[arg-type]


async def give_alice_data(sessions: Sessions) -> int:
    """Alice asks anonymously and upvotes Bob's question on an open panel, and sets her time zone."""
    async with sessions.begin() as session:
        panel = await panels.open_panel(
            session,
            guild_id=100000000000000001,
            channel_id=300000000000000001,
            title="STEM platforms across Europe",
            panelists="Jan Lundell (LUMA Centre Finland)",
            topics=None,
            moderated=False,
            anonymous_allowed=True,
            created_by=900000000000000001,
        )
        rules = QuestionRules()
        bobs = await session.run_sync(
            questions.ask_question,
            panel_id=panel.id,
            author_id=BOB.id,
            text="How is industry involved?",
            anonymous=False,
            rules=rules,
        )
        await session.run_sync(
            questions.ask_question,
            panel_id=panel.id,
            author_id=ALICE.id,
            text="Why so few girls?",
            anonymous=True,
            rules=rules,
        )
        await session.run_sync(questions.toggle_vote, question_id=bobs.id, member_id=ALICE.id)
        await set_member_timezone(session, member_id=ALICE.id, zone="Europe/Helsinki")
        return bobs.id


def attachment(sent: Sent) -> tuple[str | None, dict[str, Any]]:
    [file] = sent.files
    return file.filename, json.loads(file.fp.read())


def buttons(sent: Sent) -> dict[str | None, str]:
    """Label → custom_id of the buttons under a message."""
    assert sent.view is not None
    return {child.item.label: child.custom_id for child in sent.view.children if isinstance(child, ForgetButton)}


async def press(fake_bot: FakeBot, user: FakeMember, custom_id: str) -> FakeInteraction:
    """Press a forget button the way discord.py dispatches a DynamicItem: rebuilt from its custom_id."""
    match = ForgetButton.__discord_ui_compiled_template__.fullmatch(custom_id)
    assert match is not None
    interaction = FakeInteraction(fake_bot, user)
    item = await ForgetButton.from_custom_id(interaction, discord.ui.Button(), match)  # type: ignore[arg-type]
    await item.callback(interaction)  # type: ignore[arg-type]
    return interaction


async def ask_to_forget(cog: Privacy, fake_bot: FakeBot, user: FakeMember) -> Sent:
    interaction = FakeInteraction(fake_bot, user)
    await run_command(cog.forget, interaction)
    return interaction.last


async def test_export_sends_an_ephemeral_json_file_of_the_members_data(
    cog: Privacy, fake_bot: FakeBot, sessions: Sessions
) -> None:
    await give_alice_data(sessions)
    interaction = FakeInteraction(fake_bot, ALICE)
    await run_command(cog.export_data, interaction)
    reply = interaction.last
    assert reply.ephemeral
    filename, data = attachment(reply)
    assert filename == f"coalition-bot-data-{ALICE.id}.json"
    assert data["member_id"] == str(ALICE.id) and data["time_zone"]["zone"] == "Europe/Helsinki"
    assert [(q["text"], q["anonymous"]) for q in data["questions"]] == [("Why so few girls?", True)]
    assert [v["question_text"] for v in data["votes"]] == ["How is industry involved?"]
    assert "1 question (1 anonymous)" in reply.content and "1 upvote" in reply.content
    assert str(BOB.id) not in json.dumps(data)


async def test_export_works_in_direct_messages(cog: Privacy, fake_bot: FakeBot, sessions: Sessions) -> None:
    await give_alice_data(sessions)
    interaction = FakeInteraction(fake_bot, ALICE)
    interaction.guild_id = None
    await run_command(cog.export_data, interaction)
    assert interaction.last.ephemeral and attachment(interaction.last)[1]["questions"]


async def test_forget_asks_first_and_deletes_nothing_until_confirmed(
    cog: Privacy, fake_bot: FakeBot, sessions: Sessions
) -> None:
    await give_alice_data(sessions)
    warning = await ask_to_forget(cog, fake_bot, ALICE)
    assert warning.ephemeral and "cannot be undone" in warning.content
    assert "1 upvote" in warning.content and "your time zone (Europe/Helsinki)" in warning.content
    assert set(buttons(warning)) == {"Yes, forget me", "Cancel"}
    assert buttons(warning)["Yes, forget me"].startswith(f"privacy:forget:yes:{ALICE.id}:")
    async with sessions.begin() as session:
        assert await member_timezone(session, member_id=ALICE.id) == "Europe/Helsinki"


async def test_forget_confirmed_reports_counts_and_forgets(cog: Privacy, fake_bot: FakeBot, sessions: Sessions) -> None:
    bobs_question = await give_alice_data(sessions)
    warning = await ask_to_forget(cog, fake_bot, ALICE)
    pressed = await press(fake_bot, ALICE, buttons(warning)["Yes, forget me"])
    report = pressed.last
    assert report.kind == "edit_message" and report.view is None
    assert "1 upvote deleted" in report.content and "1 question made anonymous" in report.content
    assert "your time zone deleted" in report.content
    async with sessions.begin() as session:
        assert await member_timezone(session, member_id=ALICE.id) is None
        assert await session.run_sync(questions.vote_count, bobs_question) == 0
        assert await questions.member_questions(session, member_id=ALICE.id) == []
    assert (
        await ask_to_forget(cog, fake_bot, ALICE)
    ).content == "The bot holds nothing about you, so there is nothing to forget."


async def test_forget_button_pressed_by_another_member_is_refused(
    cog: Privacy, fake_bot: FakeBot, sessions: Sessions
) -> None:
    await give_alice_data(sessions)
    warning = await ask_to_forget(cog, fake_bot, ALICE)
    pressed = await press(fake_bot, BOB, buttons(warning)["Yes, forget me"])
    assert pressed.last.ephemeral and pressed.last.content == NOT_YOURS
    async with sessions.begin() as session:
        assert await member_timezone(session, member_id=ALICE.id) == "Europe/Helsinki"


async def test_forget_cancel_changes_nothing(cog: Privacy, fake_bot: FakeBot, sessions: Sessions) -> None:
    bobs_question = await give_alice_data(sessions)
    warning = await ask_to_forget(cog, fake_bot, ALICE)
    pressed = await press(fake_bot, ALICE, buttons(warning)["Cancel"])
    assert pressed.last.kind == "edit_message" and pressed.last.content == CANCELLED and pressed.last.view is None
    async with sessions.begin() as session:
        assert await member_timezone(session, member_id=ALICE.id) == "Europe/Helsinki"
        assert await session.run_sync(questions.vote_count, bobs_question) == 1


async def test_forget_stale_confirmation_asks_to_run_the_command_again(fake_bot: FakeBot, sessions: Sessions) -> None:
    await give_alice_data(sessions)
    asked_at = int((utcnow() - timedelta(minutes=16)).timestamp())
    pressed = await press(fake_bot, ALICE, f"privacy:forget:yes:{ALICE.id}:{asked_at}")
    assert pressed.last.content == EXPIRED
    async with sessions.begin() as session:
        assert await member_timezone(session, member_id=ALICE.id) == "Europe/Helsinki"
