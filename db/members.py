"""Member preferences: the time zone each member reads and writes times in, and the language of their DMs."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import MemberPreference
from rules.timeparse import zone_named

# Discord's locale codes are short ("de", "es-419", "zh-TW"); anything longer is not one and is not kept.
LONGEST_LOCALE = 16


async def _preference(session: AsyncSession, member_id: int) -> MemberPreference:
    preference = await session.get(MemberPreference, member_id)
    if preference is None:
        preference = MemberPreference(member_id=member_id)
        session.add(preference)
    return preference


async def set_member_timezone(session: AsyncSession, *, member_id: int, zone: str, locale: str | None = None) -> str:
    """Remember a member's zone (validated, canonical spelling) and return it; their client's locale too."""
    canonical = zone_named(zone).key
    preference = await _preference(session, member_id)
    preference.timezone = canonical
    if locale is not None:
        preference.locale = locale[:LONGEST_LOCALE]
    await session.flush()
    return canonical


async def member_timezone(session: AsyncSession, *, member_id: int) -> str | None:
    """The zone a member chose with /timezone set, or None."""
    preference = await session.get(MemberPreference, member_id)
    return preference.timezone if preference else None


async def remember_locale(session: AsyncSession, *, member_id: int, locale: str) -> None:
    """Keep the Discord locale a member acted in, so the DMs they get later are in their language."""
    preference = await _preference(session, member_id)
    preference.locale = locale[:LONGEST_LOCALE]
    await session.flush()


async def member_locale(session: AsyncSession, *, member_id: int) -> str | None:
    """The Discord locale a member last acted in, or None (their DMs are then in English)."""
    preference = await session.get(MemberPreference, member_id)
    return preference.locale if preference else None
