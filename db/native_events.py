"""The Events tab: which occurrences should be listed as Discord native events, and which native event is which.

One native event per occurrence within a rolling window; the mapping (event, occurrence) → native event id is
kept so moves and skips edit or cancel the right one. Members who press Interested on a native event get the
event's reminders, as if they had asked with /event remind.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from db.events import KINDS, SCHEDULED, set_reminder_opt_in
from db.models import Event, EventAttendee, NativeEvent
from db.models.events import WHOLE_EVENT
from db.occurrences import event_occurrences
from rules.errors import DomainError
from rules.recurrence import RecurrenceError

log = logging.getLogger(__name__)

# Discord lists at most this many scheduled events per server.
DISCORD_EVENT_LIMIT = 100
# A claim to create a native event older than this belongs to a process that stopped mid-way.
STALE_LISTING_CLAIM = timedelta(minutes=2)


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
    # None while a process is creating it.
    discord_event_id: int | None
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
    row.claimed_at = None
    await session.flush()


async def claim_listing(
    session: AsyncSession,
    *,
    guild_id: int,
    listing: Listing,
    replacing: int | None,
    now: datetime,
    stale_after: timedelta = STALE_LISTING_CLAIM,
) -> bool:
    """Claim the right to create the native event of an occurrence, so two instances never both create one.

    `replacing`: the native event (cancelled or gone) whose row the new one takes over. A claim left by a
    process that stopped before recording what it created expires after `stale_after`.
    """
    key = (NativeEvent.event_id == listing.event_id, NativeEvent.original_start == listing.original)
    if replacing is not None:
        taken = await session.execute(
            update(NativeEvent)
            .where(*key, NativeEvent.discord_event_id == replacing)
            .values(discord_event_id=None, claimed_at=now, cancelled=False)
            .execution_options(synchronize_session=False)
        )
        return bool(taken.rowcount == 1)  # type: ignore[attr-defined]
    row = NativeEvent(
        event_id=listing.event_id,
        original_start=listing.original,
        guild_id=guild_id,
        discord_event_id=None,
        claimed_at=now,
        starts_at=listing.start,
        ends_at=listing.end,
        cancelled=False,
    )
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
        return True
    except IntegrityError:
        pass  # claimed already: by a live process (leave it), or by one that stopped (take it over)
    taken = await session.execute(
        update(NativeEvent)
        .where(*key, NativeEvent.discord_event_id.is_(None), NativeEvent.claimed_at <= now - stale_after)
        .values(claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(taken.rowcount == 1)  # type: ignore[attr-defined]


async def forget_listing(session: AsyncSession, *, event_id: int, original: datetime) -> None:
    """Drop the mapping of an occurrence's native event that is gone (deleted, or the occurrence is over)."""
    await session.execute(
        delete(NativeEvent).where(NativeEvent.event_id == event_id, NativeEvent.original_start == original)
    )


async def follow_interest(
    session: AsyncSession, *, discord_event_id: int, member_id: int, interested: bool, now: datetime
) -> Event | None:
    """Interested on a native event turns the member's DM reminders on; taking it back turns them off again,
    unless the member answered Going. None when the native event is not one of ours."""
    row = await session.scalar(select(NativeEvent).where(NativeEvent.discord_event_id == discord_event_id))
    if row is None:
        return None
    event = await session.get_one(Event, row.event_id)
    # A native event lists one occurrence: of a series, interest is in that occurrence only.
    occurrence = row.original_start if event.rrule else WHOLE_EVENT
    if interested:
        try:
            return await set_reminder_opt_in(
                session, event_id=row.event_id, member_id=member_id, on=True, now=now, occurrence=occurrence
            )
        except DomainError as error:  # cancelled or over meanwhile: nothing to remind of
            log.info("Interest in native event %s ignored: %s", discord_event_id, error.user_message)
            return None
    attendee = await session.get(EventAttendee, (row.event_id, occurrence, member_id))
    if attendee is not None and attendee.rsvp != "going":
        attendee.reminders, attendee.updated_at = False, now
        await session.flush()
    return event
