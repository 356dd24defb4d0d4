"""Notices to members about an event they answered: it moved, changed place, was cancelled, or they got a seat.

One row per member and change, written in the transaction that made the change. Sending claims the row
(`pending` → `sending`, committed) before the DM goes out and records the outcome after. A row still `sending`
after a crash is never sent again: it becomes `unconfirmed`. At most once per member and change is the policy,
as for reminders: a notice must never arrive twice. A member who turned event notices off (/event notices) gets
none: they are left out when the notices are planned, and counted for the moderator.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.members import member_locale
from db.models import Event, EventAttendee, MemberPreference
from db.models.attendance import EventNotice
from db.models.events import WHOLE_EVENT
from db.occurrences import current_start, exceptions_of

CHANGED, CANCELLED, MOVED_UP = "changed", "cancelled", "moved_up"
PENDING, SENDING, SENT, SKIPPED, FAILED, UNCONFIRMED = "pending", "sending", "sent", "skipped", "failed", "unconfirmed"
# What a change notice compares, before and after: the time and the place.
NOTICED_FIELDS = ("start", "end", "location", "url")
# A notice claimed longer ago than this without an outcome belongs to a process that died mid-send.
STALE_CLAIM = timedelta(minutes=5)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def notice_snapshot(event: Event, start: datetime) -> dict[str, str | None]:
    """The time and place of an event as a change notice shows them (instants in ISO, UTC)."""
    return {
        "start": _iso(start),
        "end": _iso(start + (event.ends_at - event.starts_at)),
        "location": event.location,
        "url": event.url,
    }


async def answered_members(session: AsyncSession, *, event: Event, now: datetime) -> list[int]:
    """Members who answered Going or Maybe (or wait for a seat): those a change of the whole event concerns. Of a
    series: those who answered an occurrence that is still held and not yet over."""
    rows = await session.execute(
        select(EventAttendee.member_id, EventAttendee.occurrence_start).where(
            EventAttendee.event_id == event.id, EventAttendee.rsvp.in_(("going", "maybe", "waiting"))
        )
    )
    duration, skipped = event.ends_at - event.starts_at, exceptions_of(event).skipped
    members = {
        member_id
        for member_id, answered in rows
        if answered == WHOLE_EVENT or (answered not in skipped and current_start(event, answered) + duration > now)
    }
    return sorted(members)


@dataclass
class PlannedNotices:
    """The notices written, and how many members were left out because they turned event notices off."""

    ids: list[int] = field(default_factory=list)
    opted_out: int = 0

    def __iadd__(self, other: PlannedNotices) -> PlannedNotices:
        self.ids += other.ids
        self.opted_out += other.opted_out
        return self


async def notices_off(session: AsyncSession, *, member_ids: list[int]) -> set[int]:
    """Those of these members who asked for no event notices."""
    if not member_ids:
        return set()
    rows = await session.scalars(
        select(MemberPreference.member_id).where(
            MemberPreference.member_id.in_(member_ids), MemberPreference.event_notices.is_(False)
        )
    )
    return set(rows.all())


async def plan_notices(
    session: AsyncSession, *, event_id: int, member_ids: list[int], kind: str, details: dict[str, Any], now: datetime
) -> PlannedNotices:
    """Write one pending notice per member who did not turn notices off, in the caller's transaction."""
    off = await notices_off(session, member_ids=member_ids)
    notices = [
        EventNotice(event_id=event_id, member_id=member, kind=kind, details=details, status=PENDING, created_at=now)
        for member in member_ids
        if member not in off
    ]
    session.add_all(notices)
    await session.flush()
    return PlannedNotices([notice.id for notice in notices], len(off))


async def plan_change_notices(
    session: AsyncSession, *, event: Event, before: dict[str, str | None], after: dict[str, str | None], now: datetime
) -> PlannedNotices:
    """Tell Going and Maybe members when the time or the place changed; nothing when neither did."""
    if all(before[name] == after[name] for name in NOTICED_FIELDS):
        return PlannedNotices()
    members = await answered_members(session, event=event, now=now)
    details = {"before": before, "after": after}
    return await plan_notices(session, event_id=event.id, member_ids=members, kind=CHANGED, details=details, now=now)


@dataclass(frozen=True)
class NoticeClaim:
    """A notice this process has claimed and must now send, once."""

    id: int
    event_id: int
    title: str
    member_id: int
    kind: str
    details: dict[str, Any]
    # The Discord locale the member last acted in (None: English).
    locale: str | None = None


async def sendable_notices(
    session: AsyncSession, *, now: datetime, event_id: int | None = None, stale_after: timedelta = STALE_CLAIM
) -> list[int]:
    """Pending notices (of one event, or all), oldest first; claims of dead processes become `unconfirmed`."""
    await session.execute(
        update(EventNotice)
        .where(EventNotice.status == SENDING, EventNotice.claimed_at <= now - stale_after)
        .values(status=UNCONFIRMED, finished_at=now, error="claimed, then the bot stopped before recording the outcome")
        .execution_options(synchronize_session=False)
    )
    statement = select(EventNotice.id).where(EventNotice.status == PENDING)
    if event_id is not None:
        statement = statement.where(EventNotice.event_id == event_id)
    return list((await session.scalars(statement.order_by(EventNotice.created_at, EventNotice.id))).all())


async def claim_notice(session: AsyncSession, *, notice_id: int, now: datetime) -> NoticeClaim | None:
    """Claim one notice for sending; None when another process has it (or had it)."""
    claimed = await session.execute(
        update(EventNotice)
        .where(EventNotice.id == notice_id, EventNotice.status == PENDING)
        .values(status=SENDING, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return None
    row = (
        await session.execute(
            select(EventNotice, Event.title)
            .join(Event, Event.id == EventNotice.event_id)
            .where(EventNotice.id == notice_id)
        )
    ).one()
    notice, title = row
    locale = await member_locale(session, member_id=notice.member_id)
    return NoticeClaim(
        notice.id, notice.event_id, title, notice.member_id, notice.kind, dict(notice.details), locale=locale
    )


async def record_notice(
    session: AsyncSession, *, notice_id: int, status: str, error: str | None, now: datetime
) -> None:
    """Record how a claimed notice went: sent, skipped (DMs closed) or failed."""
    await session.execute(
        update(EventNotice)
        .where(EventNotice.id == notice_id, EventNotice.status == SENDING)
        .values(status=status, finished_at=now, error=error)
        .execution_options(synchronize_session=False)
    )


# --- members' data rights ---------------------------------------------------------------------------------


async def member_notices(session: AsyncSession, *, member_id: int) -> list[dict[str, Any]]:
    """The notices sent (or planned) to a member, for /privacy export."""
    rows = await session.execute(
        select(EventNotice, Event.title)
        .join(Event, Event.id == EventNotice.event_id)
        .where(EventNotice.member_id == member_id)
        .order_by(EventNotice.created_at, EventNotice.id)
    )
    return [
        {
            "event": {"id": notice.event_id, "title": title},
            "kind": notice.kind,
            "details": notice.details,
            "status": notice.status,
            "created_at": _iso(notice.created_at),
        }
        for notice, title in rows
    ]


async def set_event_notices(session: AsyncSession, *, member_id: int, on: bool, now: datetime) -> None:
    """Turn a member's DMs about changed, cancelled and moved-up events on or off."""
    preference = await session.get(MemberPreference, member_id)
    if preference is None:
        preference = MemberPreference(member_id=member_id, timezone=None)
        session.add(preference)
    preference.event_notices = on
    preference.updated_at = now
    await session.flush()


async def forget_member_notices(session: AsyncSession, *, member_id: int) -> int:
    """Delete every notice to a member, pending ones included, so none reaches them after /privacy forget."""
    result = await session.execute(delete(EventNotice).where(EventNotice.member_id == member_id))
    return int(result.rowcount)  # type: ignore[attr-defined]
