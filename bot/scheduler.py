"""The reminder timer: APScheduler jobs rebuilt from the reminders table, and the delivery job they run.

The tables are the truth; APScheduler's in-memory store only says *when* to look. Jobs are module-level
coroutines taking ids (`reminder:{id}`), so nothing but ids is ever held in the timer. The timer holds the
reminders due within `window`; a planner tick every `tick` extends series, expires dead claims and loads
what comes into the window, so memory stays bounded however many reminders are planned.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from db.database import Database
from db.deliveries import (
    STALE_CLAIM,
    DeliveryClaim,
    DeliveryOutcome,
    begin_delivering,
    continue_delivering,
    refresh_plans,
)
from db.missed import MissedWhileDown, missed_outcomes, overdue_reminders
from db.models.base import utcnow
from db.session_state import Changes, ScheduledReminder

log = logging.getLogger(__name__)

TIMER_WINDOW = timedelta(hours=6)
PLANNER_TICK = timedelta(minutes=5)
PLANNER_JOB_ID = "reminders:planner"
REFILL_JOB_ID = "reminders:refill"
# Most reminders the timer holds at once: bounds memory and start time however full the table is.
TIMER_CAPACITY = 10_000


class Sender(Protocol):
    """Sends one claimed delivery and says how it went; never raises for Discord's answers."""

    async def send(self, claim: DeliveryClaim) -> DeliveryOutcome: ...


MissedListener = Callable[[MissedWhileDown], Awaitable[object]]


@dataclass
class _CatchUp:
    """The reminders found overdue at start, those not yet handled, and the span they fell due in."""

    reminder_ids: list[int]
    waiting: set[int]
    first_due: datetime
    back_at: datetime


@dataclass
class _Runtime:
    """What the module-level jobs need: set when a scheduler starts, cleared when it stops."""

    timer: ReminderScheduler


_runtime: _Runtime | None = None


async def run_reminder(reminder_id: int) -> None:
    """Job: claim a due reminder, then claim, send and confirm each of its deliveries in turn."""
    if _runtime is None:
        log.warning("Reminder %s fired with no scheduler running", reminder_id)
        return
    await _runtime.timer.deliver(reminder_id)


async def run_planner() -> None:
    """Job: extend series, expire dead claims and put what comes into the window on the timer; then the
    registered per-pass work (the Events tab rolls its window forward)."""
    if _runtime is not None:
        await _runtime.timer.refill()
        await _runtime.timer.run_pass_work()


class ReminderScheduler:
    def __init__(
        self,
        *,
        db: Database,
        sender: Sender | None = None,
        ready: Callable[[], Awaitable[object]],
        fallback_channel_id: int | None,
        clock: Callable[[], datetime] = utcnow,
        window: timedelta = TIMER_WINDOW,
        tick: timedelta = PLANNER_TICK,
        stale_after: timedelta = STALE_CLAIM,
        capacity: int = TIMER_CAPACITY,
    ) -> None:
        self.db = db
        self.sender = sender
        self.ready = ready
        self.fallback_channel_id = fallback_channel_id
        self.clock = clock
        self.window = window
        self.tick = tick
        self.stale_after = stale_after
        self.capacity = capacity
        # The timer holds every pending reminder due up to here; later ones are loaded by the planner.
        self.horizon = clock() + window
        self._one_at_a_time = asyncio.Lock()
        self._active: set[asyncio.Task[object]] = set()
        # Set by stop(): claim nothing more, so what is left stays pending for another instance or the next start.
        self._stopping = False
        self._pass_work: list[Callable[[], Awaitable[object]]] = []
        self._missed_listener: MissedListener | None = None
        self._catch_up: _CatchUp | None = None
        self._reporting: asyncio.Task[None] | None = None
        self.instance = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        # Late is better than never: a reminder fires however late the loop gets to it (the delivery job
        # decides whether it is still worth sending).
        self.scheduler = AsyncIOScheduler(
            timezone=UTC, job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 3}
        )

    def after_each_pass(self, work: Callable[[], Awaitable[object]]) -> None:
        """Register work for every planner pass, by a feature the timer knows nothing about."""
        self._pass_work.append(work)

    async def run_pass_work(self) -> None:
        """Run the registered per-pass work; one failing costs that work this pass, never the timer."""
        for work in self._pass_work:
            try:
                await work()
            except Exception:
                log.exception("Planner pass work %s failed", getattr(work, "__qualname__", work))

    def use_sender(self, sender: Sender) -> None:
        """Register who sends due reminders: the events feature, which owns their text (set before `start`)."""
        self.sender = sender

    def on_missed(self, listener: MissedListener) -> None:
        """Register who tells moderators, once, how the reminders missed while the bot was down ended."""
        self._missed_listener = listener

    async def start(self) -> int:
        """Rebuild the timer from the tables and start it; return how many reminders it holds."""
        global _runtime
        if self.sender is None:
            raise RuntimeError("no reminder sender is registered: the events feature registers one when it loads")
        if _runtime is not None and _runtime.timer is not self:
            raise RuntimeError("another reminder scheduler is already running in this process")
        _runtime = _Runtime(self)
        now = self.clock()
        overdue = await self.db.transaction(overdue_reminders, now=now, limit=self.capacity)
        if overdue:
            ids = [reminder_id for reminder_id, _due in overdue]
            self._catch_up = _CatchUp(ids, set(ids), overdue[0][1], now)
        count = await self.refill()
        self.scheduler.add_job(
            run_planner, IntervalTrigger(seconds=self.tick.total_seconds()), id=PLANNER_JOB_ID, replace_existing=True
        )
        self.scheduler.start()
        log.info("Reminder timer started with %d reminder(s) due within %s", count, self.window)
        return count

    async def stop(self, grace: float = 10.0) -> None:
        """Stop firing and claiming; let sends under way be recorded (up to `grace` seconds) so none is left claimed.

        Deliveries not yet claimed stay pending: another instance sending the same reminder takes them at once,
        and a restarted bot resumes them.
        """
        global _runtime
        self._stopping = True
        if self.scheduler.running:
            self.scheduler.pause()
            if self._active:
                await asyncio.wait(set(self._active), timeout=grace)
            self.scheduler.shutdown(wait=False)
        if _runtime is not None and _runtime.timer is self:
            _runtime = None

    async def refill(self) -> int:
        """Plan what the tables are missing, then hold the reminders due within the window (at most `capacity`)."""
        now = self.clock()
        due, self.horizon = await self.db.transaction(
            refresh_plans, now=now, until=now + self.window, stale_after=self.stale_after, limit=self.capacity
        )
        if self.horizon < now + self.window:
            # More are due within the window than the timer holds: look again when it has worked through these.
            self.scheduler.add_job(run_planner, DateTrigger(self.horizon), id=REFILL_JOB_ID, replace_existing=True)
        return self.schedule(due, only_new=True)

    def schedule(self, reminders: Iterable[ScheduledReminder], *, only_new: bool = False) -> int:
        """Put reminders on the timer (after the commit that planned them); later ones wait for the planner."""
        held = {job.id for job in self.scheduler.get_jobs()} if only_new else set()
        count = 0
        for reminder in reminders:
            job_id = f"reminder:{reminder.id}"
            if reminder.run_at > self.horizon or job_id in held:
                continue
            self.scheduler.add_job(
                run_reminder, DateTrigger(reminder.run_at), args=[reminder.id], id=job_id, replace_existing=True
            )
            count += 1
        return count

    def follow(self, changes: Changes) -> None:
        """Keep the timer in step with committed changes to planned reminders (events created, moved, cancelled)."""
        self.unschedule(changes.reminders_dropped)
        self.schedule(changes.reminders_planned)

    def unschedule(self, reminder_ids: Iterable[int]) -> None:
        """Take reminders off the timer; a job that fires anyway finds the row no longer pending."""
        for reminder_id in reminder_ids:
            job = self.scheduler.get_job(f"reminder:{reminder_id}")
            if job is not None:
                job.remove()

    def pending_jobs(self) -> int:
        return sum(job.id.startswith("reminder:") for job in self.scheduler.get_jobs())

    async def deliver(self, reminder_id: int) -> None:
        """Claim the reminder, then each delivery: claimed and committed before its message goes out.

        Recording one delivery and claiming the next share a transaction, so a reminder to n recipients
        costs n + 1 commits; a crash between claim and send still leaves that one delivery claimed.
        """
        task = asyncio.current_task()
        if task is not None:
            self._active.add(task)
            task.add_done_callback(self._active.discard)
        await self.ready()
        if self._stopping:
            return
        try:
            await self._deliver(reminder_id)
        finally:
            self._handled(reminder_id)

    async def _deliver(self, reminder_id: int) -> None:
        async with self._one_at_a_time:
            step = await self.db.transaction(
                begin_delivering,
                reminder_id=reminder_id,
                now=self.clock(),
                instance=self.instance,
                fallback_channel_id=self.fallback_channel_id,
                stale_after=self.stale_after,
                claim_next=not self._stopping,
            )
        while step.claim is not None:
            outcome = await self._send(step.claim)
            # One delivery transaction at a time in this process: tasks queue here in order instead of
            # polling SQLite's busy handler, which backs off up to 100 ms per try under contention.
            async with self._one_at_a_time:
                step = await self.db.transaction(
                    continue_delivering,
                    reminder_id=reminder_id,
                    claim=step.claim,
                    outcome=outcome,
                    waiting=step.waiting,
                    now=self.clock(),
                    claim_next=not self._stopping,
                )
        if step.retry_at is not None:
            self.schedule([ScheduledReminder(reminder_id, step.retry_at)])

    def _handled(self, reminder_id: int) -> None:
        """Once every reminder overdue at start has been handled, report how they ended (in the background)."""
        catch_up = self._catch_up
        if catch_up is None or reminder_id not in catch_up.waiting:
            return
        catch_up.waiting.discard(reminder_id)
        if not catch_up.waiting:
            self._catch_up = None
            self._reporting = asyncio.create_task(self._report_missed(catch_up))

    async def _report_missed(self, catch_up: _CatchUp) -> None:
        if self._missed_listener is None:
            return
        try:
            missed = await self.db.transaction(
                missed_outcomes,
                reminder_ids=catch_up.reminder_ids,
                first_due=catch_up.first_due,
                back_at=catch_up.back_at,
                fallback_channel_id=self.fallback_channel_id,
            )
            await self._missed_listener(missed)
        except Exception:
            log.exception("Could not report the reminders missed while the bot was down")

    async def _send(self, claim: DeliveryClaim) -> DeliveryOutcome:
        assert self.sender is not None  # start() refuses to run without one
        try:
            outcome = await self.sender.send(claim)
        except Exception as error:
            # One broken delivery must not stop the others; an unknown error is not retried (at most once).
            log.exception("Reminder delivery %s failed unexpectedly", claim.id)
            outcome = DeliveryOutcome("failed", f"unexpected error: {type(error).__name__}")
        if outcome.status != "sent":
            log.info("Reminder delivery %s (%s %s): %s", claim.id, claim.target, claim.recipient_id, outcome)
        return outcome
