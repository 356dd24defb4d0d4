"""The engine configures every SQLite connection for durability and concurrent writers."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import SQLITE_BUSY_TIMEOUT_MS


@pytest.mark.sqlite_only
async def test_sqlite_connection_uses_wal_full_sync_foreign_keys_and_busy_timeout(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:

        async def pragma(name: str) -> object:
            return (await connection.exec_driver_sql(f"PRAGMA {name}")).scalar()

        assert await pragma("journal_mode") == "wal"
        assert await pragma("synchronous") == 2  # FULL
        assert await pragma("foreign_keys") == 1
        assert await pragma("busy_timeout") == SQLITE_BUSY_TIMEOUT_MS
