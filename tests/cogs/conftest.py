from __future__ import annotations

import pytest

from bot.settings import Settings
from db.database import Database
from tests.cogs.fakes import FakeBot


@pytest.fixture
def fake_bot(settings: Settings, database: Database) -> FakeBot:
    return FakeBot(settings, database)
