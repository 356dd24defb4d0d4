"""Engine and session factory: one per process, created at the edge and injected."""

from __future__ import annotations

import random
import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, event, text
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

SQLITE_BUSY_TIMEOUT_MS = 10_000
SQLITE_POOL_TIMEOUT_S = 30
# Lookups read the file through a memory map of up to this size rather than a read() per page: 15–20% off a
# full-text search over 100,000 practices. The pages are the OS's file cache, shared, not the bot's heap.
SQLITE_READER_MMAP_BYTES = 256 * 1024 * 1024
# PostgreSQL advisory lock keys: start-up work that two instances starting at once must do one after the other.
MIGRATION_LOCK = 0x5_7E_0001
SHIPPED_DATA_LOCK = 0x5_7E_0002
VECTORS_LOCK = 0x5_7E_0003
# Held until the transaction ends; a second instance waits here, then finds the work done.
INSTANCE_LOCK = text("SELECT pg_advisory_xact_lock(:key)")


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str, *, enforce_foreign_keys: bool = True, **kwargs: Any) -> AsyncEngine:
    """Create an async engine; SQLite gets WAL, a busy timeout, foreign keys and write-locking transactions."""
    if not is_sqlite(url):
        return create_async_engine(url, pool_pre_ping=True, **kwargs)
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    # One connection: SQLite has one writer anyway, and waiting for the pool is first come, first served,
    # while waiting in SQLite's busy handler is by polling and can time out under a burst.
    kwargs.setdefault("pool_size", 1)
    kwargs.setdefault("max_overflow", 0)
    kwargs.setdefault("pool_timeout", SQLITE_POOL_TIMEOUT_S)
    # Every session and connection ends its own transaction, so the pool's extra rollback on return is
    # a wasted round trip (~20% of a short lookup); a leaked transaction would fail the next BEGIN loudly.
    kwargs.setdefault("pool_reset_on_return", None)
    engine = create_async_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs)
    configure_sqlite(engine.sync_engine, enforce_foreign_keys=enforce_foreign_keys)
    return engine


class SQLiteSavepointsAsText(SQLiteDialect_pysqlite):
    """pysqlite, with SAVEPOINT, RELEASE and ROLLBACK TO sent as plain SQL text.

    The writer (db/writer.py) opens a savepoint for every action; building and compiling a statement object
    for each took ~130 µs of the ~600 µs an upvote costs, sending the text ~20 µs.
    """

    supports_statement_cache = True  # as its parent: the subclass changes no SQL that is compiled

    def do_savepoint(self, connection: Connection, name: str) -> None:
        connection.exec_driver_sql(f"SAVEPOINT {self.identifier_preparer.quote(name)}")

    def do_rollback_to_savepoint(self, connection: Connection, name: str) -> None:
        connection.exec_driver_sql(f"ROLLBACK TO SAVEPOINT {self.identifier_preparer.quote(name)}")

    def do_release_savepoint(self, connection: Connection, name: str) -> None:
        connection.exec_driver_sql(f"RELEASE SAVEPOINT {self.identifier_preparer.quote(name)}")


registry.register("sqlite.pysqlite_savepoints_as_text", __name__, SQLiteSavepointsAsText.__name__)


def sqlite_file_engine(engine: AsyncEngine, *, connections: int, read_only: bool = False) -> Engine | None:
    """A plain (pysqlite) engine on the async engine's SQLite file, for work run whole in one thread hop;
    None when the database is not a SQLite file (PostgreSQL, in-memory SQLite)."""
    url = engine.url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    file_engine = create_sync_engine(
        url.set(drivername="sqlite+pysqlite_savepoints_as_text"),
        pool_size=connections,
        max_overflow=0,
        pool_reset_on_return=None,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )
    configure_sqlite(file_engine, read_only=read_only)
    return file_engine


def configure_sqlite(engine: Engine, *, enforce_foreign_keys: bool = True, read_only: bool = False) -> None:
    """The settings of every SQLite connection: the async engine's, the writer's and the reader's own."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take over transaction control so every transaction starts with the BEGIN chosen below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        if read_only:
            # A lookup's connection cannot write, even by mistake.
            cursor.execute("PRAGMA query_only=ON")
            cursor.execute(f"PRAGMA mmap_size={SQLITE_READER_MMAP_BYTES}")
        else:
            _use_wal(cursor)
            cursor.execute(f"PRAGMA foreign_keys={'ON' if enforce_foreign_keys else 'OFF'}")
            # FULL: a commit acknowledged to a member survives power loss, not only a killed process.
            cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        # Writers: deferred transactions that later write deadlock under concurrency (SQLITE_BUSY without
        # waiting); taking the write lock up front makes writers queue on busy_timeout instead. Readers: a
        # deferred BEGIN, whose snapshot starts at the first read and takes no lock a writer waits on.
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def _use_wal(cursor: Any) -> None:
    """Put the file in WAL mode (it stays so), unless it already is.

    The switch needs the file to itself, and SQLite refuses it at once, without waiting on busy_timeout, while
    another connection holds it: two instances starting on a new file at once may each refuse the other. So a
    refused switch looks again after a short random pause, until one of them has switched or the timeout passes.
    Once the file is in WAL, as every connection after the first finds it, none of this runs.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while _journal_mode(cursor) != "wal":
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError as error:  # both drivers (pysqlite, aiosqlite) raise sqlite3's own
            if error.sqlite_errorname != "SQLITE_BUSY" or time.monotonic() > deadline:
                raise
            time.sleep(random.uniform(0.005, 0.05))


def _journal_mode(cursor: Any) -> str:
    cursor.execute("PRAGMA journal_mode")
    return str(cursor.fetchone()[0])


async def lock_out_other_instances(session: AsyncSession, key: int) -> None:
    """Wait until no other instance holds `key` in a transaction (PostgreSQL; SQLite has one writer anyway)."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(INSTANCE_LOCK, {"key": key})


def create_sessionmaker(engine: AsyncEngine, *, info: dict[str, Any] | None = None) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit; `info` is copied into every session's `info`."""
    return async_sessionmaker(engine, expire_on_commit=False, info=info)
