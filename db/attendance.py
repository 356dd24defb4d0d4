"""Who may answer an event and who is coming: capacity with a waiting list, RSVP cut-off and role, attendee lists."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Event, EventAttendee
from db.notices import MOVED_UP, plan_notices
from rules.errors import ConflictError, InvalidInputError
from rules.i18n import Written
from rules.recurrence import RecurrenceError
from rules.timeparse import format_offset, occurrences, parse_offsets, parse_time

GOING, MAYBE, NOT_GOING, WAITING = "going", "maybe", "not_going", "waiting"
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


def check_may_answer(event: Event, *, choice: str, role_ids: Sequence[int], now: datetime) -> None:
    """Refuse Going or Maybe after the cut-off or without the event's role; Not going is always accepted."""
    if choice == NOT_GOING:
        return
    if event.rsvp_role_id is not None and event.rsvp_role_id not in role_ids:
        raise ConflictError(
            "Answers to “{title}” are open to members with the <@&{role_id}> role only. "
            "Ask a moderator if you should have it.",
            title=event.title,
            role_id=event.rsvp_role_id,
        )
    start = _next_start(event, now)
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


async def going_count(session: AsyncSession, *, event_id: int) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(EventAttendee)
        .where(EventAttendee.event_id == event_id, EventAttendee.rsvp == GOING)
    )
    return int(count or 0)


async def record_answer(
    session: AsyncSession, *, event: Event, attendee: EventAttendee, choice: str, now: datetime
) -> list[int]:
    """Store an answer: Going beyond the capacity waits in line; a freed seat moves the first in line up.

    Returns the notices planned for members moved up.
    """
    previous = attendee.rsvp
    if choice == GOING and previous not in (GOING,):
        full = event.capacity is not None and await going_count(session, event_id=event.id) >= event.capacity
        if full:
            attendee.rsvp = WAITING
            attendee.waiting_since = attendee.waiting_since if previous == WAITING else now
            attendee.reminders = False
            attendee.updated_at = now
            await session.flush()
            return []
    attendee.rsvp = choice
    attendee.waiting_since = None
    if choice != MAYBE:
        attendee.reminders = choice == GOING
    attendee.updated_at = now
    await session.flush()
    return await move_up_waiting(session, event=event, now=now) if previous == GOING and choice != GOING else []


async def move_up_waiting(session: AsyncSession, *, event: Event, now: datetime) -> list[int]:
    """Give free seats to the first in line (Going, DM reminders on); plan a notice to each one moved up."""
    free = None if event.capacity is None else event.capacity - await going_count(session, event_id=event.id)
    if free is not None and free <= 0:
        return []
    statement = (
        select(EventAttendee)
        .where(EventAttendee.event_id == event.id, EventAttendee.rsvp == WAITING)
        .order_by(EventAttendee.waiting_since, EventAttendee.member_id)
    )
    if free is not None:
        statement = statement.limit(free)
    moved = list((await session.scalars(statement)).all())
    for attendee in moved:
        attendee.rsvp, attendee.waiting_since, attendee.reminders, attendee.updated_at = GOING, None, True, now
    await session.flush()
    start = _next_start(event, now) or event.starts_at
    return await plan_notices(
        session,
        event_id=event.id,
        member_ids=[attendee.member_id for attendee in moved],
        kind=MOVED_UP,
        details={"start": start.isoformat()},
        now=now,
    )


async def waiting_position(session: AsyncSession, *, event_id: int, member_id: int) -> int | None:
    """Where a member stands on the waiting list (1 is next), or None when they are not on it."""
    order = await session.scalars(
        select(EventAttendee.member_id)
        .where(EventAttendee.event_id == event_id, EventAttendee.rsvp == WAITING)
        .order_by(EventAttendee.waiting_since, EventAttendee.member_id)
    )
    members = list(order.all())
    return members.index(member_id) + 1 if member_id in members else None


@dataclass(frozen=True)
class Attendees:
    """Who answered an event, in the order they answered (the waiting list in its own order)."""

    event: Event
    going: list[int]
    maybe: list[int]
    waiting: list[int]
    not_going: int = 0

    def counts(self) -> dict[str, int]:
        """How many gave each answer, as the announcement shows them."""
        return {
            GOING: len(self.going),
            MAYBE: len(self.maybe),
            NOT_GOING: self.not_going,
            WAITING: len(self.waiting),
        }


async def event_attendees(session: AsyncSession, *, event_id: int) -> Attendees:
    """The members going, maybe coming and waiting for a seat."""
    event = await session.get_one(Event, event_id)
    rows = await session.execute(
        select(EventAttendee.member_id, EventAttendee.rsvp)
        .where(EventAttendee.event_id == event_id, EventAttendee.rsvp.is_not(None))
        .order_by(EventAttendee.waiting_since, EventAttendee.updated_at, EventAttendee.member_id)
    )
    grouped: dict[str, list[int]] = {GOING: [], MAYBE: [], WAITING: [], NOT_GOING: []}
    for member_id, rsvp in rows:
        grouped[str(rsvp)].append(member_id)
    return Attendees(event, grouped[GOING], grouped[MAYBE], grouped[WAITING], len(grouped[NOT_GOING]))
