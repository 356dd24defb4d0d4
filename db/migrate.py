"""Apply and inspect Alembic migrations programmatically."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from db.engine import INSTANCE_LOCK, MIGRATION_LOCK, create_engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s")
    return config


async def upgrade(url: str, revision: str = "head") -> None:
    """Migrate the database up to `revision` (default: the newest)."""
    await _run(url, lambda config: command.upgrade(config, revision))


async def downgrade(url: str, revision: str) -> None:
    """Migrate the database down to `revision` ("base" empties it)."""
    await _run(url, lambda config: command.downgrade(config, revision))


async def current_revision(url: str) -> str | None:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(
                lambda sync_connection: MigrationContext.configure(sync_connection).get_current_revision()
            )
    finally:
        await engine.dispose()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def knows_revision(revision: str) -> bool:
    """False for a revision this code has no migration for: the database was migrated by a newer version."""
    return any(script.revision == revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions())


async def _run(url: str, action: Callable[[Config], None]) -> None:
    # SQLite batch migrations recreate tables; with foreign keys enforced, dropping the old copy would
    # cascade-delete rows that point at it, so migrations run with enforcement off.
    engine = create_engine(url, enforce_foreign_keys=False)

    def run_sync(connection: Connection) -> None:
        if connection.dialect.name == "postgresql":
            # Two instances starting at once would both create the same tables; the second waits, then finds
            # the database at the revision the first committed (PostgreSQL migrations are transactional).
            connection.execute(INSTANCE_LOCK, {"key": MIGRATION_LOCK})
        config = alembic_config()
        config.attributes["connection"] = connection
        action(config)

    try:
        async with engine.begin() as connection:
            await connection.run_sync(run_sync)
    finally:
        await engine.dispose()
