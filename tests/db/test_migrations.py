"""Migrations go up and down cleanly on a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import inspect

from db import migrate
from db.engine import create_engine


async def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
    finally:
        await engine.dispose()


async def test_migrations_upgrade_downgrade_upgrade_round_trip(blank_database_url: str, backend: str) -> None:
    url = blank_database_url
    await migrate.upgrade(url)
    assert await migrate.current_revision(url) == migrate.head_revision()
    search_index = {"search_fts"} if backend == "sqlite" else set()  # PostgreSQL indexes a generated column
    assert {"platforms", "practices", "search_documents"} | search_index <= await _tables(url)

    await migrate.downgrade(url, "base")
    assert await migrate.current_revision(url) is None
    assert await _tables(url) <= {"alembic_version"}

    await migrate.upgrade(url)
    assert await migrate.current_revision(url) == migrate.head_revision()


async def test_migrations_each_step_reverts_alone(blank_database_url: str) -> None:
    url = blank_database_url
    script = migrate.ScriptDirectory.from_config(migrate.alembic_config())
    revisions = [revision.revision for revision in script.walk_revisions()][::-1]
    for index, revision in enumerate(revisions):
        await migrate.upgrade(url, revision)
        assert await migrate.current_revision(url) == revision
        previous = revisions[index - 1] if index else "base"
        await migrate.downgrade(url, previous)
        await migrate.upgrade(url, revision)
    assert await migrate.current_revision(url) == migrate.head_revision()
