"""A reminder process for crash tests: the real timer and delivery job, with a sender that logs to a file.

python -m tests.db.reminder_worker DATABASE_URL LOG_FILE [--crash before-send|after-send --at N] [--slow S]

Every send appends `target:recipient:reminder` to LOG_FILE and fsyncs before answering, so the log is
what "Discord" received even when the process is killed with SIGKILL a moment later.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
from datetime import timedelta

from sqlalchemy import func, select

from bot.scheduler import ReminderScheduler
from db.database import Database
from db.deliveries import DeliveryClaim, DeliveryOutcome
from db.engine import create_engine, create_sessionmaker
from db.models import Reminder


class LoggingSender:
    def __init__(self, log_file: str, crash: str | None, at: int, slow: float) -> None:
        self.log_file, self.crash, self.at, self.slow = log_file, crash, at, slow
        self.calls = 0

    async def send(self, claim: DeliveryClaim) -> DeliveryOutcome:
        self.calls += 1
        if self.crash == "before-send" and self.calls == self.at:
            os.kill(os.getpid(), signal.SIGKILL)
        await asyncio.sleep(self.slow)
        # Blocking on purpose: the line must be on disk before "Discord" answers.
        append_synced(self.log_file, f"{claim.target}:{claim.recipient_id}:{claim.reminder_id}\n")
        if self.crash == "after-send" and self.calls == self.at:
            os.kill(os.getpid(), signal.SIGKILL)
        return DeliveryOutcome("sent")


def append_synced(path: str, line: str) -> None:
    with open(path, "a", encoding="utf-8") as log:
        log.write(line)
        log.flush()
        os.fsync(log.fileno())


async def run(args: argparse.Namespace) -> None:
    engine = create_engine(args.database_url)
    sessions = create_sessionmaker(engine)

    async def ready() -> None:
        return None

    timer = ReminderScheduler(
        db=Database(engine),
        sender=LoggingSender(args.log_file, args.crash, args.at, args.slow),
        ready=ready,
        fallback_channel_id=None,
        stale_after=timedelta(seconds=args.stale_after),
    )
    await timer.start()
    print("worker started", flush=True)
    try:
        for _ in range(int(args.run_for / 0.1)):
            await asyncio.sleep(0.1)
            async with sessions.begin() as session:
                open_reminders = await session.scalar(
                    select(func.count()).select_from(Reminder).where(Reminder.status.in_(("pending", "sending")))
                )
            if not open_reminders:
                break
    finally:
        await timer.stop()
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("database_url")
    parser.add_argument("log_file")
    parser.add_argument("--crash", choices=("before-send", "after-send"))
    parser.add_argument("--at", type=int, default=1)
    parser.add_argument("--slow", type=float, default=0.0)
    parser.add_argument("--stale-after", type=float, default=300.0)
    parser.add_argument("--run-for", type=float, default=10.0)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
