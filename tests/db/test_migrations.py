"""Migrations go up and down cleanly on a real SQLite file."""

from __future__ import annotations

from pathlib import Path

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


async def test_migrations_upgrade_downgrade_upgrade_round_trip(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"
    await migrate.upgrade(url)
    assert await migrate.current_revision(url) == migrate.head_revision()
    assert {"platforms", "practices", "search_documents", "search_fts"} <= await _tables(url)

    await migrate.downgrade(url, "base")
    assert await migrate.current_revision(url) is None
    assert await _tables(url) <= {"alembic_version"}

    await migrate.upgrade(url)
    assert await migrate.current_revision(url) == migrate.head_revision()


async def test_migrations_each_step_reverts_alone(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'steps.db'}"
    script = migrate.ScriptDirectory.from_config(migrate.alembic_config())
    revisions = [revision.revision for revision in script.walk_revisions()][::-1]
    for index, revision in enumerate(revisions):
        await migrate.upgrade(url, revision)
        assert await migrate.current_revision(url) == revision
        previous = revisions[index - 1] if index else "base"
        await migrate.downgrade(url, previous)
        await migrate.upgrade(url, revision)
    assert await migrate.current_revision(url) == migrate.head_revision()
