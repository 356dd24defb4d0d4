"""Two bot instances on one database, caught mid-transaction: claims, settling and planning stay exactly once.

Each test holds one instance's transaction open while the other one runs the same step, which is where
PostgreSQL (row locks, read committed) and SQLite (one writer at a time) differ. On SQLite the second
instance simply waits for the first commit; on PostgreSQL it runs alongside it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.deliveries import DeliveryClaim, DeliveryOutcome, claim_delivery, record_delivery, start_reminder
from db.engine import create_engine, create_sessionmaker
from db.models import Reminder
from db.reminders import extend_reminder_plans, settle_reminder
from tests.db.test_reminders_delivery import (
    CHANNEL_ID,
    CREATED,
    MEMBERS,
    Clock,
    FakeSender,
    make_event,
    reminders_of,
    timer,
)

T = TypeVar("T")
# How long the first instance keeps its transaction open after the second one has started its own.
OVERLAP = 0.3


@pytest.fixture
async def instances(database_url: str) -> AsyncIterator[list[async_sessionmaker[AsyncSession]]]:
    """Two session factories on two engines: two processes' worth of connections to one database."""
    engines = [create_engine(database_url) for _ in range(2)]
    try:
        yield [create_sessionmaker(engine) for engine in engines]
    finally:
        for engine in engines:
            await engine.dispose()


async def overlapping(
    first: async_sessionmaker[AsyncSession],
    second: async_sessionmaker[AsyncSession],
    step: Callable[[AsyncSession, str], Awaitable[T]],
) -> tuple[T, T]:
    """Run `step` in the first instance, then in the second while the first has not committed yet."""
    first_done = asyncio.Event()
    second_started = asyncio.Event()

    async def run_first() -> T:
        async with first.begin() as session:
            result = await step(session, "first")
            first_done.set()
            await second_started.wait()
            await asyncio.sleep(OVERLAP)
        return result

    async def run_second() -> T:
        await first_done.wait()
        second_started.set()
        async with second.begin() as session:
            return await step(session, "second")

    return await asyncio.gather(run_first(), run_second())


async def test_instance_losing_the_reminder_claim_helps_send_its_deliveries(
    instances: list[async_sessionmaker[AsyncSession]],
) -> None:
    event_id = await make_event(instances[0])
    reminder = (await reminders_of(instances[0], event_id))[0]

    async def start(session: AsyncSession, instance: str) -> list[int]:
        return await start_reminder(
            session, reminder_id=reminder.id, now=reminder.due_at, instance=instance, fallback_channel_id=CHANNEL_ID
        )

    won, joined = await overlapping(instances[0], instances[1], start)
    assert len(won) == 1 + len(MEMBERS)
    # Not an empty hand: should the winner stop now, the loser still has every delivery to claim and send.
    assert joined == won
    async with instances[0].begin() as session:
        claimed = await claim_delivery(session, delivery_id=won[0], now=reminder.due_at)
    async with instances[1].begin() as session:
        assert claimed is not None
        assert await claim_delivery(session, delivery_id=won[0], now=reminder.due_at) is None


async def test_two_instances_finishing_one_reminder_at_once_mark_it_sent(
    instances: list[async_sessionmaker[AsyncSession]],
) -> None:
    event_id = await make_event(instances[0])
    reminder = (await reminders_of(instances[0], event_id))[0]
    now = reminder.due_at
    async with instances[0].begin() as session:
        deliveries = await start_reminder(
            session, reminder_id=reminder.id, now=now, instance="first", fallback_channel_id=CHANNEL_ID
        )
    claims = []
    for delivery_id in deliveries:
        async with instances[0].begin() as session:
            claim = await claim_delivery(session, delivery_id=delivery_id, now=now)
            assert claim is not None
            claims.append(claim)
    *earlier, first_last, second_last = claims
    for claim in earlier:
        async with instances[0].begin() as session:
            await record_delivery(session, claim=claim, outcome=DeliveryOutcome("sent"), now=now)

    # Each instance records its own last delivery and settles, before the other has committed.
    async def finish(session: AsyncSession, instance: str) -> None:
        claim = first_last if instance == "first" else second_last
        await record_delivery(session, claim=claim, outcome=DeliveryOutcome("sent"), now=now)
        assert await settle_reminder(session, reminder_id=reminder.id, now=now) is None

    await overlapping(instances[0], instances[1], finish)
    settled = (await reminders_of(instances[0], event_id))[0]
    assert settled.status == "sent", "neither instance closed the reminder: each saw the other's delivery unfinished"


async def test_two_instances_planning_a_series_at_once_plan_each_reminder_once(
    instances: list[async_sessionmaker[AsyncSession]],
) -> None:
    event_id = await make_event(instances[0], start="2027-03-16 14:00", repeat="weekly", reminders="1h")
    planned = len(await reminders_of(instances[0], event_id))

    async def plan(session: AsyncSession, _instance: str) -> int:
        return len((await extend_reminder_plans(session, now=CREATED + timedelta(days=14))).added)

    first, second = await overlapping(instances[0], instances[1], plan)
    assert (first, second) == (2, 0)
    async with instances[0].begin() as session:
        total = await session.scalar(select(func.count()).select_from(Reminder).where(Reminder.event_id == event_id))
    assert total == planned + 2


async def test_instance_stopping_mid_reminder_leaves_the_rest_to_the_other_once_each(
    instances: list[async_sessionmaker[AsyncSession]],
) -> None:
    event_id = await make_event(instances[0])
    reminder = (await reminders_of(instances[0], event_id))[0]
    clock = Clock(reminder.due_at)
    stopping = FakeSender(clock=clock)
    first = timer(instances[0], stopping, clock)
    stopped: list[asyncio.Task[None]] = []

    async def send_then_get_sigterm(claim: DeliveryClaim) -> DeliveryOutcome:
        outcome = await FakeSender.send(stopping, claim)
        stopped.append(asyncio.create_task(first.stop()))  # SIGTERM arrives while this message is out
        await asyncio.sleep(0)
        return outcome

    stopping.send = send_then_get_sigterm  # type: ignore[method-assign]
    await first.deliver(reminder.id)
    await asyncio.gather(*stopped)
    assert len(stopping.sent) == 1, "a stopping instance claims nothing after SIGTERM"

    other = FakeSender(clock=clock)
    await timer(instances[1], other, clock).deliver(reminder.id)
    assert sorted(stopping.recipients() + other.recipients()) == sorted([CHANNEL_ID, *MEMBERS])
    assert (await reminders_of(instances[0], event_id))[0].status == "sent"
