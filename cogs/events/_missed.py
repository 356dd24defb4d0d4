"""After a restart: one summary per channel of the reminders missed while the bot was down, for moderators.

Registered with the reminder timer when the events feature loads; the timer hands over plain counts.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import discord

from db.missed import STARTED, SUPERSEDED, ChannelCatchUp, MissedWhileDown
from rules.i18n import N_, translate, translate_plural

if TYPE_CHECKING:
    from bot.client import CoalitionBot

log = logging.getLogger(__name__)

SKIP_REASONS = {
    STARTED: N_("because the event had started"),
    SUPERSEDED: N_("because a later reminder of the same event went out instead"),
}
UNKNOWN_REASON = N_("(see /event show)")


def offline_span(first_due: datetime, back_at: datetime) -> str:
    """14:02–14:20 UTC; with the dates when the bot was down across midnight."""
    start, end = first_due.astimezone(UTC), back_at.astimezone(UTC)
    if start.date() == end.date():
        return f"{start:%H:%M}–{end:%H:%M} UTC"
    return f"{start:%-d %b %H:%M} – {end:%-d %b %H:%M} UTC"


def missed_summary(
    channel_id: int | None,
    tally: ChannelCatchUp,
    *,
    first_due: datetime,
    back_at: datetime,
    language: str | None = None,
) -> str:
    """Offline 14:02–14:20 UTC: 3 reminders sent late, 1 skipped because the event had started."""
    parts = (
        [translate_plural(language, "{count} reminder sent late", "{count} reminders sent late", tally.sent_late)]
        if tally.sent_late
        else []
    )
    for reason, count in sorted(tally.skipped.items()):
        why = translate(language, SKIP_REASONS.get(reason, UNKNOWN_REASON))
        parts.append(
            translate(language, "{count} skipped {reason}", count=count, reason=why)
            if parts
            else translate_plural(
                language, "{count} reminder skipped {reason}", "{count} reminders skipped {reason}", count, reason=why
            )
        )
    span = offline_span(first_due, back_at)
    if channel_id:
        return translate(
            language,
            "⏱️ Offline {span} in {channel}: {parts}.",
            span=span,
            channel=f"<#{channel_id}>",
            parts=", ".join(parts),
        )
    return translate(language, "⏱️ Offline {span}: {parts}.", span=span, parts=", ".join(parts))


class MissedReporter:
    """Posts the summary in the moderators' channel (MODERATOR_CHANNEL_ID), else in the channel it is about."""

    def __init__(self, bot: CoalitionBot) -> None:
        self.bot = bot

    async def post(self, missed: MissedWhileDown) -> None:
        for channel_id, tally in missed.channels.items():
            destination = self.bot.settings.moderator_channel_id or channel_id
            if destination is None:
                continue
            text = missed_summary(
                channel_id,
                tally,
                first_due=missed.first_due,
                back_at=missed.back_at,
                language=self.bot.settings.server_language,
            )
            try:
                await self.bot.get_partial_messageable(destination).send(text)
            except discord.HTTPException as error:
                log.warning("Could not post the missed-reminders summary in %s: %s", destination, error)
