"""Series with exceptions: skip or move one occurrence, or end a series before one (or split it there, to move
that occurrence and all after it); pick an occurrence by date.

An occurrence is named by the start its rule gives it (UTC), so it stays the same occurrence when moved.
RSVPs stay per series; reminders follow each occurrence (replanned in the same transaction), and the series'
Going and Maybe members are told of a moved or dropped occurrence (a notice each, sent once).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.events import CANCELLED, FAR_FUTURE, find_event, get_event, index_event, series_last_end
from db.models import Event, EventAttendee, OccurrenceChange
from db.notices import CANCELLED as CANCELLED_NOTICE
from db.notices import CHANGED, answered_members, notice_snapshot, plan_notices
from db.occurrences import event_occurrences, exceptions_of
from db.reminders import ReminderPlan, replan_event_reminders
from rules.errors import ConflictError, InvalidInputError, NotFoundError
from rules.i18n import N_, Written
from rules.recurrence import MAX_COUNT, check_series, rule_parts
from rules.series import rule_occurs_at, with_end
from rules.timeparse import localize, occurrences, parse_time

THIS, FOLLOWING = "this", "following"
OCCURRENCE_FORMAT = "%Y-%m-%dT%H:%MZ"


@dataclass
class OccurrenceEdit:
    """What changed: the occurrence (named by its rule's start), its start before, and after (None: skipped)."""

    event: Event
    plan: ReminderPlan
    original: datetime
    old_start: datetime
    new_start: datetime | None
    following: bool
    # The series that now holds the moved occurrence and all after it (a move of "this and following").
    successor: Event | None = None


async def edit_occurrence(
    session: AsyncSession,
    *,
    key: str,
    occurrence: str,
    scope: str = THIS,
    start: str | None = None,
    skip: bool = False,
    now: datetime,
) -> OccurrenceEdit:
    """Move or skip one occurrence of a series; or skip it and all after it (the series then ends before it), or
    move them (a new series, with the same answers, carries on from the new start)."""
    event = await find_event(session, key)
    if event.status == CANCELLED:
        raise ConflictError("“{title}” was cancelled; its occurrences can't be changed.", title=event.title)
    if event.rrule is None:
        raise InvalidInputError(
            "“{title}” is a single event; leave occurrence out and edit it as a whole.", title=event.title
        )
    if skip == (start is not None):
        raise InvalidInputError("With occurrence, give either start (to move it) or skip: True (it is not held).")
    if scope not in (THIS, FOLLOWING):
        raise InvalidInputError("scope is either this (one occurrence) or following (it and all after it).")
    original = find_occurrence(event, occurrence)
    current = current_start(event, original)
    if current <= now:
        raise ConflictError("That occurrence has already started; pick a later one from the list.")
    zone = ZoneInfo(event.timezone)
    new_start: datetime | None = None
    successor = None
    if scope == FOLLOWING and start is not None:
        new_start = parse_time(start, zone=zone, now=now).instant
        successor = await _split(session, event, original, new_start, now)
    elif scope == FOLLOWING:
        _end_before(event, original, instead=FIRST_BY_CANCELLING)
    elif skip:
        _change(event, original, now).skipped = True
    else:
        assert start is not None
        new_start = parse_time(start, zone=zone, now=now).instant
        _move(event, original, new_start, now)
    event.series_ends_at = series_last_end(event)
    event.updated_at = now
    await session.flush()
    plan = await replan_event_reminders(session, event=event, now=now)
    if successor is not None:
        later = await replan_event_reminders(session, event=successor, now=now)
        plan.added += later.added
    await _plan_occurrence_notices(session, event, current, new_start, following=scope == FOLLOWING, now=now)
    return OccurrenceEdit(event, plan, original, current, new_start, scope == FOLLOWING, successor)


async def _plan_occurrence_notices(
    session: AsyncSession,
    event: Event,
    old_start: datetime,
    new_start: datetime | None,
    *,
    following: bool,
    now: datetime,
) -> None:
    """Tell Going and Maybe members of the series, once, that an occurrence moved (old -> new) or is not held."""
    members = await answered_members(session, event_id=event.id)
    if new_start is None:
        details: dict[str, object] = {"start": old_start.isoformat(), "reason": None, "series_ends": following}
        await plan_notices(
            session, event_id=event.id, member_ids=members, kind=CANCELLED_NOTICE, details=details, now=now
        )
        return
    details = {"before": notice_snapshot(event, old_start), "after": notice_snapshot(event, new_start)}
    await plan_notices(session, event_id=event.id, member_ids=members, kind=CHANGED, details=details, now=now)


def _change(event: Event, original: datetime, now: datetime) -> OccurrenceChange:
    for change in event.occurrence_changes:
        if change.original_start == original:
            change.updated_at = now
            return change
    change = OccurrenceChange(original_start=original, skipped=False, updated_at=now)
    event.occurrence_changes.append(change)
    return change


def _move(event: Event, original: datetime, new_start: datetime, now: datetime) -> None:
    duration = event.ends_at - event.starts_at
    clash = [
        found
        for found in event_occurrences(event, after=new_start, before=new_start + timedelta(seconds=1))
        if found.original != original
    ]
    if clash:
        raise ConflictError("Another occurrence of this series already starts then; pick another time.")
    if new_start == original:
        # Back where the rule puts it: no exception any more.
        event.occurrence_changes[:] = [c for c in event.occurrence_changes if c.original_start != original]
        return
    change = _change(event, original, now)
    change.skipped, change.starts_at, change.ends_at = False, new_start, new_start + duration


# What to do instead when a change "from this occurrence on" starts at the first one, each refusal whole.
FIRST_BY_CANCELLING = N_(
    "That is the first occurrence: to change it and all after it, cancel the event with /event-admin cancel."
)
FIRST_BY_EDITING = N_(
    "That is the first occurrence: to change it and all after it, edit the series' start without occurrence."
)


def _end_before(event: Event, original: datetime, *, instead: str) -> None:
    assert event.rrule is not None
    if original <= event.starts_at:
        raise InvalidInputError(instead)
    event.rrule = with_end(event.rrule, until=original - timedelta(seconds=1))
    event.occurrence_changes[:] = [c for c in event.occurrence_changes if c.original_start < original]


# What a series split in two keeps in its second part; its own times, rule, messages and bookkeeping are new.
NOT_COPIED = {
    "id",
    "starts_at",
    "ends_at",
    "rrule",
    "series_ends_at",
    "announcement_channel_id",
    "announcement_message_id",
    "discord_event_id",
    "planned_until",
    "created_at",
    "updated_at",
    "cancelled_at",
    "cancel_reason",
}


async def _split(session: AsyncSession, event: Event, original: datetime, new_start: datetime, now: datetime) -> Event:
    """End the series before `original`; a new series, copied with its RSVPs, carries on from `new_start`."""
    assert event.rrule is not None
    rule = event.rrule
    count = rule_parts(rule).get("COUNT")
    if count is not None:
        held = occurrences(
            event.starts_at, zone=event.timezone, rule=rule, after=event.starts_at, before=original, limit=MAX_COUNT
        )
        rule = with_end(rule, count=int(count) - len(held))
    check_series(rule, start=new_start, zone=event.timezone)
    copied = {
        column.key: getattr(event, column.key) for column in Event.__table__.columns if column.key not in NOT_COPIED
    }
    successor = Event(
        **copied,
        starts_at=new_start,
        ends_at=new_start + (event.ends_at - event.starts_at),
        rrule=rule,
        created_at=now,
        updated_at=now,
        occurrence_changes=[],
    )
    successor.series_ends_at = series_last_end(successor)
    _end_before(event, original, instead=FIRST_BY_EDITING)
    session.add(successor)
    await session.flush()
    attendees = (await session.scalars(select(EventAttendee).where(EventAttendee.event_id == event.id))).all()
    for attendee in attendees:
        values = {column.key: getattr(attendee, column.key) for column in EventAttendee.__table__.columns}
        session.add(EventAttendee(**(values | {"event_id": successor.id})))
    await session.flush()
    await index_event(session, successor)
    return await get_event(session, successor.id)


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


async def occurrence_choices(
    session: AsyncSession, *, key: str, current: str, now: datetime, limit: int = 25
) -> list[tuple[str, str]]:
    """(label, value) for the next occurrences of a series, shown in its zone; moved ones say from when."""
    try:
        event = await find_event(session, key)
    except NotFoundError:
        return []
    if event.rrule is None or event.status == CANCELLED:
        return []
    zone = ZoneInfo(event.timezone)
    wanted = current.strip().casefold()
    labelled = []
    for found in event_occurrences(event, after=now, before=FAR_FUTURE, limit=100):
        local = found.start.astimezone(zone)
        label = f"{local:%a %-d %b %Y %H:%M} {local:%Z}"
        if found.moved:
            label += f" (moved from {found.original.astimezone(zone):%a %-d %b %H:%M})"
        if wanted in label.casefold():
            labelled.append((label, f"{found.original:{OCCURRENCE_FORMAT}}"))
    return labelled[:limit]
