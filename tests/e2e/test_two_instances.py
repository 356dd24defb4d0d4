"""Two bot processes on one PostgreSQL database against one fake Discord: 1,000 reminders, each message once.

1,000 events, each with one reminder due within a few seconds of the others, going to the event's channel and
by DM to two members: 3,000 messages. Both processes hold every reminder on their timers and fire it; the claims
decide who sends what. The fake counts what arrived per (reminder, recipient). Variants stop one process in the
middle of the burst, with SIGTERM and with kill -9, and the other one must deliver the rest.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db import migrate
from db.database import Database
from db.engine import create_engine, create_sessionmaker
from db.models import Event, EventAttendee, Reminder, ReminderDelivery
from db.reminders import reminder_keys
from db.shipped import load_shipped, read_shipped_data
from tests.databases import NO_POSTGRES, POSTGRES, POSTGRES_URL, fresh_database

from .botproc import BotProcess
from .fake import FakeDiscord

pytestmark = [pytest.mark.timeout(170), pytest.mark.skipif(not POSTGRES_URL, reason=NO_POSTGRES)]

EVENTS = 1000
SERIES = 20  # weekly series both planners extend at start: must be planned once
HOUR = 3600
# Both processes must be up before the first reminder is due, so they race for every one of them.
FIRST_DUE_AFTER = timedelta(seconds=20)
DUE_SPREAD = timedelta(seconds=5)
TITLE = re.compile(r"Exactly once check N(\d{4})")


@pytest.fixture
def fake() -> Iterator[FakeDiscord]:
    server = FakeDiscord().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def shared_database_url(tmp_path: Path) -> Iterator[str]:
    with fresh_database(POSTGRES, tmp_path) as url:
        yield url


class Burst:
    """The 1,000 reminders and what the fake received of them."""

    def __init__(self, fake: FakeDiscord, database_url: str) -> None:
        self.fake = fake
        self.database_url = database_url
        world = fake.world
        self.channel_id = int(world.guild.channel_named("general").id)
        self.members = [int(world.people[name].id) for name in ("alice", "bob")]
        self.expected = Counter(
            {(target, recipient, n): 1 for n in range(EVENTS) for target, recipient in self.recipients()}
        )

    def recipients(self) -> list[tuple[str, int]]:
        return [("channel", self.channel_id)] + [("dm", member) for member in self.members]

    async def plant(self) -> datetime:
        """Migrate, load the shipped data and write the events and reminders; return when the first is due."""
        await migrate.upgrade(self.database_url)
        # With their vectors, so that neither instance spends its first seconds embedding the knowledge base.
        database = Database.open(self.database_url)
        try:
            await load_shipped(database, read_shipped_data())
        finally:
            await database.close()
        engine = create_engine(self.database_url)
        now = datetime.now(UTC)
        first_due = now + FIRST_DUE_AFTER
        try:
            async with create_sessionmaker(engine).begin() as session:
                events = [
                    self._event(
                        f"Exactly once check N{n:04d}", first_due + DUE_SPREAD * n / EVENTS + timedelta(seconds=HOUR)
                    )
                    for n in range(EVENTS)
                ]
                series = [
                    self._event(f"Weekly series {n}", now + timedelta(days=2), weekly=True) for n in range(SERIES)
                ]
                session.add_all(events + series)
                await session.flush()
                session.add_all(
                    EventAttendee(event_id=event.id, member_id=member, rsvp="going", reminders=True)
                    for event in events
                    for member in self.members
                )
                session.add_all(
                    Reminder(
                        event_id=event.id,
                        occurrence_start=event.starts_at,
                        offset_seconds=HOUR,
                        due_at=event.starts_at - timedelta(seconds=HOUR),
                        status="pending",
                    )
                    for event in events
                )
        finally:
            await engine.dispose()
        return first_due

    def _event(self, title: str, starts_at: datetime, *, weekly: bool = False) -> Event:
        return Event(
            guild_id=int(self.fake.world.guild.id),
            title=title,
            kind="webinar",
            timezone="Europe/Brussels",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1),
            rrule="FREQ=WEEKLY" if weekly else None,
            reminder_offsets=[86400] if weekly else [HOUR],
            channel_id=self.channel_id,
            created_by=int(self.fake.world.people["moderator"].id),
            # One-off events are fully planned above; series are left for the planners to extend.
            planned_until=None if weekly else starts_at,
        )

    def received(self) -> Counter[tuple[str, int, int]]:
        """Reminder messages at the fake per (target, recipient, event number)."""
        dm_owner = {channel.id: int(user_id) for user_id, channel in self.fake.world.dm_channels.items()}
        with self.fake.lock:
            messages = list(self.fake.messages.values())
        counts: Counter[tuple[str, int, int]] = Counter()
        for message in messages:
            found = TITLE.search(message.data.get("content") or "")
            if found is None or not message.data["content"].startswith("⏰"):
                continue
            owner = dm_owner.get(message.channel_id)
            target, recipient = ("dm", owner) if owner is not None else ("channel", int(message.channel_id))
            counts[(target, recipient, int(found[1]))] += 1
        return counts

    async def deliveries(self) -> dict[tuple[str, int, int], tuple[str, datetime | None]]:
        """Each delivery row's status and claim time per (target, recipient, event number)."""
        engine = create_engine(self.database_url)
        try:
            async with create_sessionmaker(engine).begin() as session:
                rows = await session.execute(
                    select(
                        ReminderDelivery.target,
                        ReminderDelivery.recipient_id,
                        Event.title,
                        ReminderDelivery.status,
                        ReminderDelivery.claimed_at,
                    )
                    .join(Reminder, Reminder.id == ReminderDelivery.reminder_id)
                    .join(Event, Event.id == Reminder.event_id)
                )
                return {
                    (target, recipient, int(TITLE.search(title)[1])): (status, claimed_at)  # type: ignore[index]
                    for target, recipient, title, status, claimed_at in rows
                }
        finally:
            await engine.dispose()

    async def claimers(self) -> Counter[str]:
        """How many reminders each process claimed (`claimed_by` is host:pid:tag)."""
        engine = create_engine(self.database_url)
        try:
            async with create_sessionmaker(engine).begin() as session:
                rows = await session.execute(
                    select(Reminder.claimed_by, func.count())
                    .where(Reminder.claimed_by.is_not(None))
                    .group_by(Reminder.claimed_by)
                )
                pids = {claimed_by.split(":")[1]: count for claimed_by, count in rows if claimed_by is not None}
                return Counter(pids)
        finally:
            await engine.dispose()

    async def series_plans(self) -> list[tuple[set[tuple[datetime, int]], list[tuple[datetime, int]]]]:
        """Per series: the reminders it should have (as of its planning) and the rows it has."""
        engine = create_engine(self.database_url)
        try:
            async with create_sessionmaker(engine).begin() as session:
                series = (await session.scalars(select(Event).where(Event.rrule.is_not(None)))).all()
                plans = []
                for event in series:
                    rows = (
                        await session.execute(
                            select(Reminder.occurrence_start, Reminder.offset_seconds).where(
                                Reminder.event_id == event.id
                            )
                        )
                    ).all()
                    assert event.planned_until is not None, f"series {event.title} was never planned"
                    wanted = reminder_keys(
                        event, after=event.planned_until - timedelta(days=35), before=event.planned_until
                    )
                    plans.append((wanted, [(start, offset) for start, offset in rows]))
                return plans
        finally:
            await engine.dispose()


def start_both(fake: FakeDiscord, database_url: str, tmp_path: Path) -> list[BotProcess]:
    # INFO, not the suite's DEBUG: a log line per HTTP request and gateway event would slow the burst down.
    bots = [
        BotProcess(
            fake, database_url=database_url, log_path=tmp_path / f"bot-{n}.log", env_overrides={"LOG_LEVEL": "INFO"}
        )
        for n in (1, 2)
    ]
    for bot in bots:
        bot.start()
    for bot in bots:
        bot.wait_ready(timeout=60)
    return bots


async def wait_until(check: Callable[[], Awaitable[bool]], what: str, timeout: float, bots: list[BotProcess]) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {timeout:.0f} s\n" + "\n".join(b.describe(40) for b in bots))
        await asyncio.sleep(0.5)


async def run_burst(fake: FakeDiscord, database_url: str, tmp_path: Path, *, stop: str | None) -> None:
    burst = Burst(fake, database_url)
    first_due = await burst.plant()
    bots = start_both(fake, database_url, tmp_path)
    started = time.monotonic()
    try:
        assert datetime.now(UTC) < first_due, "both processes must be ready before the first reminder is due"
        total = sum(burst.expected.values())
        killed_at = None
        if stop is not None:
            await wait_until(lambda: _at_least(burst, total // 3), "a third of the burst did not arrive", 90, bots)
            stopped = bots[0]
            if stop == "sigterm":
                assert stopped.stop() == 0, "a SIGTERM mid-burst ends the process cleanly"
            else:
                stopped.kill()
                killed_at = datetime.now(UTC)
        survivor = bots[-1]

        async def settled() -> bool:
            """Every delivery planned and recorded, but for claims the killed process can never record."""
            states = await burst.deliveries()
            return len(states) == total and all(
                status not in ("pending", "sending")
                or (
                    status == "sending" and killed_at is not None and claimed_at is not None and claimed_at <= killed_at
                )
                for status, claimed_at in states.values()
            )

        await wait_until(settled, "not every delivery was claimed and recorded", 120, bots)
        burst_seconds = time.monotonic() - started
        await asyncio.sleep(2)  # anything sent twice would arrive now
        received = burst.received()
        states = await burst.deliveries()

        twice = {key: n for key, n in received.items() if n > 1}
        assert not twice, f"{len(twice)} messages arrived more than once, e.g. {sorted(twice.items())[:5]}"
        assert set(received) <= set(burst.expected), "a message for no planned delivery"
        unsent = {key for key, (status, _claimed) in states.items() if status != "sent"}
        if killed_at is not None:
            # At most once: what the killed process had claimed and not confirmed is never sent again (it may
            # have arrived). Everything else was sent, by one process or the other.
            for key in unsent:
                status, claimed_at = states[key]
                assert status == "sending" and claimed_at is not None and claimed_at <= killed_at, (key, status)
            assert set(received) >= set(burst.expected) - unsent
        else:
            assert not unsent, f"{len(unsent)} deliveries not sent: {Counter(states[key][0] for key in unsent)}"
            assert received == burst.expected
        assert survivor.running, survivor.describe()
        claimers = await burst.claimers()
        assert set(claimers) == {str(bot.pid) for bot in bots}, f"both processes claimed reminders: {claimers}"
        assert sum(claimers.values()) == EVENTS

        for wanted, rows in await burst.series_plans():
            assert len(rows) == len(set(rows)), "a series reminder was planned twice"
            assert set(rows) == wanted
        assert not fake.rejections_since(0) and not fake.unknown_since(0)
        for bot in bots:
            errors = [line for line in bot.log_text().splitlines() if " ERROR " in line or "Traceback" in line]
            assert not errors, f"errors in {bot.log_path.name}:\n" + "\n".join(errors[:20])
        print(
            f"\n{stop or 'both running'}: {total} messages planned, {sum(received.values())} received, "
            f"{len(unsent)} left claimed by the killed process, reminders claimed per process {dict(claimers)}, "
            f"all recorded {burst_seconds:.1f} s after both were ready (first due at {FIRST_DUE_AFTER} after planting)"
        )
    finally:
        for bot in bots:
            bot.stop()
            bot.kill()


async def _at_least(burst: Burst, count: int) -> bool:
    return sum(burst.received().values()) >= count


async def test_two_instances_deliver_1000_reminders_each_message_once(
    fake: FakeDiscord, shared_database_url: str, tmp_path: Path
) -> None:
    await run_burst(fake, shared_database_url, tmp_path, stop=None)


async def test_sigterm_to_one_instance_mid_burst_the_other_delivers_the_rest_once(
    fake: FakeDiscord, shared_database_url: str, tmp_path: Path
) -> None:
    await run_burst(fake, shared_database_url, tmp_path, stop="sigterm")


async def test_kill_9_of_one_instance_mid_burst_loses_only_its_claimed_and_duplicates_nothing(
    fake: FakeDiscord, shared_database_url: str, tmp_path: Path
) -> None:
    await run_burst(fake, shared_database_url, tmp_path, stop="kill")
