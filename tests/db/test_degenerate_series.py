"""A series stored with a rule the bot will not expand costs that series only; planning and listing go on."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.events import EventInput, create_event, event_details, list_upcoming_events
from db.models import Event, Reminder
from db.reminders import extend_reminder_plans

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
MODERATOR = 900000000000000001


def stored_series(rule: str, title: str, *, starts_in: timedelta = timedelta(days=1)) -> Event:
    """A row the way a bot without rule checks stored it."""
    start = NOW + starts_in
    return Event(
        guild_id=1,
        title=title,
        kind="webinar",
        description="",
        timezone="Europe/Brussels",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        rrule=rule,
        reminder_offsets=[3600],
        status="scheduled",
        created_by=MODERATOR,
        created_at=NOW,
        updated_at=NOW,
    )


async def test_planner_skips_degenerate_series_and_plans_the_good_one(session: AsyncSession) -> None:
    bad = [
        # Started before now: expanding INTERVAL=0 from there never reaches now, which hung the planner.
        stored_series("FREQ=DAILY;INTERVAL=0", "Zero interval", starts_in=timedelta(days=-3)),
        stored_series("FREQ=DAILY;INTERVAL=-1", "Negative interval"),
        stored_series("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "Thirtieth of February"),
    ]
    session.add_all(bad)
    saved = await create_event(
        session,
        guild_id=1,
        author_id=MODERATOR,
        fields=EventInput(title="Weekly open meeting", kind="open_meeting", start="2027-03-03 10:00", repeat="weekly"),
        default_zone="Europe/Brussels",
        now=NOW,
    )
    await session.flush()
    await asyncio.wait_for(extend_reminder_plans(session, now=NOW + timedelta(days=30)), timeout=5)
    planned = set((await session.scalars(select(Reminder.event_id).distinct())).all())
    assert planned == {saved.event.id}
    assert all(event.planned_until is not None for event in bad), "skipped series are not retried every tick"

    upcoming = await asyncio.wait_for(list_upcoming_events(session, now=NOW), timeout=5)
    assert [item.event.title for item in upcoming] == ["Weekly open meeting"]
    details = await event_details(session, event_id=bad[0].id, member_id=MODERATOR, now=NOW)
    assert details.next_start is None
    assert details.series_problem is not None and "INTERVAL=0 is out of range" in details.series_problem
