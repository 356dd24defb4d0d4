"""The engine configures every SQLite connection for durability and concurrent writers."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import SQLITE_BUSY_TIMEOUT_MS, configure_sqlite


@pytest.mark.sqlite_only
async def test_sqlite_connection_uses_wal_full_sync_foreign_keys_and_busy_timeout(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:

        async def pragma(name: str) -> object:
            return (await connection.exec_driver_sql(f"PRAGMA {name}")).scalar()

        assert await pragma("journal_mode") == "wal"
        assert await pragma("synchronous") == 2  # FULL
        assert await pragma("foreign_keys") == 1
        assert await pragma("busy_timeout") == SQLITE_BUSY_TIMEOUT_MS


def test_a_new_file_held_by_another_connection_still_switches_to_wal(tmp_path: Path) -> None:
    """Two instances starting on a new file at once: the switch to WAL is refused while the other holds the file
    (SQLite does not wait on busy_timeout for it), so the second connection must look again, not fail."""
    path = tmp_path / "new.db"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("CREATE TABLE held (x)")
    holder.execute("BEGIN IMMEDIATE")  # the other instance, about to write to the file (no WAL yet)
    release = threading.Timer(0.3, holder.rollback)
    release.start()
    engine = create_engine(f"sqlite:///{path}")
    configure_sqlite(engine)
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        release.join()
        engine.dispose()
        holder.close()
