"""Read-only lookups in one hop: a lookup is a plain synchronous function of a `Session`, run whole.

Through the async engine every SQL statement is several thread hops (aiosqlite hands cursor, execute, fetch
and close to its thread one by one), which made a two-query lookup cost 3–5 ms on SQLite. Here, on a SQLite
file, the whole lookup runs in one hop on a worker thread with its own read-only connection: WAL lets it
read while the bot's one writer writes, so a panel's burst of votes does not slow lookups either. Elsewhere
(PostgreSQL, in-memory SQLite) the same function runs through the async engine with `run_sync`.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Engine, text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Session, sessionmaker

from db.engine import create_sessionmaker, sqlite_file_engine
from db.session_state import CACHES_KEY, LookupCaches

P = ParamSpec("P")
T = TypeVar("T")
# Two threads, two connections: a slow full-text ranking does not hold up an autocomplete behind it.
READER_THREADS = 2

Lookup = Callable[Concatenate[Session, P], T]


class Reader:
    """Runs read-only lookups against the bot's database, each in one read transaction (a consistent snapshot)."""

    def __init__(self, engine: AsyncEngine, *, session_info: dict[str, Any] | None = None) -> None:
        # Sessions share `session_info` (the Database's caches); a reader built on its own keeps caches of its own,
        # so its lookups never rebuild the name directory per call.
        session_info = session_info if session_info is not None else {CACHES_KEY: LookupCaches()}
        self._async_sessions = create_sessionmaker(engine, info=session_info)
        self._executor: ThreadPoolExecutor | None = None
        self._sync_sessions: sessionmaker[Session] | None = None
        self._sync_engine = sqlite_file_engine(engine, connections=READER_THREADS, read_only=True)
        if self._sync_engine is not None:
            self._sync_sessions = sessionmaker(self._sync_engine, expire_on_commit=False, info=session_info)
            self._executor = ThreadPoolExecutor(READER_THREADS, thread_name_prefix="db-reader")

    @property
    def file_engine(self) -> Engine | None:
        """The reader's own engine on a SQLite file; None where lookups go through the async engine."""
        return self._sync_engine

    async def run(self, lookup: Lookup[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        if self._executor is None or self._sync_sessions is None:
            async with self._async_sessions() as session:
                if session.get_bind().dialect.name == "postgresql":
                    # As on SQLite: a lookup cannot write, even by mistake.
                    await session.execute(text("SET TRANSACTION READ ONLY"))
                return await session.run_sync(lookup, *args, **kwargs)
        work = functools.partial(_in_read_transaction, self._sync_sessions, lookup, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self._executor, work)

    def close(self) -> None:
        """Wait for lookups under way, then close the read connections."""
        if self._executor is not None:
            self._executor.shutdown(wait=True)
        if self._sync_engine is not None:
            self._sync_engine.dispose()


def _in_read_transaction(sessions: sessionmaker[Session], lookup: Lookup[P, T], *args: Any, **kwargs: Any) -> T:
    with sessions() as session:
        return lookup(session, *args, **kwargs)
