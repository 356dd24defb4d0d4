"""An event's occurrences as they now take place: its rule with its skipped and moved occurrences applied.

Read-only helpers on a loaded `Event` (its `occurrence_changes` come with it); used by the event services,
the reminder planner, the calendar file and the Events tab, so all of them see the same occurrences.
"""

from __future__ import annotations

from datetime import datetime

from db.models import Event
from rules.series import Exceptions, Occurrence, rule_occurs_at, series_occurrences


def exceptions_of(event: Event) -> Exceptions:
    """The event's skipped and moved occurrences, keyed by where the rule puts them."""
    skipped = frozenset(change.original_start for change in event.occurrence_changes if change.skipped)
    moved = {
        change.original_start: (change.starts_at, change.ends_at)
        for change in event.occurrence_changes
        if not change.skipped and change.starts_at is not None and change.ends_at is not None
    }
    return Exceptions(skipped, moved)


def event_occurrences(event: Event, *, after: datetime, before: datetime, limit: int = 100) -> list[Occurrence]:
    """Occurrences starting in [after, before), soonest first (RecurrenceError for a rule the bot won't expand)."""
    return series_occurrences(
        event.starts_at,
        duration=event.ends_at - event.starts_at,
        zone=event.timezone,
        rule=event.rrule,
        exceptions=exceptions_of(event),
        after=after,
        before=before,
        limit=limit,
    )


def keep_matching_exceptions(event: Event) -> None:
    """Forget skips and moves of occurrences the event's rule no longer has (after its start or rule changed)."""
    for change in list(event.occurrence_changes):
        if not rule_occurs_at(event.starts_at, zone=event.timezone, rule=event.rrule, original=change.original_start):
            event.occurrence_changes.remove(change)
