"""Migration 0002 creates exactly what the event models describe (up/down is covered by test_migrations)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from db.engine import create_engine
from db.models import Base

EVENT_TABLES = {"events", "event_attendees", "reminders", "reminder_deliveries", "member_preferences"}


async def test_events_migration_matches_models(empty_database_url: str) -> None:
    engine = create_engine(empty_database_url)
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}), Base.metadata
                )
            )
    finally:
        await engine.dispose()
    ours = [d for d in differences if any(table in repr(d) for table in EVENT_TABLES)]
    assert ours == []
