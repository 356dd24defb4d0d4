"""A series' occurrences with its exceptions: some skipped, some moved, and where a series may end.

The rule is expanded on the wall clock of the event's zone (rules/timeparse.py `occurrences`, bounded by
rules/recurrence.py), then the exceptions are applied. An occurrence keeps the start its rule gives it as its
identity (`original`), so a moved occurrence stays the same occurrence for reminders, calendars and the
Events tab (RECURRENCE-ID in iCalendar). Pure: no Discord, no database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from rules.errors import InvalidInputError
from rules.i18n import Written
from rules.recurrence import MAX_COUNT, check_series, rule_parts
from rules.timeparse import occurrences, parse_time


@dataclass(frozen=True)
class Exceptions:
    """Occurrences that differ from the rule, keyed by the start the rule gives them (UTC)."""

    skipped: frozenset[datetime] = frozenset()
    # original start -> (new start, new end)
    moved: Mapping[datetime, tuple[datetime, datetime]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.skipped) + len(self.moved)


NO_EXCEPTIONS = Exceptions()


@dataclass(frozen=True, order=True)
class Occurrence:
    """One occurrence as it now takes place; `original` is where the rule puts it."""

    start: datetime
    end: datetime
    original: datetime

    @property
    def moved(self) -> bool:
        return self.start != self.original


def series_occurrences(
    start: datetime,
    *,
    duration: timedelta,
    zone: str,
    rule: str | None,
    exceptions: Exceptions = NO_EXCEPTIONS,
    after: datetime,
    before: datetime,
    limit: int = 100,
) -> list[Occurrence]:
    """Occurrences starting in [after, before), soonest first, with skipped ones left out and moved ones moved."""
    # Each exception can hide one occurrence of the rule from the first `limit`, so ask for that many more.
    planned = occurrences(start, zone=zone, rule=rule, after=after, before=before, limit=limit + len(exceptions))
    found = [
        Occurrence(original, original + duration, original)
        for original in planned
        if original not in exceptions.skipped and original not in exceptions.moved
    ]
    found += [
        Occurrence(new_start, new_end, original)
        for original, (new_start, new_end) in exceptions.moved.items()
        if after <= new_start < before and original not in exceptions.skipped
    ]
    return sorted(found)[:limit]


def rule_occurs_at(start: datetime, *, zone: str, rule: str | None, original: datetime) -> bool:
    """Whether the rule (exceptions aside) has an occurrence starting exactly at `original`."""
    return bool(occurrences(start, zone=zone, rule=rule, after=original, before=original + timedelta(seconds=1)))


def with_end(rule: str, *, until: datetime | None = None, count: int | None = None) -> str:
    """The rule ending at `until` (UTC) or after `count` occurrences instead of however it ended before."""
    parts = {key: value for key, value in rule_parts(rule).items() if key not in ("UNTIL", "COUNT")}
    if until is not None:
        parts["UNTIL"] = f"{until.astimezone(UTC):%Y%m%dT%H%M%SZ}"
    if count is not None:
        if not 1 <= count <= MAX_COUNT:
            raise InvalidInputError(
                "A series needs from 1 to {limit} occurrences; {count} is not possible.", limit=MAX_COUNT, count=count
            )
        parts["COUNT"] = str(count)
    return ";".join(f"{key}={value}" for key, value in parts.items())


def end_of_day(day: datetime, zone: ZoneInfo) -> datetime:
    """The last second of that local date, in UTC: a series "ending on" a date still holds that day."""
    local = day.astimezone(zone)
    return local.replace(hour=23, minute=59, second=59, microsecond=0).astimezone(UTC)


def series_end(
    rule: str | None, *, ends_on: str | None, count: int | None, start: datetime, zone: ZoneInfo, now: datetime
) -> str | None:
    """The rule with the end a moderator gave: a date (`ends_on`, "none" for never) or a number of occurrences."""
    if ends_on is None and count is None:
        return rule
    if rule is None:
        raise InvalidInputError("Only a series can end on a date or after a number of times; give repeat: as well.")
    if ends_on is not None and count is not None:
        raise InvalidInputError("Give either ends (a date) or count (how many times), not both.")
    if count is not None:
        if count < 1:
            raise InvalidInputError(
                "count must be at least 1 (it was {count}); to stop a series, cancel it.", count=count
            )
        ended = with_end(rule, count=count)
    elif ends_on is not None and ends_on.strip().casefold() == "none":
        ended = with_end(rule)
    else:
        assert ends_on is not None
        until = _end_date(ends_on, zone=zone, now=now)
        if until < start:
            raise InvalidInputError(
                "The series would end on {end}, before it starts ({start}); give a later date for ends.",
                end=Written(until.astimezone(zone), "date"),
                start=Written(start.astimezone(zone), "date"),
            )
        ended = with_end(rule, until=until)
    check_series(ended, start=start, zone=zone.key)
    return ended


def _end_date(text: str, *, zone: ZoneInfo, now: datetime) -> datetime:
    """A typed date (a time of day is optional) as the last second of that local day."""
    try:
        return end_of_day(parse_time(f"{text.strip()} 23:59", zone=zone, now=now, future=False).instant, zone)
    except InvalidInputError:
        return end_of_day(parse_time(text, zone=zone, now=now, future=False).instant, zone)
