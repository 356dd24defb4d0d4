"""Migration 0002 goes down and up cleanly and matches the event models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from db import migrate
from db.engine import create_engine
from db.models import Base

EVENT_TABLES = {"events", "event_attendees", "reminders", "reminder_deliveries", "member_preferences"}


async def table_names(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
    finally:
        await engine.dispose()


async def test_events_migration_down_and_up_again(empty_database_url: str) -> None:
    assert await table_names(empty_database_url) >= EVENT_TABLES
    await migrate.downgrade(empty_database_url, "0001")
    assert not EVENT_TABLES & await table_names(empty_database_url)
    await migrate.upgrade(empty_database_url, "0002")
    assert await table_names(empty_database_url) >= EVENT_TABLES


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
