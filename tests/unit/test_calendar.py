"""The .ics files read back, by icalendar and recurring-ical-events, to the very instants the bot uses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import recurring_ical_events
from icalendar import Calendar

from bot.calendar import build_calendar
from db.models import Event
from rules.timeparse import occurrences

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def event(**values: object) -> Event:
    defaults: dict[str, object] = {
        "id": 7,
        "title": "Taskforce: teacher shortages",
        "kind": "taskforce",
        "description": "Monthly catch-up",
        "location": "Online",
        "url": "https://meet.example.org/taskforce",
        "timezone": "Europe/Brussels",
        "starts_at": datetime(2027, 3, 16, 13, 0, tzinfo=UTC),  # 14:00 CET
        "ends_at": datetime(2027, 3, 16, 14, 30, tzinfo=UTC),
        "rrule": None,
        "series_ends_at": None,
        "reminder_offsets": [86400, 600],
        "status": "scheduled",
        "updated_at": NOW,
    }
    made = Event(**(defaults | values))
    made.host = None
    return made


def read(data: bytes) -> Calendar:
    return Calendar.from_ical(data)


def test_single_event_reads_back_to_same_instants_with_zone_and_alarms() -> None:
    calendar = read(build_calendar([event()], now=NOW))
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Brussels"]
    (component,) = calendar.walk("VEVENT")
    assert component.decoded("DTSTART") == datetime(2027, 3, 16, 13, 0, tzinfo=UTC)
    assert component.decoded("DTEND") == datetime(2027, 3, 16, 14, 30, tzinfo=UTC)
    assert component["DTSTART"].params["TZID"] == "Europe/Brussels"
    assert str(component["UID"]).startswith("event-7@")
    triggers = sorted(alarm.decoded("TRIGGER") for alarm in component.walk("VALARM"))
    assert triggers == [timedelta(days=-1), timedelta(minutes=-10)]
    assert str(component["LOCATION"]) == "Online" and str(component["STATUS"]) == "CONFIRMED"


def test_weekly_series_expands_to_same_instants_across_dst() -> None:
    weekly = event(rrule="FREQ=WEEKLY;COUNT=12")
    calendar = read(build_calendar([weekly], now=NOW))
    window = (datetime(2027, 3, 1, tzinfo=UTC), datetime(2027, 7, 1, tzinfo=UTC))
    theirs = [item.decoded("DTSTART") for item in recurring_ical_events.of(calendar).between(*window)]
    ours = occurrences(weekly.starts_at, zone="Europe/Brussels", rule=weekly.rrule, after=window[0], before=window[1])
    assert len(ours) == 12
    assert [moment.astimezone(UTC) for moment in theirs] == ours
    assert {moment.hour for moment in ours} == {13, 12}  # 14:00 local on both sides of 28 March


def test_calendar_of_several_events_with_until_rule_and_cancelled_one() -> None:
    series = event(id=1, rrule="FREQ=WEEKLY;UNTIL=20270420T215959Z")
    cancelled = event(id=2, title="Cancelled panel", kind="panel", status="cancelled", timezone="Europe/Lisbon")
    calendar = read(build_calendar([series, cancelled], now=NOW))
    components = {str(c["UID"]).split("@")[0]: c for c in calendar.walk("VEVENT")}
    assert set(components) == {"event-1", "event-2"}
    assert str(components["event-2"]["STATUS"]) == "CANCELLED" and components["event-2"].walk("VALARM") == []
    assert {tz["TZID"] for tz in calendar.walk("VTIMEZONE")} == {"Europe/Brussels", "Europe/Lisbon"}
    expanded = recurring_ical_events.of(calendar).between(
        datetime(2027, 3, 1, tzinfo=UTC), datetime(2027, 6, 1, tzinfo=UTC)
    )
    assert len([item for item in expanded if str(item["UID"]).startswith("event-1@")]) == 6
