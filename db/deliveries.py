"""Sending a reminder exactly once: claiming it, fixing its recipients, and claiming and recording each delivery.

Each delivery (the channel post, one DM per opted-in member) is claimed on its own (`pending` → `sending`,
committed) before its message goes out, and confirmed after. A delivery still `sending` after a crash is never
retried: it becomes `unconfirmed`. At most once per recipient is the policy: a reminder must never arrive twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.members import member_locale
from db.models import Event, EventAttendee, Reminder, ReminderDelivery
from db.models.events import WHOLE_EVENT
from db.occurrences import original_of
from db.reminders import (
    CHANNEL,
    DM,
    FAILED,
    PENDING,
    SENDING,
    SENT,
    SKIPPED,
    UNCONFIRMED,
    extend_reminder_plans,
    finish_unsent,
    schedulable_reminders,
    settle_reminder,
    skip_remaining_deliveries,
)
from db.session_state import ScheduledReminder
from rules.i18n import N_

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(minutes=15)
# A delivery claimed longer ago than this without an outcome belongs to a process that died mid-send.
STALE_CLAIM = timedelta(minutes=5)


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
    # The Discord locale a DM's recipient last acted in (None: English); a channel post reads the server's language.
    locale: str | None = None


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
            await finish_unsent(session, reminder.id, now, SKIPPED, reason)
            return []
        claimed = await session.execute(
            update(Reminder)
            .where(Reminder.id == reminder.id, Reminder.status == PENDING)
            .values(status=SENDING, claimed_at=now, claimed_by=instance)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            assert event is not None
            await _fan_out(session, reminder.id, event, reminder.occurrence_start, fallback_channel_id, now)
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
        return N_("event cancelled")
    if reminder.occurrence_start <= now:
        return N_("missed: the event had already started when the bot could send it")
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
    return N_("superseded by a later reminder that is due as well") if later_due else ""


async def _reminded_members(session: AsyncSession, event: Event, occurrence_start: datetime) -> list[int]:
    """Members who get this occurrence's reminders by DM: their answer to the occurrence decides (Going on, Not
    going off), else their "remind me" for the whole event."""
    key = original_of(event, occurrence_start)
    rows = await session.execute(
        select(EventAttendee.member_id, EventAttendee.occurrence_start, EventAttendee.reminders).where(
            EventAttendee.event_id == event.id, EventAttendee.occurrence_start.in_({key, WHOLE_EVENT})
        )
    )
    wanted: dict[int, bool] = {}
    for member_id, answered, reminders in rows:
        if answered == key or member_id not in wanted:
            wanted[member_id] = reminders
    return sorted(member_id for member_id, on in wanted.items() if on)


async def _fan_out(
    session: AsyncSession,
    reminder_id: int,
    event: Event,
    occurrence_start: datetime,
    fallback_channel_id: int | None,
    now: datetime,
) -> None:
    channel_id = event.channel_id or event.announcement_channel_id or fallback_channel_id
    recipients = [(CHANNEL, channel_id)] if channel_id else []
    recipients += [(DM, member_id) for member_id in await _reminded_members(session, event, occurrence_start)]
    session.add_all(
        ReminderDelivery(reminder_id=reminder_id, target=target, recipient_id=recipient, status=PENDING, attempts=0)
        for target, recipient in recipients
    )
    await session.flush()
    if not recipients:
        await settle_reminder(session, reminder_id=reminder_id, now=now)


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
        await skip_remaining_deliveries(
            session, reminder.id, now, N_("the event started or was cancelled before it could be sent")
        )
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
    locale = await member_locale(session, member_id=delivery.recipient_id) if delivery.target == DM else None
    return DeliveryClaim(
        delivery.id,
        reminder.id,
        delivery.target,
        delivery.recipient_id,
        notice,
        attempt=delivery.attempts + 1,
        locale=locale,
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
        await settle_reminder(session, reminder_id=reminder_id, now=now)
    return list(stale)


async def refresh_plans(
    session: AsyncSession, *, now: datetime, until: datetime, stale_after: timedelta, limit: int
) -> tuple[list[ScheduledReminder], datetime]:
    """The planner's pass: extend series, expire dead claims, then list what the timer must hold (see
    `schedulable_reminders`)."""
    await extend_reminder_plans(session, now=now)
    await sweep_stale_deliveries(session, now=now, stale_after=stale_after)
    return await schedulable_reminders(session, until=until, now=now, limit=limit)


@dataclass
class DeliveryStep:
    """Where sending a reminder stands after one transaction: the delivery claimed to send next (if any), the
    deliveries still to try, and, once none is left, when to try again (None: the reminder is done)."""

    claim: DeliveryClaim | None
    waiting: list[int]
    retry_at: datetime | None = None


async def begin_delivering(
    session: AsyncSession,
    *,
    reminder_id: int,
    now: datetime,
    instance: str,
    fallback_channel_id: int | None,
    stale_after: timedelta,
    claim_next: bool,
) -> DeliveryStep:
    """Claim a due reminder (see `start_reminder`) and, unless told not to, its first delivery."""
    waiting = await start_reminder(
        session,
        reminder_id=reminder_id,
        now=now,
        instance=instance,
        fallback_channel_id=fallback_channel_id,
        stale_after=stale_after,
    )
    return await _next_step(session, reminder_id, waiting, now, claim_next=claim_next)


async def continue_delivering(
    session: AsyncSession,
    *,
    reminder_id: int,
    claim: DeliveryClaim,
    outcome: DeliveryOutcome,
    waiting: list[int],
    now: datetime,
    claim_next: bool,
) -> DeliveryStep:
    """Record how one delivery went and, in the same transaction, claim the next one still wanted."""
    await record_delivery(session, claim=claim, outcome=outcome, now=now)
    return await _next_step(session, reminder_id, waiting, now, claim_next=claim_next)


async def _next_step(
    session: AsyncSession, reminder_id: int, waiting: list[int], now: datetime, *, claim_next: bool
) -> DeliveryStep:
    """Claim the next delivery still wanted; when none is left, settle the reminder (maybe a retry time)."""
    if not claim_next:
        return DeliveryStep(None, waiting)
    while waiting:
        claim = await claim_delivery(session, delivery_id=waiting.pop(0), now=now)
        if claim is not None:
            return DeliveryStep(claim, waiting)
    return DeliveryStep(None, waiting, await settle_reminder(session, reminder_id=reminder_id, now=now))
