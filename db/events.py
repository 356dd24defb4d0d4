"""Event services: create, edit and cancel events, answer RSVPs, list what is coming up."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from db.attendance import (
    RSVP_CHOICES,
    SeriesShape,
    apply_attendance_rules,
    check_may_answer,
    follow_series_change,
    move_up_every_occurrence,
    record_answer,
    rsvp_counts,
    set_answered_dates_reminders,
)
from db.members import member_timezone
from db.models import Event, EventAttendee, Platform
from db.models.events import WHOLE_EVENT
from db.notices import CANCELLED as CANCELLED_NOTICE
from db.notices import answered_members, notice_snapshot, plan_change_notices, plan_notices
from db.occurrences import event_occurrences, exceptions_of, keep_matching_exceptions, occurrence_key
from db.platforms import find_platform
from db.reminders import ReminderPlan, drop_event_reminders, replan_event_reminders
from db.search import bump_revision, delete_document, upsert_document
from rules.errors import ConflictError, InvalidInputError, NotFoundError
from rules.i18n import N_, Sentence
from rules.recurrence import RecurrenceError, series_problem
from rules.series import Occurrence, series_end
from rules.text import record_id, web_address
from rules.timeparse import (
    format_offsets,
    last_occurrence,
    localize,
    parse_duration,
    parse_end,
    parse_offsets,
    parse_repeat,
    parse_time,
    zone_named,
)

SCHEDULED, CANCELLED = "scheduled", "cancelled"
KINDS = {
    "general_assembly": "General Assembly",
    "webinar": "Webinar",
    "open_meeting": "Open meeting",
    "taskforce": "Taskforce meeting",
    "roundtable": "Roundtable",
    "conference": "Conference",
    "working_group": "Thematic working group",
    "peer_learning": "Peer-learning activity",
    "panel": "Panel",
    "other": "Other",
}
DAY, HOUR, MINUTE = 86400, 3600, 60
DEFAULT_REMINDERS = {
    "general_assembly": [30 * DAY, 7 * DAY, DAY],
    "webinar": [DAY, HOUR, 10 * MINUTE],
}
OTHER_REMINDERS = [DAY, HOUR]
DEFAULT_DURATIONS = {"conference": timedelta(hours=8)}
# A General Assembly is a two-day meeting: by default it ends at this hour on its second day.
ASSEMBLY_ENDS_AT_HOUR = 18
TITLE_LIMITS = (3, 120)
DESCRIPTION_MAX = 2000
LOCATION_MAX = 300
FAR_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)
# Typing this in an optional field of /event-admin edit clears it.
CLEAR = "none"


@dataclass(frozen=True)
class EventInput:
    """What a moderator typed; None means "not given" (on edit: unchanged)."""

    title: str | None = None
    kind: str | None = None
    start: str | None = None
    timezone: str | None = None
    duration: str | None = None
    end: str | None = None
    location: str | None = None
    host: str | None = None
    url: str | None = None
    description: str | None = None
    repeat: str | None = None
    reminders: str | None = None
    channel_id: int | None = None
    ping_role_id: int | None = None
    # How a series ends: on a date ("none": never) or after a number of occurrences.
    ends_on: str | None = None
    count: int | None = None
    capacity: str | None = None
    rsvp_cutoff: str | None = None
    # The role that may answer; 0 opens answers to everyone again.
    rsvp_role_id: int | None = None


@dataclass
class SavedEvent:
    """An event after create or edit, with the notes the reply must show and the reminder changes."""

    event: Event
    plan: ReminderPlan
    # Read-back notes from the time parser, translated where they are shown.
    notes: list[Sentence] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    # Members left out of the change notice because they turned event notices off.
    opted_out: int = 0


async def create_event(
    session: AsyncSession, *, guild_id: int | None, author_id: int, fields: EventInput, default_zone: str, now: datetime
) -> SavedEvent:
    """Validate a new event, store it, plan its reminders and index it for /find."""
    if not fields.title or not fields.kind or not fields.start:
        raise InvalidInputError("An event needs a title, a kind and a start time.")
    zone_name = fields.timezone or await member_timezone(session, member_id=author_id) or default_zone
    zone = zone_named(zone_name)
    kind = _kind(fields.kind)
    parsed = parse_time(fields.start, zone=zone, now=now)
    notes = [parsed.note] if parsed.note else []
    ends_at = _end(fields, kind=kind, start=parsed.instant, zone=zone, notes=notes)
    event = Event(
        guild_id=guild_id,
        title=_title(fields.title),
        kind=kind,
        description=_description(fields.description or ""),
        location=_location(fields.location),
        url=_url(fields.url),
        host_platform_id=await _host(session, fields.host),
        timezone=zone.key,
        starts_at=parsed.instant,
        ends_at=ends_at,
        rrule=series_end(
            parse_repeat(fields.repeat, start=parsed.instant, zone=zone),
            ends_on=fields.ends_on,
            count=fields.count,
            start=parsed.instant,
            zone=zone,
            now=now,
        ),
        reminder_offsets=(parse_offsets(fields.reminders) if fields.reminders is not None else default_reminders(kind)),
        channel_id=fields.channel_id,
        ping_role_id=fields.ping_role_id,
        status=SCHEDULED,
        created_by=author_id,
        created_at=now,
        updated_at=now,
        occurrence_changes=[],
    )
    event.series_ends_at = series_last_end(event)
    apply_attendance_rules(event, fields.capacity, fields.rsvp_cutoff, fields.rsvp_role_id, zone=zone, now=now)
    session.add(event)
    await session.flush()
    plan = await replan_event_reminders(session, event=event, now=now)
    await index_event(session, event)
    return SavedEvent(await get_event(session, event.id), plan, notes)


async def edit_event(session: AsyncSession, *, event_id: int, fields: EventInput, now: datetime) -> SavedEvent:
    """Change what was given, keep the rest; reschedule reminders (never duplicating) and reindex."""
    event = await get_event(session, event_id)
    if event.status == CANCELLED:
        raise ConflictError(
            "“{title}” was cancelled; cancelled events can't be edited. Create a new one.", title=event.title
        )
    zone = zone_named(fields.timezone) if fields.timezone else ZoneInfo(event.timezone)
    before = notice_snapshot(event, next_occurrence(event, now) or event.starts_at)
    series_before = SeriesShape(event.starts_at, event.timezone, event.rrule)
    changed: list[str] = []
    notes: list[Sentence] = []
    duration = event.ends_at - event.starts_at
    if fields.title is not None:
        event.title = _title(fields.title)
        changed.append("title")
    if fields.kind is not None:
        event.kind = _kind(fields.kind)
        changed.append("kind")
    if fields.timezone is not None:
        # The instant stays; the zone decides the wall clock a series repeats on and what calendars show.
        event.timezone = zone.key
        changed.append("time zone")
    if fields.start is not None:
        parsed = parse_time(fields.start, zone=zone, now=now)
        notes += [parsed.note] if parsed.note else []
        event.starts_at = parsed.instant
        changed.append("start")
    if fields.duration is not None or fields.end is not None:
        event.ends_at = _end(fields, kind=event.kind, start=event.starts_at, zone=zone, notes=notes)
        changed.append("end")
    elif fields.start is not None:
        event.ends_at = event.starts_at + duration
    for name, value, clean in (
        ("location", fields.location, _location),
        ("url", fields.url, _url),
        ("description", fields.description, _description_or_none),
    ):
        if value is not None:
            setattr(event, name, clean(None if value.strip().casefold() == CLEAR else value))
            changed.append(name)
    if fields.host is not None:
        event.host_platform_id = None if fields.host.strip().casefold() == CLEAR else await _host(session, fields.host)
        changed.append("host")
    series_fields = (fields.repeat, fields.start, fields.timezone, fields.ends_on, fields.count)
    if any(value is not None for value in series_fields):
        rule = fields.repeat if fields.repeat is not None else event.rrule
        event.rrule = series_end(
            parse_repeat(rule, start=event.starts_at, zone=zone),
            ends_on=fields.ends_on,
            count=fields.count,
            start=event.starts_at,
            zone=zone,
            now=now,
        )
        changed += ["repeat"] if fields.repeat is not None else []
        changed += ["series end"] if fields.ends_on is not None or fields.count is not None else []
        keep_matching_exceptions(event)
    if fields.reminders is not None:
        event.reminder_offsets = parse_offsets(fields.reminders)
        changed.append("reminders")
    if fields.channel_id is not None:
        event.channel_id = fields.channel_id
        changed.append("channel")
    if fields.ping_role_id is not None:
        event.ping_role_id = fields.ping_role_id
        changed.append("ping role")
    changed += apply_attendance_rules(
        event, fields.capacity, fields.rsvp_cutoff, fields.rsvp_role_id, zone=zone, now=now
    )
    if not changed:
        raise InvalidInputError("Nothing to change: give at least one field to edit.")
    event.series_ends_at = series_last_end(event)
    event.updated_at = now
    after = notice_snapshot(event, next_occurrence(event, now) or event.starts_at)
    if after["start"] != before["start"]:
        event.moved_from = datetime.fromisoformat(before["start"] or "")
    await session.flush()
    await follow_series_change(session, event=event, before=series_before, now=now)
    plan = await replan_event_reminders(session, event=event, now=now)
    planned = await plan_change_notices(session, event=event, before=before, after=after, now=now)
    if "capacity" in changed:
        await move_up_every_occurrence(session, event=event, now=now)
    await index_event(session, event)
    return SavedEvent(await get_event(session, event.id), plan, notes, changed, planned.opted_out)


@dataclass
class CancelledEvent:
    event: Event
    removed_reminders: list[int]
    tell: list[int]
    # The occurrence the cancellation notice names: the one in progress or next, else the first.
    next_start: datetime
    # Members left out of the notice because they turned event notices off.
    opted_out: int = 0


async def cancel_event(session: AsyncSession, *, event_id: int, reason: str | None, now: datetime) -> CancelledEvent:
    """Cancel an event: drop its pending reminders, unlist it; return who answered Going or Maybe."""
    event = await get_event(session, event_id)
    if event.status == CANCELLED:
        raise ConflictError("“{title}” is already cancelled.", title=event.title)
    next_start = next_occurrence(event, now) or event.starts_at
    event.status = CANCELLED
    event.cancel_reason = reason.strip()[:500] if reason and reason.strip() else None
    event.cancelled_at = now
    event.updated_at = now
    removed = await drop_event_reminders(session, event_id=event.id, now=now, note=N_("event cancelled"))
    await delete_document(session, kind="event", ref_id=event.id)
    await bump_revision(session)
    tell = await answered_members(session, event=event, now=now)
    details = {"start": next_start.isoformat(), "reason": event.cancel_reason}
    planned = await plan_notices(
        session, event_id=event.id, member_ids=tell, kind=CANCELLED_NOTICE, details=details, now=now
    )
    await session.flush()
    return CancelledEvent(event, removed, tell, next_start, planned.opted_out)


async def record_announcement(
    session: AsyncSession,
    *,
    event_id: int,
    channel_id: int | None = None,
    message_id: int | None = None,
) -> None:
    """Remember where the event was announced, so edits and cancels can follow."""
    event = await get_event(session, event_id)
    if message_id is not None:
        event.announcement_channel_id, event.announcement_message_id = channel_id, message_id
    await session.flush()


# --- reading ------------------------------------------------------------------------------------------------


async def get_event(session: AsyncSession, event_id: int) -> Event:
    event = await session.scalar(select(Event).options(selectinload(Event.host)).where(Event.id == event_id))
    if event is None:
        raise NotFoundError("That event does not exist (any more). Pick one from the list as you type.")
    return event


async def find_event(session: AsyncSession, key: str) -> Event:
    """The event a member means: an id (what autocomplete sends) or, failing that, a unique title match."""
    key = key.strip()
    if key.isdigit():
        return await get_event(session, record_id(key, what="event"))
    matches = (
        await session.scalars(
            select(Event.id)
            .where(func.lower(Event.title).contains(key.lower(), autoescape=True))
            .order_by(Event.status.desc(), Event.starts_at.desc())
            .limit(2)
        )
    ).all()
    if len(matches) != 1 or not key:
        if matches:
            raise NotFoundError(
                "More than one event matches “{key}”. Pick one from the list as you type.", key=key[:60]
            )
        raise NotFoundError("No event matches “{key}”. Pick one from the list as you type.", key=key[:60])
    return await get_event(session, matches[0])


async def events_by_id(session: AsyncSession, event_ids: list[int]) -> list[Event]:
    """These events, in the order given."""
    return [await get_event(session, event_id) for event_id in event_ids]


def next_occurrence(event: Event, now: datetime) -> datetime | None:
    """Start of the occurrence in progress or the next one; None when the event is over."""
    found = _next_found(event, now)
    return found.start if found else None


def _next_found(event: Event, now: datetime) -> Occurrence | None:
    duration = event.ends_at - event.starts_at
    try:
        found = event_occurrences(event, after=now - duration, before=FAR_FUTURE, limit=1)
    except RecurrenceError:
        return None  # a series stored before its rule was checked: /event show tells moderators why
    return found[0] if found else None


@dataclass(frozen=True)
class UpcomingEvent:
    event: Event
    starts_at: datetime
    counts: dict[str, int]


async def list_upcoming_events(
    session: AsyncSession, *, now: datetime, kind: str | None = None, limit: int = 100
) -> list[UpcomingEvent]:
    """Scheduled events still to come (or under way), soonest first, with their RSVP counts."""
    statement = (
        select(Event)
        .options(selectinload(Event.host))
        .where(Event.status == SCHEDULED, or_(Event.series_ends_at.is_(None), Event.series_ends_at > now))
    )
    if kind:
        statement = statement.where(Event.kind == _kind(kind))
    upcoming = []
    for event in (await session.scalars(statement)).all():
        found = _next_found(event, now)
        if found is not None:
            upcoming.append((found, event))
    upcoming.sort(key=lambda pair: (pair[0].start, pair[1].id))
    keys = {event.id: found.original if event.rrule else WHOLE_EVENT for found, event in upcoming[:limit]}
    counts = await rsvp_counts(session, keys=keys)
    return [UpcomingEvent(event, found.start, counts[event.id]) for found, event in upcoming[:limit]]


async def autocomplete_events(
    session: AsyncSession, current: str, *, now: datetime, scheduled_only: bool, limit: int = 25
) -> list[tuple[str, str]]:
    """(label, id) choices: upcoming first, then recent; the label carries the date so namesakes differ."""
    statement = select(Event).where(func.lower(Event.title).contains(current.strip().lower(), autoescape=True))
    if scheduled_only:
        statement = statement.where(Event.status == SCHEDULED)
    events = (await session.scalars(statement.order_by(Event.starts_at.desc()).limit(200))).all()
    labelled = []
    for event in events:
        start = next_occurrence(event, now) if event.status == SCHEDULED else None
        when = start or event.starts_at
        local = when.astimezone(ZoneInfo(event.timezone))
        suffix = " (cancelled)" if event.status == CANCELLED else "" if start else " (past)"
        label = f"{event.title} — {local:%a %-d %b %Y %H:%M} {local:%Z}{suffix}"
        labelled.append((start is None, abs((when - now).total_seconds()), label, str(event.id)))
    labelled.sort()
    return [(label, value) for _past, _distance, label, value in labelled[:limit]]


@dataclass(frozen=True)
class EventDetails:
    event: Event
    next_start: datetime | None
    counts: dict[str, int]
    attendee: EventAttendee | None
    series_problem: str | None = None


async def event_details(
    session: AsyncSession, *, event_id: int, member_id: int, now: datetime, occurrence: datetime = WHOLE_EVENT
) -> EventDetails:
    """An event with its counts and what this member answered (of a series: for that occurrence)."""
    event = await get_event(session, event_id)
    counts = await rsvp_counts(session, keys={event.id: occurrence})
    attendee = await session.get(EventAttendee, (event.id, occurrence, member_id))
    next_start = next_occurrence(event, now) if event.status == SCHEDULED else None
    problem = series_problem(event.rrule, start=event.starts_at, zone=event.timezone)
    return EventDetails(event, next_start, counts[event.id], attendee, problem)


# --- RSVPs and reminder opt-ins ---------------------------------------------------------------------------


async def set_rsvp(
    session: AsyncSession,
    *,
    event_id: int,
    member_id: int,
    choice: str,
    now: datetime,
    role_ids: Sequence[int] = (),
    occurrence: str | None = None,
) -> tuple[Event, dict[str, int], EventAttendee]:
    """Record a member's answer (to a series: to the occurrence given, else the next one still open for answers);
    Going turns DM reminders on (or waits for a seat), Not going turns them off."""
    if choice not in RSVP_CHOICES:
        raise InvalidInputError("Answer Going, Maybe or Not going.")
    event = await _open_event(session, event_id, now)
    key = occurrence_key(event, occurrence, now=now, answering=True)
    check_may_answer(event, choice=choice, role_ids=role_ids, now=now, occurrence=key)
    attendee = await _attendee(session, event.id, member_id, key)
    await record_answer(session, event=event, attendee=attendee, choice=choice, now=now)
    return event, (await rsvp_counts(session, keys={event.id: key}))[event.id], attendee


async def set_reminder_opt_in(
    session: AsyncSession, *, event_id: int, member_id: int, on: bool, now: datetime, occurrence: datetime = WHOLE_EVENT
) -> Event:
    """Turn a member's DM reminders for an event (or one occurrence of a series) on or off; for a whole series,
    every date they answered follows too (but a date they are not going to stays quiet)."""
    event = await _open_event(session, event_id, now)
    attendee = await _attendee(session, event.id, member_id, occurrence)
    attendee.reminders = on
    attendee.updated_at = now
    if occurrence == WHOLE_EVENT and event.rrule:
        await set_answered_dates_reminders(session, event_id=event.id, member_id=member_id, on=on, now=now)
    await session.flush()
    return event


async def _open_event(session: AsyncSession, event_id: int, now: datetime) -> Event:
    event = await get_event(session, event_id)
    if event.status == CANCELLED:
        raise ConflictError("“{title}” was cancelled.", title=event.title)
    if next_occurrence(event, now) is None:
        raise ConflictError("“{title}” is over.", title=event.title)
    return event


async def _attendee(session: AsyncSession, event_id: int, member_id: int, occurrence: datetime) -> EventAttendee:
    attendee = await session.get(EventAttendee, (event_id, occurrence, member_id))
    if attendee is None:
        # A first answer to one occurrence starts from the member's "remind me" for the whole series.
        whole = await session.get(EventAttendee, (event_id, WHOLE_EVENT, member_id))
        reminders = bool(whole and whole.reminders)
        attendee = EventAttendee(
            event_id=event_id, occurrence_start=occurrence, member_id=member_id, reminders=reminders
        )
        session.add(attendee)
    return attendee


# --- search ---------------------------------------------------------------------------------------------------


async def index_event(session: AsyncSession, event: Event) -> None:
    """Make the event findable with /find, or refresh what /find knows about it."""
    host = await session.get(Platform, event.host_platform_id) if event.host_platform_id else None
    body = " ".join(
        part
        for part in (
            KINDS.get(event.kind, event.kind),
            event.description,
            event.location or "",
            f"hosted by {host.name} ({host.acronym or host.country})" if host else "",
            f"{event.starts_at:%B %Y}",
        )
        if part
    )
    await upsert_document(
        session, kind="event", ref_id=event.id, title=event.title, body=body, country=host.country if host else None
    )
    await bump_revision(session)


# --- validation -------------------------------------------------------------------------------------------------


def default_reminders(kind: str) -> list[int]:
    return list(DEFAULT_REMINDERS.get(kind, OTHER_REMINDERS))


def describe_reminders(offsets: list[int]) -> str:
    return format_offsets(offsets) + (" before" if offsets else "")


def _kind(value: str) -> str:
    key = value.strip().casefold().replace(" ", "_").replace("-", "_")
    if key not in KINDS:
        raise InvalidInputError(
            "“{value}” is not a kind of event. Use one of: {kinds}.", value=value[:40], kinds=", ".join(KINDS)
        )
    return key


def _title(value: str) -> str:
    title = " ".join(value.split())
    low, high = TITLE_LIMITS
    if not low <= len(title) <= high:
        raise InvalidInputError(
            "The title must be {low}–{high} characters long (it is {length}).", low=low, high=high, length=len(title)
        )
    return title


def _description(value: str) -> str:
    description = value.strip()
    if len(description) > DESCRIPTION_MAX:
        raise InvalidInputError(
            "The description can be at most {limit} characters (it is {length}).",
            limit=DESCRIPTION_MAX,
            length=len(description),
        )
    return description


def _description_or_none(value: str | None) -> str:
    return _description(value or "")


def _location(value: str | None) -> str | None:
    location = " ".join((value or "").split())
    if len(location) > LOCATION_MAX:
        raise InvalidInputError("The location can be at most {limit} characters.", limit=LOCATION_MAX)
    return location or None


def _url(value: str | None) -> str | None:
    return web_address(value or "", longest=500)


async def _host(session: AsyncSession, value: str | None) -> int | None:
    if not value or not value.strip():
        return None
    by_slug = await session.scalar(select(Platform.id).where(Platform.slug == value.strip()))
    return by_slug if by_slug is not None else (await session.run_sync(find_platform, value)).platform.id


def _end(fields: EventInput, *, kind: str, start: datetime, zone: ZoneInfo, notes: list[Sentence]) -> datetime:
    if fields.duration and fields.end:
        raise InvalidInputError("Give either a duration or an end time, not both.")
    if fields.duration:
        return start + parse_duration(fields.duration)
    if fields.end:
        parsed = parse_end(fields.end, start=start, zone=zone)
        if parsed.instant <= start:
            raise InvalidInputError("The end must be after the start.")
        if parsed.instant - start > timedelta(days=14):
            raise InvalidInputError("An event can last at most 14 days; check the end date.")
        notes += [parsed.note] if parsed.note else []
        return parsed.instant
    if kind == "general_assembly":
        second_day = start.astimezone(zone).date() + timedelta(days=1)
        return localize(datetime.combine(second_day, time(ASSEMBLY_ENDS_AT_HOUR)), zone).instant
    return start + DEFAULT_DURATIONS.get(kind, timedelta(hours=1))


def series_last_end(event: Event) -> datetime | None:
    """When the last occurrence ends (a moved one may end later than the rule's last); None for an endless series."""
    last = last_occurrence(event.starts_at, zone=event.timezone, rule=event.rrule)
    if last is None:
        return None
    moved_ends = [end for _start, end in exceptions_of(event).moved.values()]
    return max([last + (event.ends_at - event.starts_at), *moved_ends])
