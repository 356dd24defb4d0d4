"""What /metrics and /healthz read from the database, and the count of failed statements."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from bot.metrics import BotMetrics
from db.database import Database
from db.models.base import utcnow
from db.operations import DELIVERY_STATUSES, operations_snapshot


async def test_snapshot_of_a_fresh_database_shows_every_status_at_zero(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        snapshot = await operations_snapshot(session, now=utcnow())
    assert snapshot.deliveries == dict.fromkeys(DELIVERY_STATUSES, 0)
    assert set(snapshot.questions) == {"pending", "open", "answered", "hidden"}
    assert snapshot.reminders_overdue == 0 and snapshot.votes == 0


async def test_a_failed_statement_is_counted_once_whichever_door_path_runs_it(database: Database) -> None:
    metrics = BotMetrics()
    database.on_statement_error(metrics.database_errors.inc)

    async def broken_statement(session: AsyncSession) -> None:
        await session.execute(text("SELECT 1"))
        await session.execute(text("SELECT * FROM no_such_table"))

    def broken_lookup(session: Session) -> None:
        session.execute(text("SELECT * FROM no_such_table"))

    with pytest.raises(DBAPIError):
        await database.transaction(broken_statement)
    assert metrics.registry.get_sample_value("coalition_database_errors_total") == 1
    # Lookups run on the reader's own connection on a SQLite file: counted all the same.
    with pytest.raises(DBAPIError):
        await database.read(broken_lookup)
    assert metrics.registry.get_sample_value("coalition_database_errors_total") == 2
