"""Group commit for the hot write path (questions and votes): many actions, one hop and one fsync.

Through aiosqlite every SQL statement is several thread hops, so an upvote cost ~4.5 ms and one panel's
audience could not get past ~220 actions a second. Here an action is a plain synchronous function of a
`Session`. On a SQLite file, a writer thread takes the actions waiting in its queue into one transaction
on its own connection, each action in its own SAVEPOINT and its own `Session` (so a refused action rolls
back alone and sees no other action's objects), then commits once. A caller hears back only after that
commit has returned: an acknowledged action is on disk (synchronous=FULL). If the commit fails, every caller
in the batch gets the error.

The turn at the write lock is the async engine's one pooled connection, checked out while the writer works:
other writers queue behind it first come, first served, instead of polling SQLite's busy handler. Within one
turn the writer thread runs transaction after transaction while actions are waiting, up to TURN_SECONDS, and
hands each transaction's outcomes back to the event loop as it commits: going back to the loop between
transactions left the writer idle ~1 ms each time, an eighth of its time at a panel's busiest.
An action marked `runs_together` (a question) has a group form: the calls of it waiting in a row go to that form
at once, in one savepoint, which checks each on its own and does the shared work (locks, counters, the INSERT) once.

Elsewhere (PostgreSQL, in-memory SQLite) each action is its own transaction through the async engine.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

from sqlalchemy import Connection, Engine
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Session

from db.engine import create_sessionmaker, sqlite_file_engine
from db.session_state import SCRATCH_KEY

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")
Action = Callable[Concatenate[Session, P], T]
# Bounds on one transaction: the callers at its start wait for its commit, so it commits after this much
# work even if more is waiting (an upvote is ~1 ms, a question 2–6 ms); the rest goes in the next one.
# 5 ms rather than 15 ms: question p99 45–82 ms against 59–95 ms in the benchmark's live window (an fsync is 0.3 ms).
MAX_BATCH = 200
BATCH_SECONDS = 0.005
# How long the writer keeps its turn at the write lock while more keeps arriving; other writers wait this long at most.
TURN_SECONDS = 0.05


@dataclass
class BatchCounter:
    """How many transactions the writer committed and how many actions they held: bounded, however long it runs."""

    transactions: int = 0
    actions: int = 0
    largest: int = 0
    last: int = 0

    def count(self, size: int) -> None:
        self.transactions += 1
        self.last = size
        self.actions += size
        self.largest = max(self.largest, size)


# What an action came to: (True, its value) or (False, the exception it raised).
Outcome = tuple[bool, Any]
# An action's group form: the keyword arguments of many calls at once, an outcome for each, in order.
Together = Callable[[Session, list[dict[str, Any]]], list[Outcome]]
_TOGETHER: dict[Callable[..., Any], Together] = {}
# At most this many calls in one group (50 questions are 10–15 ms of writer time on a 2-core machine): a burst is
# answered group by group rather than all at its end.
MAX_GROUP = 50


def runs_together(together: Together) -> Callable[[Callable[P, T]], Callable[P, T]]:
    """Mark an action whose calls waiting in a row the writer may hand to `together` at once, in one savepoint:
    `together` checks each call on its own (a refused one fails alone) and does the shared work once."""

    def mark(action: Callable[P, T]) -> Callable[P, T]:
        _TOGETHER[action] = together
        return action

    return mark


def together_form(action: Callable[..., Any]) -> Together | None:
    """The group form of an action marked with `runs_together`, if it has one."""
    return _TOGETHER.get(action)


@dataclass
class _Pending:
    future: asyncio.Future[Any]
    work: Callable[[Session], Any] | None = None
    # Or one call of a group form: what the writer hands to `together`, with the others waiting in a row.
    together: Together | None = None
    call: dict[str, Any] | None = None


class Writer:
    """Runs write actions atomically and durably; `run` returns once the action's commit has returned."""

    def __init__(self, engine: AsyncEngine, *, session_info: dict[str, Any] | None = None) -> None:
        self._engine = engine
        self._session_info = session_info or {}
        self._async_sessions = create_sessionmaker(engine, info=session_info)
        self._sync_engine = sqlite_file_engine(engine, connections=1)
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="db-writer") if self._sync_engine else None
        # Actions not yet taken, oldest first: appended on the event loop, taken by the writer thread (deque
        # operations are atomic, so the two need no lock).
        self._waiting: deque[_Pending] = deque()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        self.batches = BatchCounter()

    @property
    def file_engine(self) -> Engine | None:
        """The writer's own engine on a SQLite file; None where writes go through the async engine."""
        return self._sync_engine

    async def run(self, action: Action[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        if self._closed:
            raise RuntimeError("the writer is closed")

        def work(session: Session) -> T:
            return action(session, *args, **kwargs)

        if self._sync_engine is None:
            async with self._async_sessions.begin() as session:
                return await session.run_sync(work)
        return cast(T, await self._enqueue(_Pending(asyncio.get_running_loop().create_future(), work=work)))

    async def run_together(self, together: Together, call: dict[str, Any]) -> Any:
        """Run one call of a group form, with the calls of the same form waiting next to it; its value or refusal."""
        if self._closed:
            raise RuntimeError("the writer is closed")
        if self._sync_engine is None:
            async with self._async_sessions.begin() as session:
                ((ok, value),) = await session.run_sync(together, [call])
            if not ok:
                raise value
            return value
        return await self._enqueue(_Pending(asyncio.get_running_loop().create_future(), together=together, call=call))

    async def rehearse(self, action: Callable[[Session], Any]) -> None:
        """Run `action` in a transaction that is rolled back: at start, so that the first member's write finds the
        writer's connection open and its statements compiled (a cold writer took the first ask 50–120 ms)."""
        if self._sync_engine is None:
            async with self._async_sessions() as session:
                await session.run_sync(action)
                await session.rollback()
            return
        async with self._engine.connect():  # our turn at the write lock, as for any write
            await asyncio.get_running_loop().run_in_executor(self._executor, self._rehearse, action)

    def _rehearse(self, action: Callable[[Session], Any]) -> None:
        assert self._sync_engine is not None
        with self._sync_engine.connect() as connection, connection.begin() as transaction:
            with Session(bind=connection, info={**self._session_info, SCRATCH_KEY: {}}) as session:
                action(session)
            transaction.rollback()

    async def _enqueue(self, pending: _Pending) -> Any:
        if self._task is None:
            self._task = asyncio.create_task(self._take_turns(), name="db-writer")
        self._waiting.append(pending)
        self._wake.set()
        # Shielded: a caller that gives up (an interaction timing out) does not cancel the others' batch.
        return await asyncio.shield(pending.future)

    async def _take_turns(self) -> None:
        loop = asyncio.get_running_loop()
        while self._waiting or not self._closed:
            if not self._waiting:
                self._wake.clear()
                await self._wake.wait()
                continue
            try:
                async with self._engine.connect():  # our turn at the write lock (see the module docstring)
                    await loop.run_in_executor(self._executor, self._commit_while_waiting, loop)
            except Exception as error:  # no turn: nothing was taken, so everything waiting hears why
                log.exception("the writer could not take its turn at the write lock")
                failed = [(pending, (False, error)) for pending in self._waiting]
                self._waiting.clear()
                _answer(failed)

    def _commit_while_waiting(self, loop: asyncio.AbstractEventLoop) -> None:
        """One transaction after another while actions wait, for up to TURN_SECONDS (in the writer thread)."""
        turn_ends = time.monotonic() + TURN_SECONDS
        while self._waiting and time.monotonic() < turn_ends:
            answered = self._commit_batch()
            self.batches.count(len(answered))
            loop.call_soon_threadsafe(_answer, answered)

    def _commit_batch(self) -> list[tuple[_Pending, Outcome]]:
        """Take waiting actions into one transaction, as many as fit the time budget, and commit it."""
        assert self._sync_engine is not None
        taken: list[_Pending] = []
        outcomes: list[Outcome] = []
        deadline = time.monotonic() + BATCH_SECONDS
        # Each action has a session of its own; what they note for the whole transaction, they share.
        info = {**self._session_info, SCRATCH_KEY: {}}
        try:
            with self._sync_engine.connect() as connection, connection.begin():
                while self._waiting and len(taken) < MAX_BATCH and time.monotonic() <= deadline:
                    first = self._waiting.popleft()
                    if first.together is None:
                        assert first.work is not None
                        taken.append(first)
                        outcomes.append(_run_in_savepoint(connection, first.work, info))
                        continue
                    group = [first]
                    while self._waiting and self._waiting[0].together is first.together and len(group) < MAX_GROUP:
                        group.append(self._waiting.popleft())
                    taken += group
                    outcomes += _run_group_in_savepoint(connection, first.together, group, info)
        except Exception as error:  # nothing of this transaction is stored: everybody in it hears it
            log.exception("a write batch of %d actions failed", len(taken))
            return [(pending, (False, error)) for pending in taken]
        return list(zip(taken, outcomes, strict=True))

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


def _run_in_savepoint(connection: Connection, work: Callable[[Session], Any], info: dict[str, Any]) -> Outcome:
    """Run one action in its own Session and SAVEPOINT of the shared transaction: if it is refused or fails,
    only its own writes roll back."""
    with Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False, info=info
    ) as session:
        try:
            value = work(session)
            session.commit()
        except Exception as error:
            session.rollback()
            return False, error
    return True, value


def _run_group_in_savepoint(
    connection: Connection, together: Together, group: list[_Pending], info: dict[str, Any]
) -> list[Outcome]:
    """Run calls of one group form in one Session and SAVEPOINT: each call's refusal is its own outcome; if the
    group fails as a whole, its writes roll back and every call in it hears why."""
    calls = [pending.call or {} for pending in group]
    with Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False, info=info
    ) as session:
        try:
            outcomes = together(session, calls)
            session.commit()
        except Exception as error:
            session.rollback()
            return [(False, error)] * len(group)
    return outcomes


def _answer(outcomes: list[tuple[_Pending, Outcome]]) -> None:
    """Resolve the callers' futures (on the event loop); one that gave up is skipped."""
    for pending, (ok, value) in outcomes:
        if pending.future.done():
            continue
        if ok:
            pending.future.set_result(value)
        else:
            pending.future.set_exception(value)
