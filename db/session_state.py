"""What a unit of work carries besides its SQL: the lookup caches it may use and the changes it made.

Both live in `Session.info`. The `Database` puts its own caches there for every session it opens, so they
are owned by that object (built at start, fresh in each test) rather than by a module. Services record what
they changed; the `Database` hands the record to its listeners once the transaction has committed, so the
presenter screen and the reminder timer follow every change without each caller remembering to tell them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar, cast

from sqlalchemy.orm import Session

T = TypeVar("T")
CACHES_KEY = "coalition.lookup_caches"
CHANGES_KEY = "coalition.changes"
SCRATCH_KEY = "coalition.transaction_scratch"


class LookupCaches:
    """Values built from the knowledge base (name directory, typo vocabulary), one per kind, kept while the
    knowledge revision they were built for is current."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[str, object]] = {}

    def get(self, kind: str, revision: str, build: Callable[[], T]) -> T:
        """The value of `kind` for `revision`, built (and the older one dropped) when missing."""
        entry = self._entries.get(kind)
        if entry is not None and entry[0] == revision:
            return cast(T, entry[1])
        value = build()
        self._entries[kind] = (revision, value)
        return value

    def revisions(self) -> dict[str, str]:
        """Which revision each cached kind was built for."""
        return {kind: revision for kind, (revision, _value) in self._entries.items()}


@dataclass(frozen=True)
class ScheduledReminder:
    """A reminder the timer should fire, and when."""

    id: int
    run_at: datetime


@dataclass(frozen=True)
class QuestionState:
    """A question's text and whether it is open, as a change left it (the near-duplicate index follows it)."""

    id: int
    panel_id: int
    number: int
    text: str
    open: bool


@dataclass
class Changes:
    """What one committed unit of work changed that someone outside the database follows."""

    panels: set[int] = field(default_factory=set)
    reminders_planned: list[ScheduledReminder] = field(default_factory=list)
    reminders_dropped: list[int] = field(default_factory=list)
    questions: list[QuestionState] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.panels or self.reminders_planned or self.reminders_dropped or self.questions)

    def merge(self, other: Changes) -> None:
        self.panels |= other.panels
        self.reminders_planned += other.reminders_planned
        self.reminders_dropped += other.reminders_dropped
        self.questions += other.questions


def lookup_caches(session: Session) -> LookupCaches:
    """The caches of the `Database` that opened this session (a session opened elsewhere gets its own)."""
    return cast(LookupCaches, session.info.setdefault(CACHES_KEY, LookupCaches()))


def changes_of(session: Session | Any) -> Changes:
    """The change record of this unit of work (sync or async session: both share `info`)."""
    return cast(Changes, session.info.setdefault(CHANGES_KEY, Changes()))


def take_changes(session: Session | Any) -> Changes:
    """Remove and return what this unit of work recorded."""
    return cast(Changes, session.info.pop(CHANGES_KEY, None) or Changes())


def transaction_scratch(session: Session | Any) -> dict[str, Any]:
    """Notes shared by the actions of one transaction (the writer runs many in one, each in its own session)."""
    return cast(dict[str, Any], session.info.setdefault(SCRATCH_KEY, {}))


def panel_changed(session: Session | Any, panel_id: int) -> None:
    """Record that a panel's questions, votes or state changed (its presenter screens refresh after commit)."""
    changes_of(session).panels.add(panel_id)


def question_changed(session: Session | Any, state: QuestionState) -> None:
    """Record a question's new text or state (the panel's near-duplicate index follows it after commit)."""
    changes_of(session).questions.append(state)
