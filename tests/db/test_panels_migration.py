"""Migration 0003 creates exactly the panel tables the models describe, and goes down and up cleanly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, inspect

from db import migrate
from db.engine import create_engine
from db.models import Base

PANEL_TABLES = {"panels", "panelists", "panel_questions", "panel_votes", "panel_question_edits", "panel_blocks"}


async def _tables_and_drift(url: str) -> tuple[set[str], list[object]]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:

            def inspect_sync(sync_connection: Connection) -> tuple[set[str], list[object]]:
                tables = set(inspect(sync_connection).get_table_names())
                context = MigrationContext.configure(sync_connection, opts={"compare_type": True})
                drift = [diff for diff in compare_metadata(context, Base.metadata) if _about_panels(diff)]
                return tables, drift

            return await connection.run_sync(inspect_sync)
    finally:
        await engine.dispose()


def _about_panels(diff: object) -> bool:
    return any(name in repr(diff) for name in PANEL_TABLES)


async def test_panels_migration_matches_models_and_goes_down_and_up(empty_database_url: str) -> None:
    tables, drift = await _tables_and_drift(empty_database_url)
    assert tables >= PANEL_TABLES
    assert drift == []
    await migrate.downgrade(empty_database_url, "0002")
    tables, _ = await _tables_and_drift(empty_database_url)
    assert not PANEL_TABLES & tables
    assert "platforms" in tables
    await migrate.upgrade(empty_database_url)
    tables, drift = await _tables_and_drift(empty_database_url)
    assert tables >= PANEL_TABLES and drift == []
