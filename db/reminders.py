"""Reminder planning and delivery bookkeeping: the database is the truth, claims make sending happen once.

Lifecycle of a reminder: `pending` → `sending` (claimed: one conditional UPDATE that only one process can win,
committed together with the list of deliveries, before anything is sent) → `sent` or `failed`. A reminder can
also end `skipped` (its occurrence had started, or a later reminder of the same occurrence superseded it) or
`cancelled` (event cancelled or changed).

Each delivery (the channel post, one DM per opted-in member) is claimed on its own (`pending` → `sending`,
committed) before its message goes out, and confirmed after. A delivery still `sending` after a crash is never
retried: it becomes `unconfirmed`. At most once per recipient is the policy: a reminder must never arrive twice.

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

from db.models import Event, EventAttendee, Reminder, ReminderDelivery
from rules.recurrence import RecurrenceError
from rules.timeparse import occurrences

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
MAX_ATTEMPTS = 5
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(minutes=15)
# A delivery claimed longer ago than this without an outcome belongs to a process that died mid-send.
STALE_CLAIM = timedelta(minutes=5)


@dataclass(frozen=True)
class ScheduledReminder:
    """A reminder the timer should fire, and when."""

    id: int
    run_at: datetime


@dataclass
class ReminderPlan:
    """What a planning pass changed: reminders to put on the timer and ones to take off it."""

    added: list[ScheduledReminder] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)


def reminder_keys(event: Event, *, after: datetime, before: datetime) -> set[tuple[datetime, int]]:
    """(occurrence start, offset) of every reminder due in (after, before] for occurrences still to start."""
    offsets = event.reminder_offsets
    if not offsets or event.status != "scheduled":
        return set()
    starts = occurrences(
        event.starts_at,
        zone=event.timezone,
        rule=event.rrule,
        after=after + timedelta(seconds=min(offsets)),
        before=before + timedelta(seconds=max(offsets) + 1),
        limit=MAX_OCCURRENCES_PER_PLAN,
    )
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
            reminder.status, reminder.finished_at, reminder.note = CANCELLED, now, "event changed"
            plan.removed.append(reminder.id)
        elif reminder.status == SENDING:
            await _skip_remaining(session, reminder.id, now, "event changed while it was being sent")
    plan.added = await _ensure(session, event, wanted, now)
    event.planned_until = until
    await session.flush()
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
        await _skip_remaining(session, reminder_id, now, note)
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


@dataclass(frozen=True)
class ReminderNotice:
    """What a reminder says, read from the event at the moment of sending."""

    event_id: int
    title: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    location: str | None
    url: str | None
    ping_role_id: int | None


@dataclass(frozen=True)
class DeliveryClaim:
    """A delivery this process has claimed and must now send, once."""

    id: int
    reminder_id: int
    target: str
    recipient_id: int
    notice: ReminderNotice
    attempt: int = 1


async def start_reminder(
    session: AsyncSession,
    *,
    reminder_id: int,
    now: datetime,
    instance: str,
    fallback_channel_id: int | None,
    stale_after: timedelta = STALE_CLAIM,
) -> list[int]:
    """Claim a due reminder and fix its recipients (or resume one left mid-sending); return deliveries to try.

    Missed while the bot was down: still sent if its occurrence has not started (the text is computed at send
    time); skipped and logged if it has, or if a later reminder of the same occurrence is due as well.
    """
    reminder = await session.get(Reminder, reminder_id)
    if reminder is None or reminder.status not in (PENDING, SENDING):
        return []
    if reminder.status == PENDING:
        event = await session.get(Event, reminder.event_id)
        reason = await _reason_to_skip(session, reminder, event, now)
        if reason:
            log.info("Reminder %s of event %s skipped: %s", reminder.id, reminder.event_id, reason)
            await _finish_unsent(session, reminder.id, now, SKIPPED, reason)
            return []
        claimed = await session.execute(
            update(Reminder)
            .where(Reminder.id == reminder.id, Reminder.status == PENDING)
            .values(status=SENDING, claimed_at=now, claimed_by=instance)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            assert event is not None
            await _fan_out(session, reminder.id, event, fallback_channel_id, now)
            return await _sendable_deliveries(session, reminder_id, now)
        # Another instance won the claim; its commit (which our update waited for) fixed the recipients. Help
        # send them: each delivery is claimed on its own, and if that instance stops, this one finishes the rest.
    await _expire_stale_claims(session, reminder.id, claimed_before=now - stale_after, now=now)
    return await _sendable_deliveries(session, reminder_id, now)


async def _sendable_deliveries(session: AsyncSession, reminder_id: int, now: datetime) -> list[int]:
    rows = await session.scalars(
        select(ReminderDelivery.id)
        .where(
            ReminderDelivery.reminder_id == reminder_id,
            ReminderDelivery.status == PENDING,
            or_(ReminderDelivery.next_attempt_at.is_(None), ReminderDelivery.next_attempt_at <= now),
        )
        # The channel post first: it is what most members see.
        .order_by(ReminderDelivery.target, ReminderDelivery.id)
    )
    return list(rows.all())


async def _reason_to_skip(session: AsyncSession, reminder: Reminder, event: Event | None, now: datetime) -> str:
    if event is None or event.status != "scheduled":
        return "event cancelled"
    if reminder.occurrence_start <= now:
        return "missed: the event had already started when the bot could send it"
    later_due = await session.scalar(
        select(func.count())
        .select_from(Reminder)
        .where(
            Reminder.event_id == reminder.event_id,
            Reminder.occurrence_start == reminder.occurrence_start,
            Reminder.due_at > reminder.due_at,
            Reminder.due_at <= now,
            Reminder.status.in_((PENDING, SENDING, SENT)),
        )
    )
    return "superseded by a later reminder that is due as well" if later_due else ""


async def _fan_out(
    session: AsyncSession, reminder_id: int, event: Event, fallback_channel_id: int | None, now: datetime
) -> None:
    channel_id = event.channel_id or event.announcement_channel_id or fallback_channel_id
    recipients = [(CHANNEL, channel_id)] if channel_id else []
    members = await session.scalars(
        select(EventAttendee.member_id)
        .where(EventAttendee.event_id == event.id, EventAttendee.reminders.is_(True))
        .order_by(EventAttendee.member_id)
    )
    recipients += [(DM, member_id) for member_id in members]
    session.add_all(
        ReminderDelivery(reminder_id=reminder_id, target=target, recipient_id=recipient, status=PENDING, attempts=0)
        for target, recipient in recipients
    )
    await session.flush()
    if not recipients:
        await _settle(session, reminder_id, now)


async def claim_delivery(session: AsyncSession, *, delivery_id: int, now: datetime) -> DeliveryClaim | None:
    """Claim one delivery for sending; None when another process has it or it is no longer wanted."""
    row = (
        await session.execute(
            select(ReminderDelivery, Reminder, Event)
            .join(Reminder, Reminder.id == ReminderDelivery.reminder_id)
            .join(Event, Event.id == Reminder.event_id)
            .where(ReminderDelivery.id == delivery_id)
        )
    ).one_or_none()
    if row is None:
        return None
    delivery, reminder, event = row
    if event.status != "scheduled" or reminder.occurrence_start <= now:
        await _skip_remaining(session, reminder.id, now, "the event started or was cancelled before it could be sent")
        return None
    claimed = await session.execute(
        update(ReminderDelivery)
        .where(
            ReminderDelivery.id == delivery_id,
            ReminderDelivery.status == PENDING,
            or_(ReminderDelivery.next_attempt_at.is_(None), ReminderDelivery.next_attempt_at <= now),
        )
        .values(status=SENDING, claimed_at=now, attempts=ReminderDelivery.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return None
    notice = ReminderNotice(
        event_id=event.id,
        title=event.title,
        kind=event.kind,
        starts_at=reminder.occurrence_start,
        ends_at=reminder.occurrence_start + (event.ends_at - event.starts_at),
        location=event.location,
        url=event.url,
        ping_role_id=event.ping_role_id,
    )
    return DeliveryClaim(
        delivery.id, reminder.id, delivery.target, delivery.recipient_id, notice, attempt=delivery.attempts + 1
    )


@dataclass(frozen=True)
class DeliveryOutcome:
    """What happened to one message: sent, skipped (closed DMs), retry (429, 5xx, network) or failed."""

    status: str
    error: str | None = None
    retry_after: float | None = None


async def record_delivery(
    session: AsyncSession, *, claim: DeliveryClaim, outcome: DeliveryOutcome, now: datetime
) -> datetime | None:
    """Record how a claimed delivery went; return when to try again, if it should be."""
    retry_at = None
    if outcome.status == "retry" and claim.attempt < MAX_ATTEMPTS:
        backoff = min(FIRST_RETRY * 2 ** (claim.attempt - 1), LONGEST_RETRY)
        retry_at = now + max(backoff, timedelta(seconds=outcome.retry_after or 0))
        values: dict[str, object] = {"status": PENDING, "next_attempt_at": retry_at, "error": outcome.error}
    else:
        status = FAILED if outcome.status == "retry" else outcome.status
        values = {"status": status, "finished_at": now, "error": outcome.error}
    await session.execute(
        update(ReminderDelivery)
        .where(ReminderDelivery.id == claim.id, ReminderDelivery.status == SENDING)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return retry_at


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
            note=f"{failed} of {len(rows)} deliveries failed" if failed else None,
        )
        .execution_options(synchronize_session=False)
    )
    return None


async def _expire_stale_claims(
    session: AsyncSession, reminder_id: int, *, claimed_before: datetime, now: datetime
) -> None:
    """At most once: a delivery claimed by a process that died mid-send is never sent again."""
    await session.execute(
        update(ReminderDelivery)
        .where(
            ReminderDelivery.reminder_id == reminder_id,
            ReminderDelivery.status == SENDING,
            ReminderDelivery.claimed_at <= claimed_before,
        )
        .values(
            status=UNCONFIRMED,
            finished_at=now,
            error="claimed, then the bot stopped before recording the outcome",
        )
        .execution_options(synchronize_session=False)
    )


async def _skip_remaining(session: AsyncSession, reminder_id: int, now: datetime, note: str) -> None:
    await session.execute(
        update(ReminderDelivery)
        .where(ReminderDelivery.reminder_id == reminder_id, ReminderDelivery.status == PENDING)
        .values(status=SKIPPED, finished_at=now, error=note)
        .execution_options(synchronize_session=False)
    )
    await _settle(session, reminder_id, now)


async def _finish_unsent(session: AsyncSession, reminder_id: int, now: datetime, status: str, note: str) -> None:
    await session.execute(
        update(Reminder)
        .where(Reminder.id == reminder_id, Reminder.status == PENDING)
        .values(status=status, finished_at=now, note=note)
        .execution_options(synchronize_session=False)
    )


async def sweep_stale_deliveries(
    session: AsyncSession, *, now: datetime, stale_after: timedelta = STALE_CLAIM
) -> list[int]:
    """Expire claims of dead processes everywhere; return reminders that can now be settled or resumed."""
    stale = (
        await session.scalars(
            select(ReminderDelivery.reminder_id)
            .where(ReminderDelivery.status == SENDING, ReminderDelivery.claimed_at <= now - stale_after)
            .distinct()
            # One order in every instance, so two sweeping at once queue for the same rows instead of deadlocking.
            .order_by(ReminderDelivery.reminder_id)
        )
    ).all()
    for reminder_id in stale:
        await _expire_stale_claims(session, reminder_id, claimed_before=now - stale_after, now=now)
        await _settle(session, reminder_id, now)
    return list(stale)


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
