"""An event's occurrences as they now take place: its rule with its skipped and moved occurrences applied.

Read-only helpers on a loaded `Event` (its `occurrence_changes` come with it); used by the event services,
the reminder planner, the calendar file and the Events tab, so all of them see the same occurrences.
An answer to a series belongs to one occurrence, keyed by the start its rule gives it (`original`); an answer
to a one-off event is keyed WHOLE_EVENT.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from db.models import Event
from db.models.events import WHOLE_EVENT
from rules.errors import ConflictError, InvalidInputError, NotFoundError
from rules.i18n import Written
from rules.recurrence import RecurrenceError
from rules.series import Exceptions, Occurrence, rule_occurs_at, series_occurrences
from rules.timeparse import last_occurrence, localize, occurrences

OCCURRENCE_FORMAT = "%Y-%m-%dT%H:%MZ"
AHEAD = timedelta(days=365 * 100)
# How many coming occurrences are looked at for the next one still open for answers.
ANSWERABLE_LOOKAHEAD = 10


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


def current_start(event: Event, original: datetime) -> datetime:
    """Where an occurrence now starts (its rule's start unless moved)."""
    moved = exceptions_of(event).moved.get(original)
    return moved[0] if moved else original


def find_occurrence(event: Event, typed: str) -> datetime:
    """The rule's start of the occurrence a moderator picked: an autocomplete value, or a date in the event's zone."""
    text = typed.strip()
    skipped = exceptions_of(event).skipped
    try:
        original = datetime.strptime(text, OCCURRENCE_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        original = _occurrence_on(event, text)
    if not rule_occurs_at(event.starts_at, zone=event.timezone, rule=event.rrule, original=original):
        raise NotFoundError("“{title}” has no such occurrence. Pick one from the list as you type.", title=event.title)
    if original in skipped:
        raise ConflictError("That occurrence is already skipped; pick another from the list.")
    return original


def _occurrence_on(event: Event, text: str) -> datetime:
    zone = ZoneInfo(event.timezone)
    try:
        day = date.fromisoformat(text[:10])
    except ValueError:
        raise NotFoundError(
            "“{text}” is not an occurrence. Pick one from the list as you type, or give its date like 2027-01-12.",
            text=text[:40],
        ) from None
    first = localize(datetime.combine(day, time()), zone).instant
    last = localize(datetime.combine(day + timedelta(days=1), time()), zone).instant
    originals = occurrences(event.starts_at, zone=event.timezone, rule=event.rrule, after=first, before=last)
    originals += [found.original for found in event_occurrences(event, after=first, before=last) if found.moved]
    if not originals:
        raise NotFoundError(
            "“{title}” has no occurrence on {day}. Pick one from the list as you type.",
            title=event.title,
            day=Written(day, "date"),
        )
    return min(originals)


def original_of(event: Event, start: datetime) -> datetime:
    """The answer key of the occurrence that now starts at `start` (a reminder's occurrence)."""
    if event.rrule is None:
        return WHOLE_EVENT
    for original, (new_start, _end) in exceptions_of(event).moved.items():
        if new_start == start:
            return original
    return start


def occurrence_key(event: Event, typed: str | None, *, now: datetime, answering: bool = False) -> datetime:
    """The occurrence a member means: WHOLE_EVENT for a one-off event; for a series the one typed, else the one
    under way or next (`answering`: the next one whose answers are still open)."""
    if event.rrule is None:
        if typed and typed.strip():
            raise InvalidInputError(
                "“{title}” is a single event, not a series: leave occurrence out.", title=event.title
            )
        return WHOLE_EVENT
    if typed and typed.strip():
        return find_occurrence(event, typed)
    duration = event.ends_at - event.starts_at
    cutoff = timedelta(seconds=event.rsvp_cutoff_seconds or 0)
    try:
        if answering:
            coming = event_occurrences(event, after=now, before=now + AHEAD, limit=ANSWERABLE_LOOKAHEAD)
            open_ones = [found for found in coming if now < found.start - cutoff]
            coming = open_ones or coming
        else:
            coming = event_occurrences(event, after=now - duration, before=now + AHEAD, limit=1)
        if coming:
            return coming[0].original
        return last_occurrence(event.starts_at, zone=event.timezone, rule=event.rrule) or event.starts_at
    except RecurrenceError:
        return event.starts_at


def key_start(event: Event, key: datetime) -> datetime | None:
    """Where the answered occurrence now starts; None for a one-off event (its own start says it)."""
    return None if key == WHOLE_EVENT else current_start(event, key)
