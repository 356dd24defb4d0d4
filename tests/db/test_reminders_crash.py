"""kill -9 at the worst moments, then restart: no reminder twice to anyone, none lost without a record."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.events import EventInput, create_event, set_rsvp
from db.models import Reminder, ReminderDelivery
from db.models.base import utcnow

ROOT = Path(__file__).resolve().parents[2]
CHANNEL_ID = 300000000000000001
MEMBERS = [900000000000000021 + n for n in range(5)]
EVERYONE = {("channel", CHANNEL_ID)} | {("dm", member) for member in MEMBERS}


async def due_reminder(sessions: async_sessionmaker[AsyncSession], *, due_in: float) -> int:
    """An event two hours ahead whose one reminder is due `due_in` seconds from now."""
    now = utcnow()
    async with sessions.begin() as session:
        saved = await create_event(
            session,
            guild_id=1,
            author_id=1,
            fields=EventInput(title="Open meeting", kind="open_meeting", start="in 2 hours", reminders="1h"),
            default_zone="Europe/Brussels",
            now=now,
        )
        saved.event.channel_id = CHANNEL_ID
        for member in MEMBERS:
            await set_rsvp(session, event_id=saved.event.id, member_id=member, choice="going", now=now)
        reminder_id = saved.plan.added[0].id
        await session.execute(
            update(Reminder).where(Reminder.id == reminder_id).values(due_at=now + timedelta(seconds=due_in))
        )
    return reminder_id


def worker(database_url: str, log: Path, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.db.reminder_worker", database_url, str(log), *extra],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def finish(process: subprocess.Popen[bytes], timeout: float = 30) -> tuple[int, str]:
    output, _ = process.communicate(timeout=timeout)
    return process.returncode, output.decode()


def received(log: Path) -> list[tuple[str, int]]:
    if not log.exists():
        return []
    return [(line.split(":")[0], int(line.split(":")[1])) for line in log.read_text().splitlines()]


async def delivery_states(sessions: async_sessionmaker[AsyncSession], reminder_id: int) -> dict[tuple[str, int], str]:
    async with sessions.begin() as session:
        rows = await session.execute(
            select(ReminderDelivery.target, ReminderDelivery.recipient_id, ReminderDelivery.status).where(
                ReminderDelivery.reminder_id == reminder_id
            )
        )
        return {(target, recipient): status for target, recipient, status in rows}


def assert_once_and_accounted(log: Path, states: dict[tuple[str, int], str]) -> None:
    got = received(log)
    assert len(got) == len(set(got)), f"someone got the reminder twice: {got}"
    assert set(states) == EVERYONE
    for recipient, status in states.items():
        # Sent means it arrived; unconfirmed means the crash hid the outcome: it may have arrived, at most once.
        assert status in ("sent", "unconfirmed"), (recipient, status)
        if status == "sent":
            assert recipient in got
    assert set(got) <= set(states)


@pytest.mark.parametrize(("crash", "at"), [("before-send", 1), ("before-send", 3), ("after-send", 2)])
async def test_kill_between_claim_and_confirm_then_restart_sends_rest_once(
    sessions: async_sessionmaker[AsyncSession], database_url: str, tmp_path: Path, crash: str, at: int
) -> None:
    reminder_id = await due_reminder(sessions, due_in=0)
    log = tmp_path / "received.log"
    code, output = await asyncio.to_thread(finish, worker(database_url, log, "--crash", crash, "--at", str(at)))
    assert code == -signal.SIGKILL, output
    assert len(received(log)) == (at - 1 if crash == "before-send" else at)
    code, output = await asyncio.to_thread(finish, worker(database_url, log, "--stale-after", "0"))
    assert code == 0, output
    states = await delivery_states(sessions, reminder_id)
    assert_once_and_accounted(log, states)
    assert list(states.values()).count("unconfirmed") == 1
    async with sessions.begin() as session:
        assert (await session.get(Reminder, reminder_id)).status == "sent"  # type: ignore[union-attr]


@pytest.mark.parametrize("kill_after", [-0.3, 0.0, 0.25, 0.6])
async def test_kill_around_due_time_then_restart_loses_nothing(
    sessions: async_sessionmaker[AsyncSession], database_url: str, tmp_path: Path, kill_after: float
) -> None:
    log = tmp_path / "received.log"
    reminder_id = await due_reminder(sessions, due_in=3.0)
    due = utcnow() + timedelta(seconds=3.0)
    process = worker(database_url, log, "--slow", "0.15")
    assert process.stdout is not None
    await asyncio.to_thread(process.stdout.readline)  # "worker started": the timer is rebuilt and running
    await asyncio.sleep(max(0.0, (due - utcnow()).total_seconds() + kill_after))
    process.send_signal(signal.SIGKILL)
    await asyncio.to_thread(finish, process)
    code, output = await asyncio.to_thread(finish, worker(database_url, log, "--stale-after", "0"))
    assert code == 0, output
    assert_once_and_accounted(log, await delivery_states(sessions, reminder_id))
