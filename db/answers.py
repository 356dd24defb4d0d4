"""A member's answer to an event, with what the announcement and the reply need to show afterwards."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from db.attendance import Attendees, occurrence_attendees, waiting_position
from db.events import set_rsvp
from db.models import Event, EventAttendee


@dataclass(frozen=True)
class Answered:
    event: Event
    counts: dict[str, int]
    attendee: EventAttendee
    attendees: Attendees
    # Where the member stands on the waiting list, when the event was full.
    waiting_position: int | None


async def answer_event(
    session: AsyncSession,
    *,
    event_id: int,
    member_id: int,
    choice: str,
    role_ids: Sequence[int],
    now: datetime,
    occurrence: str | None = None,
) -> Answered:
    """Record the answer (see `set_rsvp`), then read who is coming to that occurrence and where the member stands
    in line."""
    event, counts, attendee = await set_rsvp(
        session,
        event_id=event_id,
        member_id=member_id,
        choice=choice,
        now=now,
        role_ids=role_ids,
        occurrence=occurrence,
    )
    key = attendee.occurrence_start
    position = await waiting_position(session, event_id=event.id, member_id=member_id, occurrence=key)
    return Answered(event, counts, attendee, await occurrence_attendees(session, event=event, occurrence=key), position)
