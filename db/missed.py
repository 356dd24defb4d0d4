"""Reminders the bot missed while it was down: which were overdue at start, and how each one ended.

The timer (bot/scheduler.py) notes the overdue reminders when it starts and, once it has handled them all,
reads their fate here and hands it to whoever registered for it (the events feature writes the summary).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Event, Reminder
from db.reminders import CANCELLED, PENDING, SKIPPED

# Why a missed reminder was not sent, as the summary groups them (from the notes db/deliveries.py writes).
STARTED, SUPERSEDED, OTHER = "started", "superseded", "other"
# Due this long before the timer started: missed while the bot was down, not merely due during the start.
MISSED_AFTER = timedelta(minutes=1)


def _skip_reason(note: str) -> str:
    if note.startswith("missed"):
        return STARTED
    return SUPERSEDED if note.startswith("superseded") else OTHER


async def overdue_reminders(session: AsyncSession, *, now: datetime, limit: int) -> list[tuple[int, datetime]]:
    """(id, due time) of the (first `limit`) reminders still pending that fell due while the bot was down."""
    rows = await session.execute(
        select(Reminder.id, Reminder.due_at)
        .where(Reminder.status == PENDING, Reminder.due_at <= now - MISSED_AFTER)
        .order_by(Reminder.due_at, Reminder.id)
        .limit(limit)
    )
    return [(reminder_id, due_at) for reminder_id, due_at in rows]


@dataclass
class ChannelCatchUp:
    """How the missed reminders of one channel ended: sent late, or skipped (with the reason)."""

    sent_late: int = 0
    skipped: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class MissedWhileDown:
    """What the bot found overdue when it started, per channel (None: reminders with no channel to post in)."""

    first_due: datetime
    back_at: datetime
    channels: dict[int | None, ChannelCatchUp]


async def missed_outcomes(
    session: AsyncSession,
    *,
    reminder_ids: list[int],
    first_due: datetime,
    back_at: datetime,
    fallback_channel_id: int | None,
) -> MissedWhileDown:
    """How the overdue reminders ended, per channel; a reminder cancelled meanwhile is left out."""
    rows = await session.execute(
        select(Reminder.status, Reminder.note, Event.channel_id, Event.announcement_channel_id)
        .join(Event, Event.id == Reminder.event_id)
        .where(Reminder.id.in_(reminder_ids), Reminder.status.not_in((PENDING, CANCELLED)))
    )
    channels: dict[int | None, ChannelCatchUp] = {}
    for status, note, channel_id, announced_in in rows:
        tally = channels.setdefault(channel_id or announced_in or fallback_channel_id, ChannelCatchUp())
        if status == SKIPPED:
            reason = _skip_reason(note or "")
            tally.skipped[reason] = tally.skipped.get(reason, 0) + 1
        else:
            tally.sent_late += 1
    return MissedWhileDown(first_due, back_at, channels)
