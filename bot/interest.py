"""Members marking a native scheduled event Interested, reported as plain ids whether or not they are cached.

discord.py drops GUILD_SCHEDULED_EVENT_USER_ADD/REMOVE when the member is not in its cache, which without the
privileged members intent is nearly always. So the bot also dispatches `scheduled_event_interest` with the ids
from the payload; the events feature listens for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import discord

INTEREST_EVENTS = {"GUILD_SCHEDULED_EVENT_USER_ADD": True, "GUILD_SCHEDULED_EVENT_USER_REMOVE": False}


@dataclass(frozen=True)
class ScheduledEventInterest:
    """A member pressed (or took back) Interested on a native scheduled event."""

    guild_id: int
    scheduled_event_id: int
    user_id: int
    interested: bool


def report_interest(client: discord.Client) -> None:
    """Make the client dispatch `scheduled_event_interest` for every Interested pressed or taken back."""
    parsers: dict[str, Callable[[Any], None]] = client._connection.parsers
    for name, interested in INTEREST_EVENTS.items():
        parsers[name] = _reporting(client, parsers[name], interested)


def _reporting(client: discord.Client, parse: Callable[[Any], None], interested: bool) -> Callable[[Any], None]:
    def parse_and_report(data: Any) -> None:
        parse(data)  # discord.py's own bookkeeping of its cache, when it knows the member
        interest = ScheduledEventInterest(
            int(data["guild_id"]), int(data["guild_scheduled_event_id"]), int(data["user_id"]), interested
        )
        client.dispatch("scheduled_event_interest", interest)

    return parse_and_report
