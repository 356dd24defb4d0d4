from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from db.reader import Reader
from db.writer import Writer
from tests.cogs.fakes import FakeBot


@pytest.fixture
def fake_bot(settings: Settings, sessions: async_sessionmaker[AsyncSession], reader: Reader, writer: Writer) -> FakeBot:
    return FakeBot(settings, sessions, reader, writer)
