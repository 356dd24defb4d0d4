"""Reminder planning and state: which reminders an event's occurrences need, and how a reminder ends.

Lifecycle of a reminder: `pending` → `sending` (claimed: one conditional UPDATE that only one process can win,
committed together with the list of deliveries, before anything is sent) → `sent` or `failed`. A reminder can
also end `skipped` (its occurrence had started, or a later reminder of the same occurrence superseded it) or
`cancelled` (event cancelled or changed).

Sending them, delivery by delivery, is db/deliveries.py.

Every claim is `UPDATE … WHERE id = :id AND status = :expected` and checks the row count: a row lock on
PostgreSQL, the write lock on SQLite, no dialect-specific trick. Several instances on one PostgreSQL database
all fire every due reminder; one wins the reminder claim and fixes the recipients, the others then compete for
its deliveries one by one, so an instance that stops mid-reminder leaves the rest to the others at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Event, Reminder, ReminderDelivery
from db.occurrences import event_occurrences
from db.session_state import ScheduledReminder, changes_of
from rules.i18n import N_
from rules.recurrence import RecurrenceError

log = logging.getLogger(__name__)

PENDING, SENDING, SENT, FAILED, SKIPPED, CANCELLED, UNCONFIRMED = (
    "pending",
    "sending",
    "sent",
    "failed",
    "skipped",
    "cancelled",
    "unconfirmed",
)
CHANNEL, DM = "channel", "dm"
# Reminders of a series are planned this far ahead (by due time); the planner tick keeps extending it.
PLANNING_WINDOW = timedelta(days=35)
MAX_OCCURRENCES_PER_PLAN = 60


@dataclass
class ReminderPlan:
    """What a planning pass changed: reminders to put on the timer and ones to take off it."""

    added: list[ScheduledReminder] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)


def reminder_keys(event: Event, *, after: datetime, before: datetime) -> set[tuple[datetime, int]]:
    """(occurrence start, offset) of every reminder due in (after, before] for occurrences still to start.

    A moved occurrence is reminded of at its new start, a skipped one not at all.
    """
    offsets = event.reminder_offsets
    if not offsets or event.status != "scheduled":
        return set()
    found = event_occurrences(
        event,
        after=after + timedelta(seconds=min(offsets)),
        before=before + timedelta(seconds=max(offsets) + 1),
        limit=MAX_OCCURRENCES_PER_PLAN,
    )
    starts = [occurrence.start for occurrence in found]
    return {
        (start, offset) for start in starts for offset in offsets if after < start - timedelta(seconds=offset) <= before
    }


def _window_end(event: Event, now: datetime) -> datetime:
    # A one-off event has a handful of reminders: plan them all. A series is planned a window at a time.
    return now + PLANNING_WINDOW if event.rrule else max(event.starts_at, now)


async def replan_event_reminders(session: AsyncSession, *, event: Event, now: datetime) -> ReminderPlan:
    """Make the pending reminders match the event as it is now; keep, never duplicate, those still right."""
    until = _window_end(event, now)
    wanted = reminder_keys(event, after=now, before=until)
    # Reminders due already but not yet fired stay if they still fit the event as it is now.
    still_valid = wanted | reminder_keys(event, after=now - PLANNING_WINDOW, before=now)
    plan = ReminderPlan()
    for reminder in (await session.scalars(select(Reminder).where(Reminder.event_id == event.id))).all():
        if (reminder.occurrence_start, reminder.offset_seconds) in still_valid:
            continue
        if reminder.status == PENDING:
            reminder.status, reminder.finished_at, reminder.note = CANCELLED, now, N_("event changed")
            plan.removed.append(reminder.id)
        elif reminder.status == SENDING:
            await skip_remaining_deliveries(session, reminder.id, now, N_("event changed while it was being sent"))
    plan.added = await _ensure(session, event, wanted, now)
    event.planned_until = until
    await session.flush()
    changes_of(session).reminders_planned += plan.added
    changes_of(session).reminders_dropped += plan.removed
    return plan


async def extend_reminder_plans(session: AsyncSession, *, now: datetime) -> ReminderPlan:
    """Plan reminders of series that came into the window since the last pass (also after downtime)."""
    series = (
        await session.scalars(
            select(Event)
            .where(
                Event.status == "scheduled",
                Event.rrule.is_not(None),
                or_(Event.series_ends_at.is_(None), Event.series_ends_at > now),
                or_(Event.planned_until.is_(None), Event.planned_until < now + PLANNING_WINDOW),
            )
            .order_by(Event.id)
            # Another instance planning a series right now has its row locked: leave that series to it rather
            # than insert the same reminders and fail on the unique key when it commits.
            .with_for_update(skip_locked=True)
        )
    ).all()
    plan = ReminderPlan()
    for event in series:
        until = now + PLANNING_WINDOW
        try:
            keys = reminder_keys(event, after=event.planned_until or now, before=until)
        except RecurrenceError as error:
            # One series the bot cannot expand costs that series, never the pass: /event show tells moderators.
            log.warning("Series %s skipped by the planner: %s", event.id, error.user_message)
            event.planned_until = until
            continue
        plan.added += await _ensure(session, event, {key for key in keys if key[0] > now}, now)
        event.planned_until = until
    await session.flush()
    return plan


async def _ensure(
    session: AsyncSession, event: Event, keys: set[tuple[datetime, int]], now: datetime
) -> list[ScheduledReminder]:
    """Insert the reminders missing for these keys and revive cancelled ones; return what the timer needs."""
    if not keys:
        return []
    existing = {
        (reminder.occurrence_start, reminder.offset_seconds): reminder
        for reminder in (
            await session.scalars(
                select(Reminder).where(
                    Reminder.event_id == event.id,
                    Reminder.occurrence_start.in_(sorted({start for start, _offset in keys})),
                )
            )
        ).all()
    }
    changed: list[Reminder] = []
    for start, offset in sorted(keys):
        reminder = existing.get((start, offset))
        if reminder is None:
            reminder = Reminder(
                event_id=event.id,
                occurrence_start=start,
                offset_seconds=offset,
                due_at=start - timedelta(seconds=offset),
                status=PENDING,
            )
            session.add(reminder)
            changed.append(reminder)
        elif reminder.status == CANCELLED:
            reminder.status, reminder.finished_at, reminder.note = PENDING, None, None
            changed.append(reminder)
    await session.flush()
    return [ScheduledReminder(reminder.id, max(reminder.due_at, now)) for reminder in changed]


async def drop_event_reminders(session: AsyncSession, *, event_id: int, now: datetime, note: str) -> list[int]:
    """Cancel every reminder of an event not yet sent, and every delivery not yet made; return those ids."""
    pending = list(
        (
            await session.scalars(select(Reminder.id).where(Reminder.event_id == event_id, Reminder.status == PENDING))
        ).all()
    )
    await session.execute(
        update(Reminder)
        .where(Reminder.id.in_(pending), Reminder.status == PENDING)
        .values(status=CANCELLED, finished_at=now, note=note)
    )
    sending = (
        await session.scalars(select(Reminder.id).where(Reminder.event_id == event_id, Reminder.status == SENDING))
    ).all()
    for reminder_id in sending:
        await skip_remaining_deliveries(session, reminder_id, now, note)
    changes_of(session).reminders_dropped += pending
    return pending


async def schedulable_reminders(
    session: AsyncSession, *, until: datetime, now: datetime, limit: int
) -> tuple[list[ScheduledReminder], datetime]:
    """What the timer must hold: the first `limit` pending reminders due by `until`, and ones left mid-sending.

    Also returns how far that reaches: `until`, or the due time of the last one when `limit` cut the list.
    """
    due = (
        await session.execute(
            select(Reminder.id, Reminder.due_at)
            .where(Reminder.status == PENDING, Reminder.due_at <= until)
            .order_by(Reminder.due_at, Reminder.id)
            .limit(limit)
        )
    ).all()
    reach = due[-1][1] if len(due) == limit else until
    found = [ScheduledReminder(reminder_id, max(due_at, now)) for reminder_id, due_at in due]
    resumed = await session.execute(
        select(Reminder.id, func.min(ReminderDelivery.next_attempt_at))
        .join(ReminderDelivery, ReminderDelivery.reminder_id == Reminder.id)
        .where(Reminder.status == SENDING, ReminderDelivery.status.in_((PENDING, SENDING)))
        .group_by(Reminder.id)
    )
    found += [ScheduledReminder(reminder_id, max(retry_at or now, now)) for reminder_id, retry_at in resumed]
    return found, reach


async def settle_reminder(session: AsyncSession, *, reminder_id: int, now: datetime) -> datetime | None:
    """Close a reminder whose deliveries are all done; else return when its next retry is due."""
    return await _settle(session, reminder_id, now)


async def _settle(session: AsyncSession, reminder_id: int, now: datetime) -> datetime | None:
    # Two instances finishing the last deliveries of one reminder at once would each see the other's as still
    # `sending` (not yet committed) and leave the reminder open forever. Locking the reminder row first makes the
    # second wait for the first's commit, so the later of the two sees every outcome and settles it.
    await session.execute(select(Reminder.id).where(Reminder.id == reminder_id).with_for_update())
    rows = (
        await session.execute(
            select(ReminderDelivery.status, ReminderDelivery.next_attempt_at).where(
                ReminderDelivery.reminder_id == reminder_id
            )
        )
    ).all()
    open_retries = [retry_at or now for status, retry_at in rows if status == PENDING]
    if open_retries:
        return min(open_retries)
    if any(status == SENDING for status, _retry in rows):
        return None  # another process is sending; it settles the reminder
    failed = sum(1 for status, _retry in rows if status == FAILED)
    await session.execute(
        update(Reminder)
        .where(Reminder.id == reminder_id, Reminder.status == SENDING)
        .values(
            status=FAILED if failed else SENT,
            finished_at=now,
            # The counts of each outcome are shown beside it.
            note=N_("some deliveries failed") if failed else None,
        )
        .execution_options(synchronize_session=False)
    )
    return None


async def skip_remaining_deliveries(session: AsyncSession, reminder_id: int, now: datetime, note: str) -> None:
    await session.execute(
        update(ReminderDelivery)
        .where(ReminderDelivery.reminder_id == reminder_id, ReminderDelivery.status == PENDING)
        .values(status=SKIPPED, finished_at=now, error=note)
        .execution_options(synchronize_session=False)
    )
    await _settle(session, reminder_id, now)


async def finish_unsent(session: AsyncSession, reminder_id: int, now: datetime, status: str, note: str) -> None:
    await session.execute(
        update(Reminder)
        .where(Reminder.id == reminder_id, Reminder.status == PENDING)
        .values(status=status, finished_at=now, note=note)
        .execution_options(synchronize_session=False)
    )


@dataclass(frozen=True)
class ReminderStatus:
    """One reminder as moderators see it in /event show."""

    due_at: datetime
    occurrence_start: datetime
    offset_seconds: int
    status: str
    note: str | None
    deliveries: dict[str, int]


async def reminder_statuses(session: AsyncSession, *, event_id: int, limit: int = 10) -> list[ReminderStatus]:
    """The event's reminders, next due first, then the most recent, with delivery counts per status."""
    reminders = (
        await session.scalars(
            select(Reminder)
            .where(Reminder.event_id == event_id, Reminder.status != CANCELLED)
            .order_by(Reminder.due_at.desc())
            .limit(limit)
        )
    ).all()
    counts: dict[int, dict[str, int]] = {}
    if reminders:
        rows = await session.execute(
            select(ReminderDelivery.reminder_id, ReminderDelivery.status, func.count())
            .where(ReminderDelivery.reminder_id.in_([r.id for r in reminders]))
            .group_by(ReminderDelivery.reminder_id, ReminderDelivery.status)
        )
        for reminder_id, status, count in rows:
            counts.setdefault(reminder_id, {})[status] = count
    return [
        ReminderStatus(r.due_at, r.occurrence_start, r.offset_seconds, r.status, r.note, counts.get(r.id, {}))
        for r in sorted(reminders, key=lambda r: r.due_at)
    ]


# --- the timer's units of work ------------------------------------------------------------------------------
