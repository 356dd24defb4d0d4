"""The bot starts against the fake Discord, syncs its commands to the guild and answers a lookup."""

from __future__ import annotations

import pytest

from .botproc import BotProcess
from .driver import Driver
from .fake import FakeDiscord

pytestmark = pytest.mark.timeout(60)


async def test_bot_starts_syncs_to_the_guild_and_answers(fake: FakeDiscord, bot: BotProcess, driver: Driver) -> None:
    guild_commands = fake.synced_commands(driver.guild.id)
    names = {command["name"] for command in guild_commands}
    assert {"platform", "practice", "find"} <= names, f"synced to the guild: {sorted(names)}"

    # It logged in the way discord.py does, and the gateway session is the one it identified on.
    assert fake.requests_matching("GET", r"^/users/@me$", status=200)
    assert fake.requests_matching("GET", r"^/oauth2/applications/@me$", status=200)
    session = fake.live_session()
    assert session is not None and session.identified and session.heartbeats >= 1

    result = await driver.slash("platform show", name="LUMA")
    assert result.callback_type == 4
    assert not result.ephemeral
    assert result.message.embed["title"].startswith("LUMA Centre Finland")
    assert not result.message.pinged

    driver.assert_clean(since=0)
    errors = [line for line in bot.log_text().splitlines() if " ERROR " in line or "Traceback" in line]
    assert not errors, "errors in the bot log:\n" + "\n".join(errors)


async def test_gateway_reconnects_after_a_dropped_connection(
    fake: FakeDiscord, bot: BotProcess, driver: Driver
) -> None:
    """Discord drops gateway connections; the bot reconnects (RESUME is refused, so it re-IDENTIFYs)."""
    identified = fake.identify_count()
    await fake.acall(fake.drop_gateway(4000))
    result = await driver.slash("find", query="Norway", timeout=20)
    assert fake.identify_count() == identified + 1
    assert not result.ephemeral
    assert "Norway" in result.message.embed["title"]
    driver.assert_clean()
