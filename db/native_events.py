"""The Events tab: which occurrences should be listed as Discord native events, and which native event is which.

One native event per occurrence within a rolling window; the mapping (event, occurrence) → native event id is
kept so moves and skips edit or cancel the right one. Members who press Interested on a native event get the
event's reminders, as if they had asked with /event remind.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.events import KINDS, SCHEDULED, set_reminder_opt_in
from db.models import Event, EventAttendee, NativeEvent
from db.occurrences import event_occurrences
from rules.errors import DomainError
from rules.recurrence import RecurrenceError

log = logging.getLogger(__name__)

# Discord lists at most this many scheduled events per server.
DISCORD_EVENT_LIMIT = 100


@dataclass(frozen=True)
class Listing:
    """An occurrence the Events tab should show."""

    event_id: int
    original: datetime
    start: datetime
    end: datetime
    title: str
    place: str
    description: str


@dataclass(frozen=True)
class Listed:
    """A native event the bot made for an occurrence, as it was last set."""

    event_id: int
    original: datetime
    discord_event_id: int
    start: datetime
    end: datetime
    cancelled: bool


async def events_tab_state(
    session: AsyncSession, *, guild_id: int, now: datetime, until: datetime
) -> tuple[list[Listing], list[Listed]]:
    """Occurrences under way or starting before `until` (soonest first), and the native events already made."""
    events = (
        await session.scalars(
            select(Event).where(
                Event.guild_id == guild_id,
                Event.status == SCHEDULED,
                or_(Event.series_ends_at.is_(None), Event.series_ends_at > now),
            )
        )
    ).all()
    wanted = []
    for event in events:
        try:
            found = event_occurrences(
                event, after=now - (event.ends_at - event.starts_at), before=until, limit=DISCORD_EVENT_LIMIT
            )
        except RecurrenceError as error:
            log.warning("Series %s not listed in the Events tab: %s", event.id, error.user_message)
            continue
        place = event.location or event.url or "See the announcement"
        description = event.description or KINDS.get(event.kind, event.kind)
        wanted += [
            Listing(event.id, o.original, o.start, o.end, event.title, place, description) for o in found if o.end > now
        ]
    wanted.sort(key=lambda listing: (listing.start, listing.event_id))
    rows = (await session.scalars(select(NativeEvent).where(NativeEvent.guild_id == guild_id))).all()
    listed = [
        Listed(row.event_id, row.original_start, row.discord_event_id, row.starts_at, row.ends_at, row.cancelled)
        for row in rows
    ]
    return wanted, listed


async def record_listing(
    session: AsyncSession,
    *,
    guild_id: int,
    event_id: int,
    original: datetime,
    discord_event_id: int,
    start: datetime,
    end: datetime,
    cancelled: bool = False,
) -> None:
    """Remember (or update) the native event listing an occurrence."""
    row = await session.get(NativeEvent, (event_id, original))
    if row is None:
        row = NativeEvent(event_id=event_id, original_start=original, guild_id=guild_id)
        session.add(row)
    row.discord_event_id, row.starts_at, row.ends_at, row.cancelled = discord_event_id, start, end, cancelled
    await session.flush()


async def forget_listing(session: AsyncSession, *, discord_event_id: int) -> None:
    """Drop the mapping of a native event that is gone (deleted, or its occurrence is over)."""
    await session.execute(delete(NativeEvent).where(NativeEvent.discord_event_id == discord_event_id))


async def follow_interest(
    session: AsyncSession, *, discord_event_id: int, member_id: int, interested: bool, now: datetime
) -> Event | None:
    """Interested on a native event turns the member's DM reminders on; taking it back turns them off again,
    unless the member answered Going. None when the native event is not one of ours."""
    row = await session.scalar(select(NativeEvent).where(NativeEvent.discord_event_id == discord_event_id))
    if row is None:
        return None
    if interested:
        try:
            return await set_reminder_opt_in(session, event_id=row.event_id, member_id=member_id, on=True, now=now)
        except DomainError as error:  # cancelled or over meanwhile: nothing to remind of
            log.info("Interest in native event %s ignored: %s", discord_event_id, error.user_message)
            return None
    attendee = await session.get(EventAttendee, (row.event_id, member_id))
    if attendee is not None and attendee.rsvp != "going":
        attendee.reminders, attendee.updated_at = False, now
        await session.flush()
    return await session.get(Event, row.event_id)
