"""Who may answer an event and who is coming: capacity with a waiting list, RSVP cut-off and role, attendee lists.

Everything here counts per occurrence: an answer to a series belongs to one occurrence (its rule's start), an
answer to a one-off event to WHOLE_EVENT, so a series' capacity, waiting list and cut-off hold for each date.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Event, EventAttendee
from db.models.events import WHOLE_EVENT
from db.notices import MOVED_UP, PlannedNotices, plan_notices
from db.occurrences import current_start, key_start, occurrence_key
from rules.errors import ConflictError, InvalidInputError
from rules.i18n import Written
from rules.recurrence import RecurrenceError
from rules.timeparse import format_offset, occurrences, parse_offsets, parse_time

GOING, MAYBE, NOT_GOING, WAITING = "going", "maybe", "not_going", "waiting"
RSVP_CHOICES = (GOING, MAYBE, NOT_GOING)
# Typing this clears the capacity or the cut-off on /event-admin edit.
CLEAR = "none"
CAPACITY_MAX = 100_000
LONGEST_CUTOFF = timedelta(days=60)
FAR_FUTURE_DAYS = 365 * 100
# A cut-off written as how long before the start, e.g. 2d or 1d12h.
DURATION = re.compile(r"(\d+[wdhm])+")


def parse_capacity(text: str) -> int | None:
    """Read a capacity: a whole number of seats, at least 1; `none` for no limit."""
    value = text.strip().casefold()
    if value == CLEAR:
        return None
    if not value.isdigit() or not 1 <= int(value) <= CAPACITY_MAX:
        raise InvalidInputError(
            "“{text}” is not a capacity: write how many can go, at least 1 (e.g. 40), or none for no limit.",
            text=text.strip()[:20],
        )
    return int(value)


def parse_cutoff(text: str, *, start: datetime, zone: ZoneInfo, now: datetime) -> int | None:
    """Read when answers close, as seconds before the start: `2d` (before), a time, or `none` (at the start)."""
    value = text.strip()
    if value.casefold() == CLEAR:
        return None
    if DURATION.fullmatch(value.casefold()):
        (seconds,) = parse_offsets(value, limit=1, longest=timedelta(days=FAR_FUTURE_DAYS))
        before = timedelta(seconds=seconds)
    else:
        closes = parse_time(value, zone=zone, now=now, future=False).instant
        before = start - closes
        if before < timedelta(0):
            local = closes.astimezone(zone)
            raise InvalidInputError(
                "The RSVP cut-off ({when} {zone}) is after the start: answers close at the "
                "start at the latest. Give an earlier time, or how long before, e.g. 2d.",
                when=Written(local, "date_time"),
                zone=zone.key,
            )
    if before > LONGEST_CUTOFF:
        raise InvalidInputError("Answers can close at most 60 days before the start; give a shorter cut-off.")
    return int(before.total_seconds())


def apply_attendance_rules(
    event: Event, capacity: str | None, cutoff: str | None, role_id: int | None, *, zone: ZoneInfo, now: datetime
) -> list[str]:
    """Apply the capacity, RSVP cut-off and RSVP role a moderator gave (None: unchanged); return what changed."""
    changed = []
    if capacity is not None:
        event.capacity = parse_capacity(capacity)
        changed.append("capacity")
    if cutoff is not None:
        event.rsvp_cutoff_seconds = parse_cutoff(cutoff, start=event.starts_at, zone=zone, now=now)
        changed.append("RSVP cut-off")
    if role_id is not None:
        event.rsvp_role_id = role_id or None
        changed.append("RSVP role")
    return changed


def _next_start(event: Event, now: datetime) -> datetime | None:
    try:
        found = occurrences(
            event.starts_at,
            zone=event.timezone,
            rule=event.rrule,
            after=now,
            before=now + timedelta(days=FAR_FUTURE_DAYS),
            limit=1,
        )
    except RecurrenceError:
        return None
    return found[0] if found else None


def answered_start(event: Event, occurrence: datetime, now: datetime) -> datetime | None:
    """Where the answered occurrence starts: a series' own occurrence, or a one-off event's start still to come."""
    return _next_start(event, now) if occurrence == WHOLE_EVENT else current_start(event, occurrence)


def check_may_answer(
    event: Event, *, choice: str, role_ids: Sequence[int], now: datetime, occurrence: datetime = WHOLE_EVENT
) -> None:
    """Refuse Going or Maybe after the occurrence's cut-off or without the event's role; Not going is always
    accepted."""
    if choice == NOT_GOING:
        return
    if event.rsvp_role_id is not None and event.rsvp_role_id not in role_ids:
        raise ConflictError(
            "Answers to “{title}” are open to members with the <@&{role_id}> role only. "
            "Ask a moderator if you should have it.",
            title=event.title,
            role_id=event.rsvp_role_id,
        )
    start = answered_start(event, occurrence, now)
    cutoff = timedelta(seconds=event.rsvp_cutoff_seconds or 0)
    if start is None or now >= start - cutoff:
        if event.rsvp_cutoff_seconds:
            raise ConflictError(
                "Answers to “{title}” are closed ({cutoff} before the start). "
                "Ask a moderator if you still want to come.",
                title=event.title,
                cutoff=format_offset(event.rsvp_cutoff_seconds),
            )
        raise ConflictError(
            "Answers to “{title}” are closed. Ask a moderator if you still want to come.", title=event.title
        )


@dataclass(frozen=True)
class SeriesShape:
    """Where a series' rule put its occurrences before an edit."""

    starts_at: datetime
    timezone: str
    rrule: str | None


async def follow_series_change(session: AsyncSession, *, event: Event, before: SeriesShape, now: datetime) -> None:
    """After the start, rule or zone of an event changed, carry each answer to a coming occurrence over to the
    occurrence of the same rank from now on (a call moved from 10:00 to 11:00 keeps each week's people); a one-off
    event that becomes a series hands its answers to the first occurrence, and back."""
    if SeriesShape(event.starts_at, event.timezone, event.rrule) == before or before.rrule is event.rrule is None:
        return
    after = now - (event.ends_at - event.starts_at)
    rows = await session.scalars(
        select(EventAttendee).where(
            EventAttendee.event_id == event.id,
            or_(EventAttendee.occurrence_start == WHOLE_EVENT, EventAttendee.occurrence_start >= after),
        )
    )
    # A series' "remind me" (WHOLE_EVENT, no answer) stays what it is; a one-off event's answers are WHOLE_EVENT.
    answered = [row for row in rows.all() if (row.occurrence_start == WHOLE_EVENT) == (before.rrule is None)]
    if not answered:
        return
    last = max(row.occurrence_start for row in answered)
    old = [WHOLE_EVENT] if before.rrule is None else _rule_starts(before, after, last + timedelta(seconds=1))
    new = [WHOLE_EVENT] if event.rrule is None else _rule_starts(event, after, None, limit=len(old))
    renamed = dict(zip(old, new, strict=False))
    moving = [
        row
        for row in answered
        if renamed.get(row.occurrence_start, row.occurrence_start) != row.occurrence_start
        and (row.rsvp is not None or before.rrule is not None)
    ]
    copies = [
        {column.key: getattr(row, column.key) for column in EventAttendee.__table__.columns}
        | {"occurrence_start": renamed[row.occurrence_start]}
        for row in moving
    ]
    for row in moving:
        await session.delete(row)
    await session.flush()
    session.add_all(EventAttendee(**values) for values in copies)
    await session.flush()


def _rule_starts(
    shape: SeriesShape | Event, after: datetime, before: datetime | None, limit: int = CAPACITY_MAX
) -> list[datetime]:
    try:
        return occurrences(
            shape.starts_at,
            zone=shape.timezone,
            rule=shape.rrule,
            after=after,
            before=before or after + timedelta(days=FAR_FUTURE_DAYS),
            limit=limit,
        )
    except RecurrenceError:
        return []


async def set_answered_dates_reminders(
    session: AsyncSession, *, event_id: int, member_id: int, on: bool, now: datetime
) -> None:
    """Turn the DM reminders of every date of a series the member answered on or off, except dates they are not
    going to (those stay quiet)."""
    await session.execute(
        update(EventAttendee)
        .where(EventAttendee.event_id == event_id, EventAttendee.member_id == member_id)
        .where(EventAttendee.occurrence_start != WHOLE_EVENT, EventAttendee.rsvp.is_distinct_from(NOT_GOING))
        .values(reminders=on, updated_at=now)
        .execution_options(synchronize_session=False)
    )


def _of(event_id: int, occurrence: datetime) -> tuple[Any, ...]:
    return (EventAttendee.event_id == event_id, EventAttendee.occurrence_start == occurrence)


async def going_count(session: AsyncSession, *, event_id: int, occurrence: datetime = WHOLE_EVENT) -> int:
    count = await session.scalar(
        select(func.count()).select_from(EventAttendee).where(*_of(event_id, occurrence), EventAttendee.rsvp == GOING)
    )
    return int(count or 0)


async def rsvp_counts(session: AsyncSession, *, keys: dict[int, datetime]) -> dict[int, dict[str, int]]:
    """How many gave each answer, per event: to the occurrence given for it (WHOLE_EVENT for a one-off event)."""
    counts = {event_id: dict.fromkeys(RSVP_CHOICES, 0) for event_id in keys}
    if keys:
        answered = [
            and_(EventAttendee.event_id == event_id, EventAttendee.occurrence_start == key)
            for event_id, key in keys.items()
        ]
        rows = await session.execute(
            select(EventAttendee.event_id, EventAttendee.rsvp, func.count())
            .where(or_(*answered), EventAttendee.rsvp.is_not(None))
            .group_by(EventAttendee.event_id, EventAttendee.rsvp)
        )
        for event_id, rsvp, count in rows:
            if rsvp is not None:
                counts[event_id][rsvp] = count
    return counts


async def record_answer(
    session: AsyncSession, *, event: Event, attendee: EventAttendee, choice: str, now: datetime
) -> PlannedNotices:
    """Store an answer (to the attendee row's occurrence): Going beyond the capacity waits in line; a freed seat
    moves the first in line up. Returns the notices planned for members moved up."""
    previous = attendee.rsvp
    occurrence = attendee.occurrence_start
    if choice == GOING and previous not in (GOING,):
        taken = await going_count(session, event_id=event.id, occurrence=occurrence)
        full = event.capacity is not None and taken >= event.capacity
        if full:
            attendee.rsvp = WAITING
            attendee.waiting_since = attendee.waiting_since if previous == WAITING else now
            attendee.reminders = False
            attendee.updated_at = now
            await session.flush()
            return PlannedNotices()
    attendee.rsvp = choice
    attendee.waiting_since = None
    if choice != MAYBE:
        attendee.reminders = choice == GOING
    attendee.updated_at = now
    await session.flush()
    if previous == GOING and choice != GOING:
        return await move_up_waiting(session, event=event, occurrence=occurrence, now=now)
    return PlannedNotices()


async def move_up_waiting(
    session: AsyncSession, *, event: Event, now: datetime, occurrence: datetime = WHOLE_EVENT
) -> PlannedNotices:
    """Give an occurrence's free seats to the first in line (Going, DM reminders on); plan a notice to each."""
    taken = await going_count(session, event_id=event.id, occurrence=occurrence)
    free = None if event.capacity is None else event.capacity - taken
    if free is not None and free <= 0:
        return PlannedNotices()
    statement = (
        select(EventAttendee)
        .where(*_of(event.id, occurrence), EventAttendee.rsvp == WAITING)
        .order_by(EventAttendee.waiting_since, EventAttendee.member_id)
    )
    if free is not None:
        statement = statement.limit(free)
    moved = list((await session.scalars(statement)).all())
    for attendee in moved:
        attendee.rsvp, attendee.waiting_since, attendee.reminders, attendee.updated_at = GOING, None, True, now
    await session.flush()
    start = answered_start(event, occurrence, now) or event.starts_at
    return await plan_notices(
        session,
        event_id=event.id,
        member_ids=[attendee.member_id for attendee in moved],
        kind=MOVED_UP,
        details={"start": start.isoformat()},
        now=now,
    )


async def move_up_every_occurrence(session: AsyncSession, *, event: Event, now: datetime) -> PlannedNotices:
    """Fill the seats freed in each occurrence with a waiting list (after the capacity grew or went)."""
    waiting = await session.scalars(
        select(EventAttendee.occurrence_start)
        .where(EventAttendee.event_id == event.id, EventAttendee.rsvp == WAITING)
        .distinct()
        .order_by(EventAttendee.occurrence_start)
    )
    planned = PlannedNotices()
    for occurrence in list(waiting.all()):
        planned += await move_up_waiting(session, event=event, occurrence=occurrence, now=now)
    return planned


async def waiting_position(
    session: AsyncSession, *, event_id: int, member_id: int, occurrence: datetime = WHOLE_EVENT
) -> int | None:
    """Where a member stands on an occurrence's waiting list (1 is next), or None when they are not on it."""
    order = await session.scalars(
        select(EventAttendee.member_id)
        .where(*_of(event_id, occurrence), EventAttendee.rsvp == WAITING)
        .order_by(EventAttendee.waiting_since, EventAttendee.member_id)
    )
    members = list(order.all())
    return members.index(member_id) + 1 if member_id in members else None


@dataclass(frozen=True)
class Attendees:
    """Who answered an event (a series: one occurrence), in the order they answered (the waiting list in its own
    order)."""

    event: Event
    going: list[int]
    maybe: list[int]
    waiting: list[int]
    not_going: int = 0
    # The answer key, and where that occurrence of a series now starts (None for a one-off event).
    occurrence: datetime = WHOLE_EVENT
    starts_at: datetime | None = None

    def counts(self) -> dict[str, int]:
        """How many gave each answer, as the announcement shows them."""
        return {
            GOING: len(self.going),
            MAYBE: len(self.maybe),
            NOT_GOING: self.not_going,
            WAITING: len(self.waiting),
        }


async def event_attendees(
    session: AsyncSession,
    *,
    event_id: int,
    now: datetime,
    occurrence: str | None = None,
    answering: bool = False,
) -> Attendees:
    """The members going, maybe coming and waiting for a seat; of a series, for the occurrence typed (a date or
    an autocomplete value), else the one under way or next (`answering`: the one the RSVP buttons answer)."""
    event = await session.get_one(Event, event_id)
    key = occurrence_key(event, occurrence, now=now, answering=answering)
    return await occurrence_attendees(session, event=event, occurrence=key)


async def occurrence_attendees(session: AsyncSession, *, event: Event, occurrence: datetime) -> Attendees:
    """The members going, maybe coming and waiting for one occurrence (WHOLE_EVENT: a one-off event)."""
    rows = await session.execute(
        select(EventAttendee.member_id, EventAttendee.rsvp)
        .where(*_of(event.id, occurrence), EventAttendee.rsvp.is_not(None))
        .order_by(EventAttendee.waiting_since, EventAttendee.updated_at, EventAttendee.member_id)
    )
    grouped: dict[str, list[int]] = {GOING: [], MAYBE: [], WAITING: [], NOT_GOING: []}
    for member_id, rsvp in rows:
        grouped[str(rsvp)].append(member_id)
    return Attendees(
        event,
        grouped[GOING],
        grouped[MAYBE],
        grouped[WAITING],
        len(grouped[NOT_GOING]),
        occurrence,
        key_start(event, occurrence),
    )
