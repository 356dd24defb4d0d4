"""Member preferences: the time zone each member reads and writes times in."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import MemberPreference
from rules.timeparse import zone_named


async def set_member_timezone(session: AsyncSession, *, member_id: int, zone: str) -> str:
    """Remember a member's zone (validated, canonical spelling) and return it."""
    canonical = zone_named(zone).key
    preference = await session.get(MemberPreference, member_id)
    if preference is None:
        session.add(MemberPreference(member_id=member_id, timezone=canonical))
    else:
        preference.timezone = canonical
    await session.flush()
    return canonical


async def member_timezone(session: AsyncSession, *, member_id: int) -> str | None:
    """The zone a member chose with /timezone set, or None."""
    preference = await session.get(MemberPreference, member_id)
    return preference.timezone if preference else None
