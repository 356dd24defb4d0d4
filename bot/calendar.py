"""iCalendar (RFC 5545) files for events: zoned times with VTIMEZONE, RRULE for series (EXDATE for skipped
occurrences, a RECURRENCE-ID override for each moved one), VALARM per reminder.

Pure: events in, bytes out. Calendars then keep a series at the same local time across daylight-saving
changes, exactly as the bot's own reminders do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, vRecur
from icalendar import Event as CalendarEvent

from db.events import KINDS
from db.models import Event
from db.occurrences import current_start, exceptions_of

PRODUCT_ID = "-//EU STEM Coalition//coalition-bot//EN"
UID_DOMAIN = "coalition-bot.eu-stem-coalition"
ENDLESS_SPAN = timedelta(days=3653)
# How many upcoming events /event calendar and the /calendar.ics feed hold.
CALENDAR_LIMIT = 500


def build_calendar(
    events: list[Event],
    *,
    now: datetime,
    name: str = "EU STEM Coalition events",
    only: Mapping[int, Sequence[datetime]] | None = None,
) -> bytes:
    """One VCALENDAR holding the events, with the VTIMEZONE definitions their times refer to; of a series named in
    `only`, just those occurrences (by their rule's start), each an event of its own."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for event in events:
        if only is not None and event.id in only:
            for component in _chosen_occurrences(event, only[event.id], now):
                calendar.add_component(component)
            continue
        calendar.add_component(_component(event, now))
        for component in _moved_occurrences(event, now):
            calendar.add_component(component)
    # Zone definitions only need to span the events (an endless series: a decade ahead), which keeps files small.
    first = min([event.starts_at for event in events], default=now) - timedelta(days=366)
    last = max([event.series_ends_at or now + ENDLESS_SPAN for event in events], default=now) + timedelta(days=366)
    calendar.add_missing_timezones(first_date=first.date(), last_date=last.date())
    return calendar.to_ical()


def _moved_occurrences(event: Event, now: datetime) -> list[CalendarEvent]:
    """One VEVENT per moved occurrence: same UID, RECURRENCE-ID naming the occurrence the rule gives."""
    zone = ZoneInfo(event.timezone)
    overrides = []
    for original, (start, end) in sorted(exceptions_of(event).moved.items()):
        component = _component(event, now, start=start, end=end)
        component.add("recurrence-id", original.astimezone(zone))
        overrides.append(component)
    return overrides


def _chosen_occurrences(event: Event, originals: Sequence[datetime], now: datetime) -> list[CalendarEvent]:
    """One stand-alone VEVENT per occurrence (its own UID): a member going to some weeks of a series only."""
    duration = event.ends_at - event.starts_at
    components = []
    for original in originals:
        start = current_start(event, original)
        uid = f"event-{event.id}-{original:%Y%m%dT%H%M%SZ}@{UID_DOMAIN}"
        components.append(_component(event, now, start=start, end=start + duration, uid=uid))
    return components


def _component(
    event: Event,
    now: datetime,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    uid: str | None = None,
) -> CalendarEvent:
    zone = ZoneInfo(event.timezone)
    component = CalendarEvent()
    component.add("uid", uid or f"event-{event.id}@{UID_DOMAIN}")
    component.add("dtstamp", now)
    component.add("last-modified", event.updated_at)
    component.add("summary", event.title)
    component.add("dtstart", (start or event.starts_at).astimezone(zone))
    component.add("dtend", (end or event.ends_at).astimezone(zone))
    if event.rrule and start is None:
        component.add("rrule", vRecur.from_ical(event.rrule))
        skipped = sorted(exceptions_of(event).skipped)
        if skipped:
            component.add("exdate", [original.astimezone(zone) for original in skipped])
    component.add("categories", [KINDS.get(event.kind, event.kind)])
    component.add("status", "CANCELLED" if event.status == "cancelled" else "CONFIRMED")
    if event.location:
        component.add("location", event.location)
    if event.url:
        component.add("url", event.url)
    description = [event.description] if event.description else []
    if event.host is not None:
        description.append(f"Host: {event.host.name}, {event.host.country}")
    if event.url:
        description.append(f"Link: {event.url}")
    if description:
        component.add("description", "\n\n".join(description))
    if event.status != "cancelled":
        for offset in event.reminder_offsets:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", f"Reminder: {event.title}")
            alarm.add("trigger", timedelta(seconds=-offset))
            component.add_component(alarm)
    return component
