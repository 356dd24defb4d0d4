"""Reminder delivery on a real SQLite file: once per recipient, late but true, retried, never lost silently."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.scheduler import ReminderScheduler
from cogs.events._embeds import reminder_text
from db.database import Database
from db.deliveries import DeliveryClaim, DeliveryOutcome, claim_delivery, start_reminder
from db.engine import create_engine, create_sessionmaker
from db.events import EventInput, cancel_event, create_event, set_rsvp
from db.models import Reminder, ReminderDelivery
from db.reminders import extend_reminder_plans, reminder_statuses

CREATED = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
CHANNEL_ID = 300000000000000001
MEMBERS = [900000000000000011, 900000000000000012, 900000000000000013]
BRUSSELS = ZoneInfo("Europe/Brussels")


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass
class FakeSender:
    """Records every message; answers from a script per recipient (default: sent)."""

    sent: list[tuple[str, int, str]] = field(default_factory=list)
    answers: dict[int, list[DeliveryOutcome]] = field(default_factory=dict)
    clock: Clock | None = None

    async def send(self, claim: DeliveryClaim) -> DeliveryOutcome:
        script = self.answers.get(claim.recipient_id)
        outcome = script.pop(0) if script else DeliveryOutcome("sent")
        if outcome.status == "sent":
            now = self.clock() if self.clock else datetime.now(UTC)
            self.sent.append((claim.target, claim.recipient_id, reminder_text(claim.notice, now=now, in_channel=True)))
        return outcome

    def recipients(self) -> list[int]:
        return [recipient for _target, recipient, _text in self.sent]


async def no_wait() -> None:
    return None


def timer(sessions: async_sessionmaker[AsyncSession], sender: FakeSender, clock: Clock) -> ReminderScheduler:
    """A timer on the engine of `sessions` (it only runs transactions, so no connection of its own is opened)."""
    database = Database(sessions.kw["bind"])
    return ReminderScheduler(db=database, sender=sender, ready=no_wait, fallback_channel_id=CHANNEL_ID, clock=clock)


async def make_event(sessions: async_sessionmaker[AsyncSession], **fields: str) -> int:
    values = {"title": "Roundtable on teacher shortages", "kind": "roundtable", "start": "2027-03-04 14:00"}
    async with sessions.begin() as session:
        saved = await create_event(
            session,
            guild_id=1,
            author_id=1,
            fields=EventInput(**(values | fields)),  # type: ignore[arg-type]
            default_zone="Europe/Brussels",
            now=CREATED,
        )
        for member in MEMBERS:
            await set_rsvp(session, event_id=saved.event.id, member_id=member, choice="going", now=CREATED)
        return saved.event.id


async def reminders_of(sessions: async_sessionmaker[AsyncSession], event_id: int) -> list[Reminder]:
    async with sessions.begin() as session:
        rows = await session.scalars(select(Reminder).where(Reminder.event_id == event_id).order_by(Reminder.due_at))
        return list(rows.all())


async def test_due_reminder_goes_once_to_channel_and_each_member(sessions: async_sessionmaker[AsyncSession]) -> None:
    event_id = await make_event(sessions)
    day_before = (await reminders_of(sessions, event_id))[0]
    clock = Clock(day_before.due_at)
    sender = FakeSender(clock=clock)
    await timer(sessions, sender, clock).deliver(day_before.id)
    await timer(sessions, sender, clock).deliver(day_before.id)  # fired twice: still once each
    assert sorted(sender.recipients()) == sorted([CHANNEL_ID, *MEMBERS])
    assert (await reminders_of(sessions, event_id))[0].status == "sent"


async def test_two_instances_racing_send_each_message_once(database_url: str) -> None:
    engines = [create_engine(database_url) for _ in range(2)]
    try:
        makers = [create_sessionmaker(engine) for engine in engines]
        event_id = await make_event(makers[0])
        reminder = (await reminders_of(makers[0], event_id))[0]
        clock = Clock(reminder.due_at)
        sender = FakeSender(clock=clock)
        await asyncio.gather(*(timer(maker, sender, clock).deliver(reminder.id) for maker in makers for _ in (1, 2)))
        assert sorted(sender.recipients()) == sorted([CHANNEL_ID, *MEMBERS])
    finally:
        for engine in engines:
            await engine.dispose()


async def test_crash_between_claim_and_send_never_resends_that_one(sessions: async_sessionmaker[AsyncSession]) -> None:
    event_id = await make_event(sessions)
    reminder = (await reminders_of(sessions, event_id))[0]
    clock = Clock(reminder.due_at)
    # The first process claims the reminder and its first delivery, commits, then dies before sending.
    async with sessions.begin() as session:
        deliveries = await start_reminder(
            session, reminder_id=reminder.id, now=clock.now, instance="dead", fallback_channel_id=CHANNEL_ID
        )
    async with sessions.begin() as session:
        abandoned = await claim_delivery(session, delivery_id=deliveries[0], now=clock.now)
    assert abandoned is not None
    # A restarted process picks the reminder up again once the claim is stale.
    clock.now += timedelta(minutes=10)
    sender = FakeSender(clock=clock)
    await timer(sessions, sender, clock).deliver(reminder.id)
    assert abandoned.recipient_id not in sender.recipients()
    assert len(sender.recipients()) == len(deliveries) - 1
    async with sessions.begin() as session:
        statuses = await reminder_statuses(session, event_id=event_id)
    assert statuses[0].status == "sent"
    assert statuses[0].deliveries == {"sent": len(deliveries) - 1, "unconfirmed": 1}


async def test_crash_after_reminder_claim_resumes_every_delivery(sessions: async_sessionmaker[AsyncSession]) -> None:
    event_id = await make_event(sessions)
    reminder = (await reminders_of(sessions, event_id))[0]
    clock = Clock(reminder.due_at)
    async with sessions.begin() as session:
        await start_reminder(
            session, reminder_id=reminder.id, now=clock.now, instance="dead", fallback_channel_id=CHANNEL_ID
        )
    clock.now += timedelta(seconds=30)
    sender = FakeSender(clock=clock)
    scheduler = timer(sessions, sender, clock)
    assert await scheduler.refill() == 1  # the half-done reminder is back on the timer
    await scheduler.deliver(reminder.id)
    assert sorted(sender.recipients()) == sorted([CHANNEL_ID, *MEMBERS])


async def test_missed_reminder_is_sent_late_with_a_true_text(sessions: async_sessionmaker[AsyncSession]) -> None:
    event_id = await make_event(sessions, reminders="1d")
    reminder = (await reminders_of(sessions, event_id))[0]
    clock = Clock(reminder.due_at + timedelta(hours=20))  # the bot was down for 20 hours
    sender = FakeSender(clock=clock)
    await timer(sessions, sender, clock).deliver(reminder.id)
    start = int(reminder.occurrence_start.timestamp())
    assert len(sender.sent) == 4
    assert f"starts <t:{start}:R>" in sender.sent[0][2]
    assert "1 day" not in sender.sent[0][2] and "tomorrow" not in sender.sent[0][2]


async def test_missed_reminder_after_start_is_skipped_and_recorded(sessions: async_sessionmaker[AsyncSession]) -> None:
    event_id = await make_event(sessions, reminders="1d")
    reminder = (await reminders_of(sessions, event_id))[0]
    clock = Clock(reminder.occurrence_start + timedelta(minutes=5))
    sender = FakeSender(clock=clock)
    await timer(sessions, sender, clock).deliver(reminder.id)
    assert sender.sent == []
    skipped = (await reminders_of(sessions, event_id))[0]
    assert skipped.status == "skipped" and "already started" in (skipped.note or "")


async def test_older_overdue_reminder_is_superseded_by_newer(sessions: async_sessionmaker[AsyncSession]) -> None:
    event_id = await make_event(sessions, reminders="1d,1h")
    day, hour = await reminders_of(sessions, event_id)
    clock = Clock(hour.due_at + timedelta(minutes=10))
    sender = FakeSender(clock=clock)
    scheduler = timer(sessions, sender, clock)
    await scheduler.deliver(day.id)
    await scheduler.deliver(hour.id)
    assert len(sender.sent) == 4
    assert [r.status for r in await reminders_of(sessions, event_id)] == ["skipped", "sent"]


async def test_closed_dm_skips_that_member_only(sessions: async_sessionmaker[AsyncSession]) -> None:
    event_id = await make_event(sessions, reminders="1h")
    reminder = (await reminders_of(sessions, event_id))[0]
    clock = Clock(reminder.due_at)
    sender = FakeSender(clock=clock, answers={MEMBERS[0]: [DeliveryOutcome("skipped", "the member's DMs are closed")]})
    await timer(sessions, sender, clock).deliver(reminder.id)
    assert sorted(sender.recipients()) == sorted([CHANNEL_ID, *MEMBERS[1:]])
    async with sessions.begin() as session:
        statuses = await reminder_statuses(session, event_id=event_id)
    assert statuses[0].status == "sent" and statuses[0].deliveries == {"sent": 3, "skipped": 1}


async def test_rate_limited_delivery_is_retried_with_backoff(sessions: async_sessionmaker[AsyncSession]) -> None:
    event_id = await make_event(sessions, reminders="1h")
    reminder = (await reminders_of(sessions, event_id))[0]
    clock = Clock(reminder.due_at)
    sender = FakeSender(clock=clock, answers={CHANNEL_ID: [DeliveryOutcome("retry", "429", retry_after=2.0)]})
    scheduler = timer(sessions, sender, clock)
    await scheduler.deliver(reminder.id)
    assert CHANNEL_ID not in sender.recipients() and len(sender.sent) == 3
    job = scheduler.scheduler.get_job(f"reminder:{reminder.id}")
    assert job is not None and job.trigger.run_date == clock.now + timedelta(seconds=30)
    clock.now += timedelta(seconds=31)
    await scheduler.deliver(reminder.id)
    assert sender.recipients().count(CHANNEL_ID) == 1 and len(sender.sent) == 4
    assert (await reminders_of(sessions, event_id))[0].status == "sent"


async def test_delivery_failing_every_try_marks_reminder_failed(sessions: async_sessionmaker[AsyncSession]) -> None:
    event_id = await make_event(sessions, reminders="1h")
    reminder = (await reminders_of(sessions, event_id))[0]
    clock = Clock(reminder.due_at)
    failing = [DeliveryOutcome("retry", "Discord answered 503") for _ in range(10)]
    sender = FakeSender(clock=clock, answers={MEMBERS[1]: failing})
    scheduler = timer(sessions, sender, clock)
    for _attempt in range(5):
        await scheduler.deliver(reminder.id)
        clock.now += timedelta(minutes=5)
    assert len(failing) == 5  # five tries, then it gave up
    assert sorted(sender.recipients()) == sorted([CHANNEL_ID, MEMBERS[0], MEMBERS[2]])
    async with sessions.begin() as session:
        statuses = await reminder_statuses(session, event_id=event_id)
    assert statuses[0].status == "failed" and statuses[0].deliveries["failed"] == 1
    assert statuses[0].note == "some deliveries failed"


async def test_unexpected_error_for_one_member_does_not_block_others(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    event_id = await make_event(sessions, reminders="1h")
    reminder = (await reminders_of(sessions, event_id))[0]
    clock = Clock(reminder.due_at)

    class Exploding(FakeSender):
        async def send(self, claim: DeliveryClaim) -> DeliveryOutcome:
            if claim.recipient_id == MEMBERS[0]:
                raise RuntimeError("boom")
            return await super().send(claim)

    sender = Exploding(clock=clock)
    await timer(sessions, sender, clock).deliver(reminder.id)
    assert sorted(sender.recipients()) == sorted([CHANNEL_ID, *MEMBERS[1:]])


async def test_cancel_mid_fan_out_stops_remaining_deliveries(sessions: async_sessionmaker[AsyncSession]) -> None:
    event_id = await make_event(sessions, reminders="1h")
    reminder = (await reminders_of(sessions, event_id))[0]
    clock = Clock(reminder.due_at)
    async with sessions.begin() as session:
        await start_reminder(session, reminder_id=reminder.id, now=clock.now, instance="a", fallback_channel_id=None)
    async with sessions.begin() as session:
        await cancel_event(session, event_id=event_id, reason=None, now=clock.now)
    sender = FakeSender(clock=clock)
    await timer(sessions, sender, clock).deliver(reminder.id)
    assert sender.sent == []
    assert (await reminders_of(sessions, event_id))[0].status == "sent"  # closed: nothing left to send


async def test_weekly_series_keeps_wall_clock_across_dst_and_extends(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    event_id = await make_event(sessions, start="2027-03-16 14:00", repeat="weekly", reminders="1h")
    starts = [r.occurrence_start.astimezone(BRUSSELS) for r in await reminders_of(sessions, event_id)]
    assert {(s.hour, s.minute) for s in starts} == {(14, 0)}
    assert {s.utcoffset() for s in starts} == {timedelta(hours=1), timedelta(hours=2)}  # both sides of 28 March
    planned = len(starts)
    async with sessions.begin() as session:
        plan = await extend_reminder_plans(session, now=CREATED + timedelta(days=14))
        again = await extend_reminder_plans(session, now=CREATED + timedelta(days=14))
    assert len(plan.added) == 2 and again.added == []
    assert len(await reminders_of(sessions, event_id)) == planned + 2


async def test_restart_rebuild_holds_each_reminder_once(sessions: async_sessionmaker[AsyncSession]) -> None:
    event_id = await make_event(sessions, start="in 2 hours", reminders="1h,10m")
    clock = Clock(CREATED)
    for _restart in range(2):
        scheduler = timer(sessions, FakeSender(), clock)
        assert await scheduler.start() == 2
        assert sorted(job.id for job in scheduler.scheduler.get_jobs() if job.id.startswith("reminder:")) == sorted(
            f"reminder:{r.id}" for r in await reminders_of(sessions, event_id)
        )
        await scheduler.stop()


async def test_deliveries_are_rows_per_recipient(sessions: async_sessionmaker[AsyncSession]) -> None:
    event_id = await make_event(sessions, reminders="1h")
    reminder = (await reminders_of(sessions, event_id))[0]
    async with sessions.begin() as session:
        await start_reminder(
            session, reminder_id=reminder.id, now=reminder.due_at, instance="a", fallback_channel_id=CHANNEL_ID
        )
        rows = (
            await session.scalars(select(ReminderDelivery).where(ReminderDelivery.reminder_id == reminder.id))
        ).all()
    assert sorted((row.target, row.recipient_id) for row in rows) == sorted(
        [("channel", CHANNEL_ID)] + [("dm", member) for member in MEMBERS]
    )
