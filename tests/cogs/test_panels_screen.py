"""/panel screen open and revoke: moderator-only links, web views off, and the live hub told of changes."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest
from discord import app_commands

from bot.settings import Settings
from bot.tree import MODERATORS_ONLY
from bot.web.hub import ScreenUpdate
from cogs.panels import Panels
from db import screens
from rules.errors import NotFoundError
from tests.cogs.fakes import FakeBot, FakeInteraction, FakeMember, run_command
from tests.cogs.test_panels import ALICE, MODERATOR, PANELISTS, run

LINK = re.compile(r"<https://bot\.example\.org/screen/(?P<token>[A-Za-z0-9_-]{43})>")


@pytest.fixture
def bot(fake_bot: FakeBot) -> FakeBot:
    """The shared fake bot with the web views on, which screen links need."""
    fake_bot.settings = dataclasses.replace(fake_bot.settings, web_port=8080, public_base_url="https://bot.example.org")
    return fake_bot


@pytest.fixture
async def cog(bot: FakeBot) -> Panels:
    cog = Panels(bot)  # type: ignore[arg-type]
    await run(cog, bot, "open", MODERATOR, title="Industry involvement", panelists=PANELISTS)
    return cog


async def screen_command(cog: Panels, bot: FakeBot, name: str, user: FakeMember = MODERATOR) -> FakeInteraction:
    command = cog.screen.get_command(name)
    assert isinstance(command, app_commands.Command)
    interaction = FakeInteraction(bot, user)
    await run_command(command, interaction)
    return interaction


async def open_link(cog: Panels, bot: FakeBot) -> tuple[int, str]:
    """(panel id, token) of a new presenter link made with /panel screen open."""
    match = LINK.search((await screen_command(cog, bot, "open")).last.text)
    assert match is not None
    return await bot.db.transaction(screens.screen_panel_id, token=match["token"]), match["token"]


def kind(update: ScreenUpdate | None) -> str | None:
    return update.kind if update else None


async def test_panel_screen_open_gives_a_moderator_a_private_working_link(cog: Panels, bot: FakeBot) -> None:
    interaction = await screen_command(cog, bot, "open")
    assert interaction.last.ephemeral and "never who asked" in interaction.last.text
    match = LINK.search(interaction.last.text)
    assert match is not None
    assert await bot.db.transaction(screens.screen_panel_id, token=match["token"]) > 0


async def test_panel_screen_refuses_members(cog: Panels, bot: FakeBot) -> None:
    for name in ("open", "revoke"):
        interaction = await screen_command(cog, bot, name, user=ALICE)
        assert interaction.last.ephemeral and interaction.last.content == MODERATORS_ONLY
        assert "screen/" not in interaction.replies


async def test_panel_screen_open_with_web_views_off_says_how_to_turn_them_on(
    cog: Panels, bot: FakeBot, settings: Settings
) -> None:
    bot.settings = settings
    interaction = await screen_command(cog, bot, "open")
    assert interaction.last.ephemeral and "web views are off" in interaction.last.text
    assert "WEB_PORT" in interaction.last.text


async def test_panel_screen_revoke_turns_every_link_off_and_tells_open_screens(cog: Panels, bot: FakeBot) -> None:
    (panel_id, first), (_same, second) = await open_link(cog, bot), await open_link(cog, bot)
    async with bot.screens.subscribe(panel_id, screens.hash_token(first)) as watching:
        assert kind(await watching.next(5)) == "snapshot"
        revoked = await screen_command(cog, bot, "revoke")
        assert "Revoked 2 screen links" in revoked.last.text
        assert kind(await watching.next(0.5)) == "revoked"
    for token in (first, second):
        with pytest.raises(NotFoundError):
            await bot.db.transaction(screens.screen_panel_id, token=token)
    again = await screen_command(cog, bot, "revoke")
    assert "had no working screen link" in again.last.text


async def test_asking_tells_the_screens_at_once(cog: Panels, bot: FakeBot) -> None:
    panel_id, token = await open_link(cog, bot)
    async with bot.screens.subscribe(panel_id, screens.hash_token(token)) as watching:
        assert kind(await watching.next(5)) == "snapshot"
        await run(cog, bot, "ask", ALICE, question="How do platforms reach rural schools?", anonymous=True)
        # Well inside the 1 s poll: only the cog's notification can bring it this fast.
        update = await watching.next(0.5)
    assert update is not None
    assert json.loads(update.data)["top"][0]["text"] == "How do platforms reach rural schools?"
    assert str(ALICE.id) not in update.data
