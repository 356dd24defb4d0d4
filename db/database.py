"""The one door into storage: cogs, jobs, the web views and the CLI reach the database only through `Database`.

Three verbs, chosen by what the work is, never by how it runs:

- `read(lookup, ...)`: a read-only lookup, a plain function of a `Session`. On a SQLite file it runs whole on a
  reader thread with its own read-only connection (db/reader.py); elsewhere through the async engine.
- `write(action, ...)`: a short write on the busy path (a question, a vote), a plain function of a `Session`,
  group-committed with whatever else is waiting (db/writer.py); returns once it is on disk.
- `transaction(work, ...)`: everything else, an async function of an `AsyncSession`, run in one transaction.

Services record what they changed in their session (db/session_state.py); once the commit has returned, the
record goes to every listener registered with `on_change`, so the presenter screen and the reminder timer follow
every change, whichever command made it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

from sqlalchemy import Engine, event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session

from db.embeddings import Embedder, load_embedder
from db.engine import create_engine, create_sessionmaker
from db.open_questions import INDEXES_KEY, OpenQuestionIndexes
from db.reader import Reader
from db.semantic import SEMANTIC_KEY
from db.session_state import CACHES_KEY, Changes, LookupCaches, take_changes
from db.writer import BatchCounter, Outcome, Together, Writer, together_form

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")
ChangeListener = Callable[[Changes], None]


class Database:
    """The bot's storage: built once per process at the edge, handed to everything that needs it."""

    def __init__(self, engine: AsyncEngine, *, semantic: bool = True) -> None:
        """`semantic=False` ranks lookups by their words alone (the SEMANTIC_SEARCH setting)."""
        self.engine = engine
        self._semantic = semantic
        self.caches = LookupCaches()
        self.open_questions = OpenQuestionIndexes()
        session_info = {CACHES_KEY: self.caches, INDEXES_KEY: self.open_questions, SEMANTIC_KEY: semantic}
        self._sessions = create_sessionmaker(engine, info=session_info)
        self._reader = Reader(engine, session_info=session_info)
        self._writer = Writer(engine, session_info=session_info)
        self._tracked_forms: dict[Together, Together] = {}
        # The near-duplicate index follows every change first, before anyone else hears of it.
        self._listeners: list[ChangeListener] = [self.open_questions.follow]

    @classmethod
    def open(cls, url: str, *, semantic: bool = True) -> Database:
        """A database on this URL, with its own engine (closed by `close`)."""
        return cls(create_engine(url), semantic=semantic)

    @property
    def embedder(self) -> Embedder | None:
        """The model lookups rank by meaning with; None when they rank by words alone."""
        return load_embedder() if self._semantic else None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def write_batches(self) -> BatchCounter:
        """How the writer has grouped commits so far."""
        return self._writer.batches

    async def read(self, lookup: Callable[Concatenate[Session, P], T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a read-only lookup in one consistent snapshot."""
        return await self._reader.run(lookup, *args, **kwargs)

    async def write(self, action: Callable[Concatenate[Session, P], T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a short write, group-committed; returns once its commit has returned."""

        together = together_form(action)
        if together is not None and not args:
            # Asks waiting in a row are checked one by one and stored together (db/question_intake.py).
            value, changes = await self._writer.run_together(self._tracked_together(together), kwargs)
            self._announce(changes)
            return cast(T, value)

        def tracked(session: Session) -> tuple[T, Changes]:
            return action(session, *args, **kwargs), take_changes(session)

        value, changes = await self._writer.run(tracked)
        self._announce(changes)
        return value

    async def rehearse(self, action: Callable[[Session], object]) -> None:
        """Run a write action and roll it back, announcing nothing: the first writes are then as fast as the rest."""
        await self._writer.rehearse(action)

    def _tracked_together(self, together: Together) -> Together:
        """`together`, each stored call's value paired with the group's changes (announced once, by the first)."""
        tracked = self._tracked_forms.get(together)
        if tracked is None:

            def tracked(session: Session, calls: list[dict[str, Any]]) -> list[Outcome]:
                outcomes = together(session, calls)
                changes = take_changes(session)
                paired: list[Outcome] = []
                for ok, value in outcomes:
                    paired.append((True, (value, changes)) if ok else (False, value))
                    changes = Changes() if ok else changes
                return paired

            self._tracked_forms[together] = tracked
        return tracked

    async def transaction(
        self, work: Callable[Concatenate[AsyncSession, P], Awaitable[T]], /, *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Run `work` in one transaction, committed when it returns and rolled back if it raises."""
        async with self._sessions.begin() as session:
            value = await work(session, *args, **kwargs)
            changes = take_changes(session)
        self._announce(changes)
        return value

    def on_statement_error(self, listener: Callable[[], None]) -> None:
        """Call `listener` for every statement that fails, on any of this database's connections."""

        def count(_context: object) -> None:
            listener()

        for engine in self._sync_engines():
            event.listen(engine, "handle_error", count)

    def _sync_engines(self) -> list[Engine]:
        """The async engine's, and the reader's and writer's own where they have one (a SQLite file)."""
        extra = [self._reader.file_engine, self._writer.file_engine]
        return [self.engine.sync_engine, *(engine for engine in extra if engine is not None)]

    def on_change(self, listener: ChangeListener) -> None:
        """Call `listener` with what each committed unit of work changed (on the event loop, after the commit)."""
        self._listeners.append(listener)

    def _announce(self, changes: Changes) -> None:
        if not changes:
            return
        for listener in self._listeners:
            try:
                listener(changes)
            except Exception:
                # The change is committed: a listener's failure must not turn it into an error for the member.
                log.exception("A change listener failed on %s", changes)

    async def close(self) -> None:
        """Finish queued writes and lookups under way, then close every connection."""
        await self._writer.close()
        self._reader.close()
        await self.engine.dispose()
