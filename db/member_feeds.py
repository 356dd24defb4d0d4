"""A member's own secret calendar feed: the events (of a series, the occurrences) they answered Going to, behind
a link only they know.

Only the SHA-256 of the token is stored (see db/screens.py): the database cannot leak the link. Asking for a
new link replaces the old one; revoking deletes it. Part of /privacy export (that a feed exists, not the link)
and erased by /privacy forget.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from db.models import Event, EventAttendee
from db.models.attendance import MemberCalendarFeed
from db.models.events import WHOLE_EVENT
from db.occurrences import current_start, exceptions_of
from db.screens import hash_token
from rules.errors import NotFoundError

TOKEN_BYTES = 32
FEED_LIMIT = 500


async def open_member_feed(session: AsyncSession, *, member_id: int, now: datetime) -> str:
    """A new secret feed token for the member; any link given before stops working."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    await session.execute(delete(MemberCalendarFeed).where(MemberCalendarFeed.member_id == member_id))
    session.add(MemberCalendarFeed(member_id=member_id, token_hash=hash_token(token), created_at=now))
    await session.flush()
    return token


async def revoke_member_feed(session: AsyncSession, *, member_id: int) -> bool:
    """Stop the member's feed link; False when they had none."""
    result = await session.execute(delete(MemberCalendarFeed).where(MemberCalendarFeed.member_id == member_id))
    return bool(result.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class MemberFeed:
    """What a member's feed lists: whole one-off events, and of each series the occurrences they go to."""

    events: list[Event]
    # Series id -> the rule's starts of the occurrences the member answered Going to, not yet over.
    occurrences: dict[int, list[datetime]]


async def member_feed_events(session: AsyncSession, *, token: str, now: datetime) -> MemberFeed:
    """The scheduled events the feed's member answered Going to, not yet over (an unknown token: NotFoundError)."""
    member_id = await session.scalar(
        select(MemberCalendarFeed.member_id).where(MemberCalendarFeed.token_hash == hash_token(token))
    )
    if member_id is None:
        raise NotFoundError("This calendar link does not exist (any more). Ask the bot for a new one.")
    rows = await session.execute(
        select(Event, EventAttendee.occurrence_start)
        .options(selectinload(Event.host))
        .join(EventAttendee, EventAttendee.event_id == Event.id)
        .where(
            EventAttendee.member_id == member_id,
            EventAttendee.rsvp == "going",
            Event.status == "scheduled",
            or_(Event.series_ends_at.is_(None), Event.series_ends_at > now),
        )
        .order_by(Event.starts_at, Event.id, EventAttendee.occurrence_start)
        .limit(FEED_LIMIT)
    )
    events: dict[int, Event] = {}
    occurrences: dict[int, list[datetime]] = {}
    for event, key in rows:
        if key == WHOLE_EVENT:
            events[event.id] = event
        elif key not in exceptions_of(event).skipped and current_start(event, key) + _length(event) > now:
            events[event.id] = event
            occurrences.setdefault(event.id, []).append(key)
    return MemberFeed(list(events.values()), occurrences)


def _length(event: Event) -> timedelta:
    return event.ends_at - event.starts_at


async def member_feed_export(session: AsyncSession, *, member_id: int) -> dict[str, str] | None:
    """For /privacy export: that the member has a feed and since when (the link itself is not stored)."""
    feed = await session.get(MemberCalendarFeed, member_id)
    return {"created_at": feed.created_at.isoformat()} if feed else None
