"""Services on the event a member named (an autocomplete id or a title): find it, then act on it by id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from db.attendance import Attendees, occurrence_attendees
from db.events import (
    CancelledEvent,
    EventDetails,
    EventInput,
    SavedEvent,
    cancel_event,
    edit_event,
    event_details,
    find_event,
    set_reminder_opt_in,
)
from db.models import Event
from db.occurrences import occurrence_key
from db.reminders import ReminderStatus, reminder_statuses


async def edit_named_event(session: AsyncSession, *, key: str, fields: EventInput, now: datetime) -> SavedEvent:
    """Edit the event a moderator picked."""
    found = await find_event(session, key)
    return await edit_event(session, event_id=found.id, fields=fields, now=now)


async def cancel_named_event(session: AsyncSession, *, key: str, reason: str | None, now: datetime) -> CancelledEvent:
    """Cancel the event a moderator picked."""
    found = await find_event(session, key)
    return await cancel_event(session, event_id=found.id, reason=reason, now=now)


@dataclass
class EventOverview:
    details: EventDetails
    # How its reminders went; only for moderators, else None.
    reminders: list[ReminderStatus] | None
    attendees: Attendees


async def named_event_overview(
    session: AsyncSession,
    *,
    key: str,
    member_id: int,
    now: datetime,
    with_reminders: bool,
    occurrence: str | None = None,
) -> EventOverview:
    """The event a member picked, in full, with their answer and who is coming (of a series: to the occurrence
    typed, else the one under way or next), and its reminders' fate for moderators."""
    found = await find_event(session, key)
    answered = occurrence_key(found, occurrence, now=now)
    details = await event_details(session, event_id=found.id, member_id=member_id, now=now, occurrence=answered)
    statuses = await reminder_statuses(session, event_id=found.id) if with_reminders else None
    return EventOverview(details, statuses, await occurrence_attendees(session, event=found, occurrence=answered))


async def set_named_reminder_opt_in(
    session: AsyncSession, *, key: str, member_id: int, on: bool, now: datetime
) -> Event:
    """Turn a member's DM reminders on or off for the event they picked."""
    found = await find_event(session, key)
    return await set_reminder_opt_in(session, event_id=found.id, member_id=member_id, on=on, now=now)
