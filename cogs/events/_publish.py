"""The Discord side of an event a moderator saved: its announcement (in the server's language) and its entry in
the server's Events tab; notes on how that went for the moderator's reply (in the moderator's language)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot.i18n import for_member
from cogs.events._embeds import event_card
from cogs.events._mirror import EventsTab
from cogs.events._views import event_view, refresh_announcement
from db.attendance import event_attendees
from db.events import next_occurrence, record_announcement
from db.models import Event
from db.models.base import utcnow

if TYPE_CHECKING:
    from bot.client import CoalitionBot

log = logging.getLogger(__name__)


class Publisher:
    """Posts or updates an event's announcement and keeps the Events tab in step."""

    def __init__(self, bot: CoalitionBot, tab: EventsTab) -> None:
        self.bot = bot
        self.tab = tab

    async def publish(self, interaction: discord.Interaction, event: Event) -> list[str]:
        """Post or update the announcement and the native scheduled event; return notes for the reply."""
        notes = []
        if event.announcement_message_id:
            if not await refresh_announcement(self.bot, event):
                notes.append(
                    for_member(
                        interaction, "⚠️ I could not update the announcement message (deleted, or I lost access)."
                    )
                )
        elif event.status == "scheduled":
            notes.append(await self.announce(interaction, event))
        notes += await self.mirror(interaction, event)
        return [note for note in notes if note]

    async def announce(self, interaction: discord.Interaction, event: Event) -> str:
        """Post the announcement in the server's language; the note for the moderator is in theirs."""
        channel_id = event.channel_id or self.bot.settings.announce_channel_id
        if not channel_id:
            return for_member(interaction, "⚠️ Not announced: pick a channel, or set ANNOUNCE_CHANNEL_ID.")
        # A series carried on after a split already has the later dates' answers.
        attendees = await self.bot.db.transaction(event_attendees, event_id=event.id, now=utcnow(), answering=True)
        counts, language = attendees.counts(), self.bot.settings.server_language
        shown = attendees.starts_at or next_occurrence(event, utcnow())
        card = event_card(event, counts=counts, next_start=shown, going=attendees.going, language=language)
        try:
            message = await self.bot.get_partial_messageable(channel_id).send(
                embed=card, view=event_view(event, counts, language)
            )
        except discord.HTTPException as error:
            log.warning("Could not announce event %s in %s: %s", event.id, channel_id, error)
            return for_member(
                interaction,
                "⚠️ Not announced: I can't post in {channel} (I need Send Messages and Embed Links there).",
                channel=f"<#{channel_id}>",
            )
        await self.bot.db.transaction(
            record_announcement, event_id=event.id, channel_id=channel_id, message_id=message.id
        )
        event.announcement_channel_id, event.announcement_message_id = channel_id, message.id
        return for_member(interaction, "📣 Announced in {channel}.", channel=f"<#{channel_id}>")

    async def mirror(self, interaction: discord.Interaction, event: Event) -> list[str]:
        """Keep Discord's own Events tab in step; without Manage Events, everything else still works."""
        guild = interaction.guild
        if guild is None:
            return []
        if not interaction.app_permissions.manage_events:
            if event.status == "cancelled":
                return []
            return [
                for_member(
                    interaction,
                    "ℹ️ Not listed in the server's Events tab: I need the Manage Events permission for that.",
                )
            ]
        try:
            created = await self.tab.sync(guild, refresh=[event.id])
        except discord.HTTPException as error:
            log.warning("Could not bring the Events tab in step with event %s: %s", event.id, error)
            return [
                for_member(
                    interaction,
                    "⚠️ The server's Events tab could not be updated (Discord said {status}).",
                    status=error.status,
                )
            ]
        return [for_member(interaction, "📅 Listed in the server's Events tab.")] if created else []
