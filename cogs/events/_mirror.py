"""The server's Events tab in step with our events: one native scheduled event per occurrence in a rolling window.

Run after a moderator changes an event, when the gateway is ready, and on every planner pass (which rolls the
window forward). Our tables say what should be listed; Discord's list says what is. A native event we made but
could not record (a crash between the two) is adopted by name and start instead of made twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import discord

from cogs._text import trim
from db.models.base import utcnow
from db.native_events import (
    DISCORD_EVENT_LIMIT,
    Listed,
    Listing,
    claim_listing,
    events_tab_state,
    forget_listing,
    record_listing,
)

if TYPE_CHECKING:
    from bot.client import CoalitionBot

log = logging.getLogger(__name__)

# Discord's limits for native scheduled events.
NAME_MAX, LOCATION_MAX, DESCRIPTION_MAX = 100, 100, 1000
LISTED = (discord.EventStatus.scheduled, discord.EventStatus.active)


class EventsTab:
    """Keeps each guild's native scheduled events matching our events' occurrences."""

    def __init__(self, bot: CoalitionBot, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.bot = bot
        self.clock = clock
        # One pass at a time: a command's pass and the planner's must not both create the same native event.
        self._lock = asyncio.Lock()

    @property
    def window(self) -> timedelta:
        return timedelta(days=self.bot.settings.events_tab_days)

    async def sync_all(self) -> None:
        """A pass over every guild the bot is in (planner tick and start)."""
        for guild in self.bot.guilds:
            if not guild.me.guild_permissions.manage_events:
                continue
            try:
                await self.sync(guild)
            except discord.HTTPException as error:
                log.warning("Events tab of guild %s not updated: %s", guild.id, error)

    async def sync(self, guild: discord.Guild, *, refresh: Iterable[int] = ()) -> int:
        """Create, move and cancel native events to match; `refresh` events are re-sent even if their times
        did not change (title or place did). Returns how many native events were created (Manage Events needed)."""
        async with self._lock:
            return await self._sync(guild, set(refresh), self.clock())

    async def _sync(self, guild: discord.Guild, refresh: set[int], now: datetime) -> int:
        natives = {native.id: native for native in await guild.fetch_scheduled_events()}
        wanted, listed = await self.bot.db.transaction(
            events_tab_state, guild_id=guild.id, now=now, until=now + self.window
        )
        taken = {row.discord_event_id for row in listed if row.discord_event_id is not None}
        others = sum(1 for native in natives.values() if native.id not in taken and native.status in LISTED)
        shown = wanted[: max(0, DISCORD_EVENT_LIMIT - others)]
        if len(shown) < len(wanted):
            log.warning("Events tab of guild %s full: %d occurrence(s) not listed", guild.id, len(wanted) - len(shown))
        by_key = {(row.event_id, row.original): row for row in listed}
        keep = {(listing.event_id, listing.original) for listing in shown}
        for row in listed:
            if (row.event_id, row.original) not in keep:
                await self._retire(guild, row, natives.get(row.discord_event_id or 0), now)
        created = 0
        for listing in shown:
            known = by_key.get((listing.event_id, listing.original))
            native = natives.get(known.discord_event_id or 0) if known is not None else None
            if known is not None and native is not None and not known.cancelled and native.status in LISTED:
                if listing.event_id in refresh or (known.start, known.end) != (listing.start, listing.end):
                    await native.edit(
                        name=_name(listing),
                        start_time=listing.start,
                        end_time=listing.end,
                        entity_type=discord.EntityType.external,
                        privacy_level=discord.PrivacyLevel.guild_only,
                        location=trim(listing.place, LOCATION_MAX),
                        description=trim(listing.description, DESCRIPTION_MAX),
                    )
                    await self._record(guild, listing, native.id)
                continue
            # Another instance may be making this one right now: only the holder of the claim creates it.
            replacing = known.discord_event_id if known is not None else None
            claimed = await self.bot.db.transaction(
                claim_listing, guild_id=guild.id, listing=listing, replacing=replacing, now=now
            )
            if not claimed:
                continue
            native = _adoptable(natives.values(), listing, self.bot.user, taken)
            if native is None:
                native = await guild.create_scheduled_event(
                    name=_name(listing),
                    start_time=listing.start,
                    end_time=listing.end,
                    entity_type=discord.EntityType.external,
                    privacy_level=discord.PrivacyLevel.guild_only,
                    location=trim(listing.place, LOCATION_MAX),
                    description=trim(listing.description, DESCRIPTION_MAX),
                )
                created += 1
            taken.add(native.id)
            await self._record(guild, listing, native.id)
        return created

    async def _retire(
        self, guild: discord.Guild, row: Listed, native: discord.ScheduledEvent | None, now: datetime
    ) -> None:
        """Cancel the native event of an occurrence no longer wanted; forget those that are over or gone."""
        if row.discord_event_id is None and row.end > now:
            return  # another instance is making it; the next pass retires it
        if native is None or row.end <= now:
            if native is not None and native.status in LISTED:
                await native.delete(reason="occurrence over")
            await self.bot.db.transaction(forget_listing, event_id=row.event_id, original=row.original)
            return
        if row.cancelled:
            return
        if native.status == discord.EventStatus.scheduled:
            await native.cancel(reason="occurrence cancelled or moved out of the window")
        await self.bot.db.transaction(
            record_listing,
            guild_id=guild.id,
            event_id=row.event_id,
            original=row.original,
            discord_event_id=native.id,
            start=row.start,
            end=row.end,
            cancelled=True,
        )

    async def _record(self, guild: discord.Guild, listing: Listing, discord_event_id: int) -> None:
        await self.bot.db.transaction(
            record_listing,
            guild_id=guild.id,
            event_id=listing.event_id,
            original=listing.original,
            discord_event_id=discord_event_id,
            start=listing.start,
            end=listing.end,
        )


def _name(listing: Listing) -> str:
    return trim(listing.title, NAME_MAX)


def _adoptable(
    natives: Iterable[discord.ScheduledEvent], listing: Listing, me: discord.ClientUser | None, taken: set[int]
) -> discord.ScheduledEvent | None:
    """A native event the bot made for this occurrence but never recorded (same name and start)."""
    for native in natives:
        if (
            me is not None
            and native.creator_id == me.id
            and native.id not in taken
            and native.status == discord.EventStatus.scheduled
            and native.name == _name(listing)
            and native.start_time == listing.start
        ):
            return native
    return None
