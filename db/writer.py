"""Group commit for the hot write path (questions and votes): many actions, one hop and one fsync.

Through aiosqlite every SQL statement is several thread hops, so an upvote cost ~4.5 ms and one panel's
audience could not get past ~220 actions a second. Here an action is a plain synchronous function of a
`Session`. On a SQLite file, a writer task takes every action waiting in its queue, waits for its turn at
the write lock, and runs them all in one thread hop on its own connection, each action in its own
SAVEPOINT and its own `Session` (so a refused action rolls back alone and sees no other action's objects),
then commits once. A caller hears back only after that commit has returned: an acknowledged action is on
disk (synchronous=FULL). If the commit fails, every caller in the batch gets the error.

The turn at the write lock is the async engine's one pooled connection, checked out for the length of the
batch: other writers queue behind it first come, first served, instead of polling SQLite's busy handler.
Elsewhere (PostgreSQL, in-memory SQLite) each action is its own transaction through the async engine.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Session

from db.engine import create_sessionmaker, sqlite_file_engine

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")
Action = Callable[Concatenate[Session, P], T]
# Bounds on one transaction: the callers at its start wait for its commit, so it commits after this much
# work even if more is waiting (an upvote is ~1 ms, a question 2–6 ms); the rest goes in the next one.
# 5 ms rather than 15 ms: question p99 45–82 ms against 59–95 ms in the benchmark's live window (an fsync is 0.3 ms).
MAX_BATCH = 200
BATCH_SECONDS = 0.005


@dataclass
class _Pending:
    work: Callable[[Session], Any]
    future: asyncio.Future[Any]


# What an action came to: (True, its value) or (False, the exception it raised).
Outcome = tuple[bool, Any]


class Writer:
    """Runs write actions atomically and durably; `run` returns once the action's commit has returned."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._async_sessions = create_sessionmaker(engine)
        self._sync_engine = sqlite_file_engine(engine, connections=1)
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="db-writer") if self._sync_engine else None
        # Actions not yet committed, oldest first: what a transaction leaves (past its budget) stays in front.
        self._waiting: list[_Pending] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        self.batch_sizes: list[int] = []

    async def run(self, action: Action[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        if self._closed:
            raise RuntimeError("the writer is closed")

        def work(session: Session) -> T:
            return action(session, *args, **kwargs)

        if self._sync_engine is None:
            async with self._async_sessions.begin() as session:
                return await session.run_sync(work)
        if self._task is None:
            self._task = asyncio.create_task(self._commit_batches(), name="db-writer")
        pending = _Pending(work, asyncio.get_running_loop().create_future())
        self._waiting.append(pending)
        self._wake.set()
        # Shielded: a caller that gives up (an interaction timing out) does not cancel the others' batch.
        return await asyncio.shield(pending.future)

    async def _commit_batches(self) -> None:
        loop = asyncio.get_running_loop()
        while self._waiting or not self._closed:
            if not self._waiting:
                self._wake.clear()
                await self._wake.wait()
                continue
            batch = self._waiting[:MAX_BATCH]
            try:
                async with self._engine.connect():  # our turn at the write lock (see the module docstring)
                    outcomes = await loop.run_in_executor(self._executor, self._run_batch, batch)
            except Exception as error:  # nothing of this batch is stored: everybody hears it
                log.exception("a write batch of %d actions failed", len(batch))
                outcomes = [(False, error)] * len(batch)
            del self._waiting[: len(outcomes)]
            self.batch_sizes.append(len(outcomes))
            for pending, (ok, value) in zip(batch, outcomes, strict=False):
                if pending.future.done():
                    continue
                if ok:
                    pending.future.set_result(value)
                else:
                    pending.future.set_exception(value)

    def _run_batch(self, batch: list[_Pending]) -> list[Outcome]:
        """Run a prefix of `batch` in one transaction, as much as fits the time budget; their outcomes."""
        assert self._sync_engine is not None
        outcomes: list[Outcome] = []
        deadline = time.monotonic() + BATCH_SECONDS
        with self._sync_engine.connect() as connection, connection.begin():
            for pending in batch:
                # Each action its own Session in its own SAVEPOINT of the shared transaction.
                with Session(
                    bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
                ) as session:
                    try:
                        value = pending.work(session)
                        session.commit()
                    except Exception as error:  # refused or failed: only this action's savepoint rolls back
                        session.rollback()
                        outcomes.append((False, error))
                    else:
                        outcomes.append((True, value))
                if time.monotonic() > deadline:
                    break
        return outcomes

    async def close(self) -> None:
        """Commit and answer everything already queued, then close the writer's connection."""
        self._closed = True
        if self._task is not None:
            self._wake.set()
            await self._task
        if self._executor is not None:
            self._executor.shutdown(wait=True)
        if self._sync_engine is not None:
            self._sync_engine.dispose()
