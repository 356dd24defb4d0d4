"""Series with exceptions: skip or move one occurrence, or end a series before one (or split it there, to move
that occurrence and all after it); pick an occurrence by date.

An occurrence is named by the start its rule gives it (UTC), so it stays the same occurrence when moved.
Answers belong to one occurrence and stay with it when it moves; reminders follow each occurrence (replanned in
the same transaction), and the members who answered Going or Maybe to a moved or dropped occurrence are told
(a notice each, sent once). A series split to move "this and following" hands the later occurrences' answers,
skips and moves to the new series: the n-th occurrence from the split becomes the new series' n-th, a skip stays
a skip and a move keeps its shift from the rule's time (a move of one day later stays one day later).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.events import CANCELLED, FAR_FUTURE, find_event, get_event, index_event, series_last_end
from db.models import Event, EventAttendee, OccurrenceChange
from db.models.events import WHOLE_EVENT
from db.notices import CANCELLED as CANCELLED_NOTICE
from db.notices import CHANGED, PlannedNotices, notice_snapshot, plan_notices
from db.occurrences import OCCURRENCE_FORMAT, current_start, event_occurrences, exceptions_of, find_occurrence
from db.reminders import ReminderPlan, replan_event_reminders
from rules.errors import ConflictError, InvalidInputError, NotFoundError
from rules.i18n import N_
from rules.recurrence import MAX_COUNT, check_series, rule_parts
from rules.series import with_end
from rules.timeparse import occurrences, parse_time

THIS, FOLLOWING = "this", "following"


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
    # Members left out of the notices because they turned event notices off.
    opted_out: int = 0


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
    concerned = await _concerned(session, event, original, following=scope == FOLLOWING)
    new_start: datetime | None = None
    successor = None
    renamed: dict[datetime, datetime] = {}
    if scope == FOLLOWING and start is not None:
        new_start = parse_time(start, zone=zone, now=now).instant
        successor, renamed = await _split(session, event, original, new_start, now)
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
    planned = PlannedNotices()
    for answered, (members, old_start) in sorted(concerned.items()):
        moved_to = new_start
        if successor is not None:
            # An occurrence beyond the new series' end (a count) is not held any more.
            moved_to = current_start(successor, renamed[answered]) if answered in renamed else None
        planned += await _plan_occurrence_notices(
            session, event, members, old_start, moved_to, following=scope == FOLLOWING, now=now
        )
    edit = OccurrenceEdit(event, plan, original, current, new_start, scope == FOLLOWING, successor)
    edit.opted_out = planned.opted_out
    return edit


async def _concerned(
    session: AsyncSession, event: Event, original: datetime, *, following: bool
) -> dict[datetime, tuple[list[int], datetime]]:
    """Who answered Going or Maybe (or waits) to the occurrence (or it and those after it), each member under the
    first such occurrence they answered, with where it starts before the change."""
    answered = EventAttendee.occurrence_start >= original if following else EventAttendee.occurrence_start == original
    rows = await session.execute(
        select(EventAttendee.member_id, EventAttendee.occurrence_start)
        .where(
            EventAttendee.event_id == event.id,
            EventAttendee.occurrence_start != WHOLE_EVENT,
            answered,
            EventAttendee.rsvp.in_(("going", "maybe", "waiting")),
        )
        .order_by(EventAttendee.occurrence_start, EventAttendee.member_id)
    )
    first: dict[int, datetime] = {}
    skipped = exceptions_of(event).skipped
    for member_id, key in rows:
        if key not in skipped:
            first.setdefault(member_id, key)
    concerned: dict[datetime, tuple[list[int], datetime]] = {}
    for member_id, key in first.items():
        concerned.setdefault(key, ([], current_start(event, key)))[0].append(member_id)
    return concerned


async def _plan_occurrence_notices(
    session: AsyncSession,
    event: Event,
    members: list[int],
    old_start: datetime,
    new_start: datetime | None,
    *,
    following: bool,
    now: datetime,
) -> PlannedNotices:
    """Tell these members, once, that their occurrence moved (old -> new) or is not held."""
    if new_start is None:
        details: dict[str, object] = {"start": old_start.isoformat(), "reason": None, "series_ends": following}
        return await plan_notices(
            session, event_id=event.id, member_ids=members, kind=CANCELLED_NOTICE, details=details, now=now
        )
    details = {"before": notice_snapshot(event, old_start), "after": notice_snapshot(event, new_start)}
    return await plan_notices(session, event_id=event.id, member_ids=members, kind=CHANGED, details=details, now=now)


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
    "planned_until",
    "created_at",
    "updated_at",
    "cancelled_at",
    "cancel_reason",
}


async def _split(
    session: AsyncSession, event: Event, original: datetime, new_start: datetime, now: datetime
) -> tuple[Event, dict[datetime, datetime]]:
    """End the series before `original`; a new series carries on from `new_start` with the later occurrences'
    answers, skips and moves. Returns it, and the new name of each later occurrence that had any of those."""
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
    attendees = (await session.scalars(select(EventAttendee).where(EventAttendee.event_id == event.id))).all()
    later = {attendee.occurrence_start for attendee in attendees if attendee.occurrence_start >= original}
    later |= {change.original_start for change in event.occurrence_changes if change.original_start > original}
    renamed = _renamed(event, successor, original, later)
    for change in event.occurrence_changes:
        if change.original_start in renamed and change.original_start != original:
            successor.occurrence_changes.append(_carried(change, renamed[change.original_start], now))
    successor.series_ends_at = series_last_end(successor)
    _end_before(event, original, instead=FIRST_BY_EDITING)
    session.add(successor)
    await session.flush()
    for attendee in attendees:
        values = {column.key: getattr(attendee, column.key) for column in EventAttendee.__table__.columns}
        if attendee.occurrence_start == WHOLE_EVENT:
            session.add(EventAttendee(**(values | {"event_id": successor.id})))
        elif attendee.occurrence_start in renamed:
            key = renamed[attendee.occurrence_start]
            session.add(EventAttendee(**(values | {"event_id": successor.id, "occurrence_start": key})))
            await session.delete(attendee)
    await session.flush()
    await index_event(session, successor)
    return await get_event(session, successor.id), renamed


def _renamed(event: Event, successor: Event, original: datetime, keys: set[datetime]) -> dict[datetime, datetime]:
    """Each of these occurrences (from `original` on) paired with the occurrence of the same rank in the successor;
    one beyond the successor's end has no pair."""
    if not keys:
        return {}
    old = occurrences(
        event.starts_at,
        zone=event.timezone,
        rule=event.rrule,
        after=original,
        before=max(keys) + timedelta(seconds=1),
        limit=MAX_COUNT,
    )
    new = occurrences(
        successor.starts_at,
        zone=successor.timezone,
        rule=successor.rrule,
        after=successor.starts_at,
        before=FAR_FUTURE,
        limit=len(old),
    )
    return {before: after for before, after in zip(old, new, strict=False) if before in keys}


def _carried(change: OccurrenceChange, renamed: datetime, now: datetime) -> OccurrenceChange:
    """The same exception on the successor's occurrence: skipped stays skipped, a move keeps its shift."""
    shift = (change.starts_at - change.original_start) if change.starts_at is not None else timedelta(0)
    length = (change.ends_at - change.starts_at) if change.starts_at is not None and change.ends_at else None
    return OccurrenceChange(
        original_start=renamed,
        skipped=change.skipped,
        starts_at=None if change.skipped or change.starts_at is None else renamed + shift,
        ends_at=None if length is None or change.skipped else renamed + shift + length,
        updated_at=now,
    )


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
