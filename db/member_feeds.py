"""A member's own secret calendar feed: the events they answered Going to, behind a link only they know.

Only the SHA-256 of the token is stored (see db/screens.py): the database cannot leak the link. Asking for a
new link replaces the old one; revoking deletes it. Part of /privacy export (that a feed exists, not the link)
and erased by /privacy forget.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from db.models import Event, EventAttendee
from db.models.attendance import MemberCalendarFeed
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


async def member_feed_events(session: AsyncSession, *, token: str, now: datetime) -> list[Event]:
    """The scheduled events the feed's member answered Going to, not yet over (an unknown token: NotFoundError)."""
    member_id = await session.scalar(
        select(MemberCalendarFeed.member_id).where(MemberCalendarFeed.token_hash == hash_token(token))
    )
    if member_id is None:
        raise NotFoundError("This calendar link does not exist (any more). Ask the bot for a new one.")
    rows = await session.scalars(
        select(Event)
        .options(selectinload(Event.host))
        .join(EventAttendee, EventAttendee.event_id == Event.id)
        .where(
            EventAttendee.member_id == member_id,
            EventAttendee.rsvp == "going",
            Event.status == "scheduled",
            or_(Event.series_ends_at.is_(None), Event.series_ends_at > now),
        )
        .order_by(Event.starts_at, Event.id)
        .limit(FEED_LIMIT)
    )
    return list(rows.all())


async def member_feed_export(session: AsyncSession, *, member_id: int) -> dict[str, str] | None:
    """For /privacy export: that the member has a feed and since when (the link itself is not stored)."""
    feed = await session.get(MemberCalendarFeed, member_id)
    return {"created_at": feed.created_at.isoformat()} if feed else None
