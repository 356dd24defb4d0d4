"""What /metrics and /healthz read from the database, and the count of failed statements."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.metrics import BotMetrics, watch_database_errors
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


async def test_a_failed_statement_is_counted_once(engine: AsyncEngine) -> None:
    metrics = BotMetrics()
    watch_database_errors(engine, metrics)
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
        with pytest.raises(DBAPIError):
            await connection.execute(text("SELECT * FROM no_such_table"))
    assert metrics.registry.get_sample_value("coalition_database_errors_total") == 1
