"""What a moderator typed into /event-admin create and edit, reduced to the plain values the services take."""

from __future__ import annotations

import discord
from discord import app_commands

from db.events import EventInput


def event_input(
    *,
    kind: app_commands.Choice[str] | None,
    channel: discord.TextChannel | None,
    ping_role: discord.Role | None,
    rsvp_role: discord.Role | None,
    count: int | None = None,
    **typed: str | None,
) -> EventInput:
    """What the moderator typed, with Discord objects reduced to the ids the services take."""
    return EventInput(
        kind=kind.value if kind else None,
        channel_id=channel.id if channel else None,
        ping_role_id=ping_role.id if ping_role else None,
        count=count,
        # @everyone opens answers to every member again.
        rsvp_role_id=None if rsvp_role is None else 0 if rsvp_role.is_default() else rsvp_role.id,
        **typed,
    )
