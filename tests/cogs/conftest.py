from __future__ import annotations

from typing import Any

import pytest
from discord import app_commands
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from bot.tree import report_error
from db.reader import Reader
from db.writer import Writer
from tests.cogs.fakes import FakeBot, FakeInteraction


@pytest.fixture
def fake_bot(settings: Settings, sessions: async_sessionmaker[AsyncSession], reader: Reader, writer: Writer) -> FakeBot:
    return FakeBot(settings, sessions, reader, writer)


async def invoke(command: Any, cog: Any, interaction: FakeInteraction, **options: Any) -> None:
    """Run a slash command the way the tree does: checks first, errors through the one error handler."""
    assert isinstance(command, app_commands.Command)
    try:
        if not await command._check_can_run(interaction):  # type: ignore[arg-type]
            raise app_commands.CheckFailure("check failed")
        await command.callback(cog, interaction, **options)  # type: ignore[arg-type]
    except Exception as error:
        await report_error(interaction, error)  # type: ignore[arg-type]
