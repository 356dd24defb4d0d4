"""After downtime the timer handles overdue reminders as before, then reports once how they ended, per channel."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.missed import STARTED, SUPERSEDED, MissedWhileDown

from .test_reminders_delivery import CHANNEL_ID, Clock, FakeSender, make_event, reminders_of, timer


async def test_overdue_reminders_are_reported_once_per_channel_after_they_are_handled(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    assembly = await make_event(sessions, reminders="1d,1h")  # starts 14:00 Brussels
    early = await make_event(sessions, title="Early call", start="2027-03-04 13:05", reminders="1h")
    day, hour = await reminders_of(sessions, assembly)
    (started,) = await reminders_of(sessions, early)
    clock = Clock(hour.due_at + timedelta(minutes=10))  # back at 13:10, after the early call started
    sender = FakeSender(clock=clock)
    scheduler = timer(sessions, sender, clock)
    reports: list[MissedWhileDown] = []
    reported = asyncio.Event()

    async def listen(missed: MissedWhileDown) -> None:
        reports.append(missed)
        reported.set()

    scheduler.on_missed(listen)
    await scheduler.start()
    try:
        for reminder in (day, started):
            await scheduler.deliver(reminder.id)
        assert not reported.is_set(), "reported before every overdue reminder was handled"
        await scheduler.deliver(hour.id)
        await asyncio.wait_for(reported.wait(), timeout=5)
        await scheduler.deliver(hour.id)  # fired again: nothing more to report
        await asyncio.sleep(0.1)
    finally:
        await scheduler.stop()

    (report,) = reports
    assert (report.first_due, report.back_at) == (day.due_at, clock.now)
    (channel,) = report.channels.items()
    assert channel[0] == CHANNEL_ID
    assert channel[1].sent_late == 1 and channel[1].skipped == {STARTED: 1, SUPERSEDED: 1}
    assert len(sender.sent) == 4, "the late reminder went to the channel and the three members, once"


async def test_no_report_when_nothing_was_missed(sessions: async_sessionmaker[AsyncSession]) -> None:
    event_id = await make_event(sessions, reminders="1h")
    (reminder,) = await reminders_of(sessions, event_id)
    clock = Clock(reminder.due_at)  # started right on time
    scheduler = timer(sessions, FakeSender(clock=clock), clock)
    reports: list[MissedWhileDown] = []

    async def listen(missed: MissedWhileDown) -> None:
        reports.append(missed)

    scheduler.on_missed(listen)
    await scheduler.start()
    try:
        await scheduler.deliver(reminder.id)
        await asyncio.sleep(0.1)
    finally:
        await scheduler.stop()
    assert reports == []
