"""Series with exceptions: skipped and moved occurrences, series ends, and the .ics read back the same way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from icalendar import Calendar

from bot.calendar import build_calendar
from db.models import Event, OccurrenceChange
from db.occurrences import event_occurrences
from rules.errors import InvalidInputError
from rules.recurrence import RecurrenceError
from rules.series import Exceptions, series_end, series_occurrences

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2027, 9, 1, 8, 0, tzinfo=UTC)
# Tuesdays 10:00 Berlin: 08:00 UTC in summer time, 09:00 UTC after the last Sunday of October (31 Oct 2027).
FIRST = datetime(2027, 10, 5, 8, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def weekly(**values: object) -> Event:
    defaults: dict[str, object] = {
        "id": 3,
        "title": "Taskforce call",
        "kind": "taskforce",
        "description": "",
        "location": "Online",
        "url": None,
        "timezone": "Europe/Berlin",
        "starts_at": FIRST,
        "ends_at": FIRST + HOUR,
        "rrule": "FREQ=WEEKLY;COUNT=8",
        "series_ends_at": None,
        "reminder_offsets": [3600],
        "status": "scheduled",
        "updated_at": NOW,
    }
    made = Event(**(defaults | values))
    made.host = None
    return made


def moved_and_skipped() -> Event:
    event = weekly()
    event.occurrence_changes = [
        # The 19 October call moved to Thursday 21 October 15:00 Berlin; the 2 November call skipped.
        OccurrenceChange(
            original_start=datetime(2027, 10, 19, 8, 0, tzinfo=UTC),
            skipped=False,
            starts_at=datetime(2027, 10, 21, 13, 0, tzinfo=UTC),
            ends_at=datetime(2027, 10, 21, 14, 0, tzinfo=UTC),
        ),
        OccurrenceChange(original_start=datetime(2027, 11, 2, 9, 0, tzinfo=UTC), skipped=True),
    ]
    return event


def test_series_occurrences_keep_wall_clock_across_dst_and_apply_exceptions() -> None:
    starts = [
        o.start.astimezone(BERLIN)
        for o in event_occurrences(moved_and_skipped(), after=NOW, before=NOW + timedelta(days=120))
    ]
    assert [f"{s:%d %b %H:%M}" for s in starts] == [
        "05 Oct 10:00",
        "12 Oct 10:00",
        "21 Oct 15:00",
        "26 Oct 10:00",
        "09 Nov 10:00",
        "16 Nov 10:00",
        "23 Nov 10:00",
    ]


def test_moved_occurrence_found_by_its_new_start_only() -> None:
    window = event_occurrences(
        moved_and_skipped(), after=datetime(2027, 10, 19, tzinfo=UTC), before=datetime(2027, 10, 20, tzinfo=UTC)
    )
    assert window == []
    (moved,) = event_occurrences(
        moved_and_skipped(), after=datetime(2027, 10, 21, tzinfo=UTC), before=datetime(2027, 10, 22, tzinfo=UTC)
    )
    assert moved.moved and moved.original == datetime(2027, 10, 19, 8, 0, tzinfo=UTC)


def test_limit_counts_occurrences_that_take_place() -> None:
    skipped = Exceptions(skipped=frozenset({FIRST}))
    found = series_occurrences(
        FIRST,
        duration=HOUR,
        zone="Europe/Berlin",
        rule="FREQ=WEEKLY",
        exceptions=skipped,
        after=NOW,
        before=NOW + timedelta(days=365),
        limit=1,
    )
    assert [o.start for o in found] == [FIRST + timedelta(weeks=1)]


def test_calendar_shows_the_same_occurrences_as_the_bot_across_dst() -> None:
    event = moved_and_skipped()
    calendar = Calendar.from_ical(build_calendar([event], now=NOW))
    window = (NOW, NOW + timedelta(days=120))
    theirs = sorted(item.decoded("DTSTART") for item in recurring_ical_events.of(calendar).between(*window))
    ours = [o.start for o in event_occurrences(event, after=window[0], before=window[1])]
    assert theirs == ours and len(ours) == 7
    (main,) = [c for c in calendar.walk("VEVENT") if "RRULE" in c]
    assert main.decoded("EXDATE") is not None and b"EXDATE;TZID=Europe/Berlin:20271102T100000" in main.to_ical()


def test_series_end_on_a_date_keeps_that_day_and_refuses_an_end_before_the_start() -> None:
    rule = series_end("FREQ=WEEKLY", ends_on="2027-10-19", count=None, start=FIRST, zone=BERLIN, now=NOW)
    assert rule == "FREQ=WEEKLY;UNTIL=20271019T215959Z"
    last = series_occurrences(
        FIRST, duration=HOUR, zone="Europe/Berlin", rule=rule, after=NOW, before=NOW + timedelta(days=365)
    )[-1]
    assert last.start == datetime(2027, 10, 19, 8, 0, tzinfo=UTC)
    with pytest.raises(InvalidInputError, match="before it starts"):
        series_end("FREQ=WEEKLY", ends_on="2027-09-30", count=None, start=FIRST, zone=BERLIN, now=NOW)


def test_series_end_count_replaces_until_and_refuses_zero() -> None:
    rule = series_end("FREQ=WEEKLY;UNTIL=20271019T215959Z", ends_on=None, count=5, start=FIRST, zone=BERLIN, now=NOW)
    assert rule == "FREQ=WEEKLY;COUNT=5"
    with pytest.raises(InvalidInputError, match="at least 1"):
        series_end("FREQ=WEEKLY", ends_on=None, count=0, start=FIRST, zone=BERLIN, now=NOW)
    with pytest.raises(InvalidInputError, match="Only a series"):
        series_end(None, ends_on=None, count=3, start=FIRST, zone=BERLIN, now=NOW)
    assert series_end("FREQ=WEEKLY;COUNT=5", ends_on="none", count=None, start=FIRST, zone=BERLIN, now=NOW) == (
        "FREQ=WEEKLY"
    )


def test_expansion_with_exceptions_stays_bounded() -> None:
    with pytest.raises(RecurrenceError, match="more than"):
        series_occurrences(
            datetime(2027, 1, 1, tzinfo=UTC),
            duration=HOUR,
            zone="UTC",
            rule="FREQ=DAILY",
            exceptions=Exceptions(skipped=frozenset({datetime(2027, 1, 1, tzinfo=UTC)})),
            after=datetime(2090, 1, 1, tzinfo=UTC),
            before=datetime(2091, 1, 1, tzinfo=UTC),
        )
