"""Members' data rights: export everything the bot holds about a member, forget them, and retention.

What is kept, why and for how long is written down in docs/privacy.md; keep the two in step. Every table
that stores a member id is read here: panel questions (author) and votes, event answers and reminder opt-ins
(`event_attendees`), reminder DMs addressed to them (`reminder_deliveries`), their time zone, practices they
submitted, and what they did as a moderator (events and panels created, questions decided, practices
reviewed). The export names nobody else: other members' ids never appear in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.attendance import GOING, move_up_waiting
from db.events import SCHEDULED
from db.member_feeds import member_feed_export, revoke_member_feed
from db.models import (
    Event,
    EventAttendee,
    MemberPreference,
    Panel,
    PanelBlock,
    PanelScreen,
    Practice,
    Question,
    Reminder,
    ReminderDelivery,
    Vote,
)
from db.models.base import utcnow
from db.models.events import WHOLE_EVENT
from db.models.panels import PANEL_CLOSED, PANEL_OPEN
from db.notices import forget_member_notices, member_notices
from db.panels import panelist_label
from db.questions import member_questions
from db.reminders import DM, SENDING, settle_reminder

EXPORT_FORMAT = "coalition-bot member data"
EXPORT_VERSION = 1


def _iso(instant: datetime | None) -> str | None:
    """UTC ISO-8601, the one time format of the export."""
    return instant.astimezone(UTC).isoformat(timespec="seconds") if instant else None


def _event(event_id: int, title: str, starts_at: datetime, status: str) -> dict[str, Any]:
    return {"id": event_id, "title": title, "starts_at": _iso(starts_at), "status": status}


def _panel(panel_id: int, title: str) -> dict[str, Any]:
    return {"id": panel_id, "title": title}


async def export_member_data(session: AsyncSession, *, member_id: int) -> dict[str, Any]:
    """Everything the bot holds about one member, as JSON-ready values with readable context."""
    preference = await session.get(MemberPreference, member_id)
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        # A string: Discord ids are larger than what JSON readers in JavaScript keep exactly.
        "member_id": str(member_id),
        "exported_at": _iso(utcnow()),
        "time_zone": {"zone": preference.timezone, "updated_at": _iso(preference.updated_at)}
        if preference and preference.timezone
        else None,
        "discord_locale": preference.locale if preference else None,
        # False after /event notices off: no DMs about changed, cancelled or moved-up events.
        "event_notices_on": preference.event_notices if preference else True,
        "questions": [
            {
                "panel": _panel(question.panel.id, question.panel.title),
                "number": question.number,
                "text": question.text,
                "anonymous": question.anonymous,
                "to": panelist_label(question.panelist) if question.panelist else None,
                "status": question.status,
                "asked_at": _iso(question.asked_at),
                "answered_at": _iso(question.answered_at),
            }
            for question in await member_questions(session, member_id=member_id)
        ],
        "votes": await _votes(session, member_id),
        "event_answers": await _event_answers(session, member_id),
        "reminder_dms": await _reminder_dms(session, member_id),
        "event_notices": await member_notices(session, member_id=member_id),
        "calendar_feed": await member_feed_export(session, member_id=member_id),
        "submitted_practices": await _submitted_practices(session, member_id),
        "moderator_actions": await _moderator_actions(session, member_id),
    }


async def _votes(session: AsyncSession, member_id: int) -> list[dict[str, Any]]:
    rows = await session.execute(
        select(Vote.voted_at, Question.number, Question.text, Panel.id, Panel.title)
        .join(Question, Question.id == Vote.question_id)
        .join(Panel, Panel.id == Question.panel_id)
        .where(Vote.member_id == member_id)
        .order_by(Vote.voted_at, Question.id)
    )
    return [
        {"panel": _panel(panel_id, title), "question_number": number, "question_text": text, "voted_at": _iso(at)}
        for at, number, text, panel_id, title in rows
    ]


async def _event_answers(session: AsyncSession, member_id: int) -> list[dict[str, Any]]:
    rows = await session.execute(
        select(EventAttendee, Event.id, Event.title, Event.starts_at, Event.status)
        .join(Event, Event.id == EventAttendee.event_id)
        .where(EventAttendee.member_id == member_id)
        .order_by(Event.starts_at, Event.id, EventAttendee.occurrence_start)
    )
    return [
        {
            "event": _event(event_id, title, starts_at, status),
            # Of a series, the occurrence answered (the start its rule gives it); None: the whole event.
            "occurrence": None if attendee.occurrence_start == WHOLE_EVENT else _iso(attendee.occurrence_start),
            "rsvp": attendee.rsvp,
            "dm_reminders": attendee.reminders,
            "updated_at": _iso(attendee.updated_at),
        }
        for attendee, event_id, title, starts_at, status in rows
    ]


async def _reminder_dms(session: AsyncSession, member_id: int) -> list[dict[str, Any]]:
    rows = await session.execute(
        select(ReminderDelivery, Reminder.occurrence_start, Event.id, Event.title, Event.starts_at, Event.status)
        .join(Reminder, Reminder.id == ReminderDelivery.reminder_id)
        .join(Event, Event.id == Reminder.event_id)
        .where(ReminderDelivery.target == DM, ReminderDelivery.recipient_id == member_id)
        .order_by(Reminder.due_at, ReminderDelivery.id)
    )
    return [
        {
            "event": _event(event_id, title, starts_at, status),
            "occurrence_starts_at": _iso(occurrence_start),
            "status": delivery.status,
            "attempts": delivery.attempts,
            "finished_at": _iso(delivery.finished_at),
            "note": delivery.error,
        }
        for delivery, occurrence_start, event_id, title, starts_at, status in rows
    ]


async def _submitted_practices(session: AsyncSession, member_id: int) -> list[dict[str, Any]]:
    practices = await session.scalars(
        select(Practice).where(Practice.submitted_by == member_id).order_by(Practice.created_at, Practice.id)
    )
    return [
        {
            "title": practice.title,
            "summary": practice.summary,
            "details": practice.details,
            "country_or_platform": practice.submitted_platform,
            "link": practice.link,
            "status": practice.status,
            "submitted_at": _iso(practice.created_at),
            "reviewed_at": _iso(practice.reviewed_at),
        }
        for practice in practices
    ]


async def _moderator_actions(session: AsyncSession, member_id: int) -> dict[str, list[dict[str, Any]]]:
    events = await session.execute(
        select(Event.id, Event.title, Event.starts_at, Event.status, Event.created_at)
        .where(Event.created_by == member_id)
        .order_by(Event.created_at, Event.id)
    )
    panels = await session.execute(
        select(Panel.id, Panel.title, Panel.status, Panel.created_at)
        .where(Panel.created_by == member_id)
        .order_by(Panel.created_at, Panel.id)
    )
    decided = await session.execute(
        select(Panel.id, Panel.title, Question.number, Question.status)
        .join(Panel, Panel.id == Question.panel_id)
        .where(Question.decided_by == member_id)
        .order_by(Question.id)
    )
    reviewed = await session.execute(
        select(Practice.title, Practice.status, Practice.reviewed_at)
        .where(Practice.reviewed_by == member_id)
        .order_by(Practice.reviewed_at, Practice.id)
    )
    screens = await session.execute(
        select(Panel.id, Panel.title, PanelScreen.created_at, PanelScreen.revoked_at)
        .join(Panel, Panel.id == PanelScreen.panel_id)
        .where(PanelScreen.created_by == member_id)
        .order_by(PanelScreen.created_at, PanelScreen.id)
    )
    return {
        "events_created": [
            {**_event(event_id, title, starts_at, status), "created_at": _iso(created_at)}
            for event_id, title, starts_at, status, created_at in events
        ],
        "panels_opened": [
            {**_panel(panel_id, title), "status": status, "opened_at": _iso(created_at)}
            for panel_id, title, status, created_at in panels
        ],
        "questions_decided": [
            {"panel": _panel(panel_id, title), "question_number": number, "status_now": status}
            for panel_id, title, number, status in decided
        ],
        "practices_reviewed": [
            {"title": title, "status": status, "reviewed_at": _iso(reviewed_at)}
            for title, status, reviewed_at in reviewed
        ],
        "presenter_links_opened": [
            {"panel": _panel(panel_id, title), "opened_at": _iso(created_at), "revoked_at": _iso(revoked_at)}
            for panel_id, title, created_at, revoked_at in screens
        ],
    }


@dataclass(frozen=True)
class ForgetReport:
    """What forgetting a member changed, per kind, and which posted messages now show something else."""

    votes: int = 0
    rsvps: int = 0
    reminder_opt_ins: int = 0
    reminder_dms: int = 0
    event_notices: int = 0
    calendar_feed: int = 0
    time_zone: int = 0
    questions: int = 0
    practices: int = 0
    # Posted question messages that named the member or counted their vote while the panel is open.
    changed_question_ids: list[int] = field(default_factory=list)
    # Announcements of scheduled events whose RSVP counts included the member.
    changed_event_ids: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return (
            self.votes
            + self.rsvps
            + self.reminder_opt_ins
            + self.reminder_dms
            + self.event_notices
            + self.calendar_feed
            + self.time_zone
            + self.questions
            + self.practices
        )


async def forget_member(session: AsyncSession, *, member_id: int) -> ForgetReport:
    """Delete a member's votes, event answers, reminder DMs and time zone; drop them from questions and practices.

    Question and practice texts stay (anonymous, without the member's id) so panel records and the knowledge
    base stay whole. Counts are always computed from the remaining rows, so they stay right. Running it twice
    changes nothing the second time.
    """
    voted = (
        (await session.execute(delete(Vote).where(Vote.member_id == member_id).returning(Vote.question_id)))
        .scalars()
        .all()
    )
    named = (
        await session.scalars(
            select(Question.id).where(
                Question.author_id == member_id, Question.anonymous.is_(False), Question.message_id.is_not(None)
            )
        )
    ).all()
    counted = (
        await session.scalars(
            select(Question.id)
            .join(Panel, Panel.id == Question.panel_id)
            .where(Question.id.in_(voted), Panel.status == PANEL_OPEN, Question.message_id.is_not(None))
        )
    ).all()
    questions = await session.execute(
        update(Question)
        .where(Question.author_id == member_id)
        .values(author_id=None, anonymous=True)
        .execution_options(synchronize_session=False)
    )
    # A block names the member too; once they are forgotten, no row may still say who was blocked.
    await session.execute(delete(PanelBlock).where(PanelBlock.member_id == member_id))

    answers = (
        await session.execute(
            select(
                EventAttendee.event_id,
                EventAttendee.occurrence_start,
                EventAttendee.rsvp,
                EventAttendee.reminders,
                Event.status,
            )
            .join(Event, Event.id == EventAttendee.event_id)
            .where(EventAttendee.member_id == member_id)
        )
    ).all()
    await session.execute(delete(EventAttendee).where(EventAttendee.member_id == member_id))
    # A seat they held goes to the first in line, who is told, as when a member answers Not going.
    for event_id, occurrence, rsvp, _reminders, status in answers:
        if rsvp == GOING and status == SCHEDULED:
            event = await session.get_one(Event, event_id)
            await move_up_waiting(session, event=event, occurrence=occurrence, now=utcnow())

    # Every DM delivery to them, pending ones included, so no reminder DMs them after this; a reminder left
    # with nothing to send is settled here, as the sender would have done.
    dropped = (
        (
            await session.execute(
                delete(ReminderDelivery)
                .where(ReminderDelivery.target == DM, ReminderDelivery.recipient_id == member_id)
                .returning(ReminderDelivery.reminder_id)
            )
        )
        .scalars()
        .all()
    )
    sending = await session.scalars(
        select(Reminder.id).where(Reminder.id.in_(sorted(set(dropped))), Reminder.status == SENDING)
    )
    for reminder_id in sending.all():
        await settle_reminder(session, reminder_id=reminder_id, now=utcnow())

    notices = await forget_member_notices(session, member_id=member_id)
    feed = await revoke_member_feed(session, member_id=member_id)
    preference = await session.execute(delete(MemberPreference).where(MemberPreference.member_id == member_id))
    practices = await session.execute(
        update(Practice)
        .where(Practice.submitted_by == member_id)
        .values(submitted_by=None)
        .execution_options(synchronize_session=False)
    )
    await session.flush()
    return ForgetReport(
        votes=len(voted),
        rsvps=sum(rsvp is not None for _event_id, _occurrence, rsvp, _reminders, _status in answers),
        reminder_opt_ins=sum(reminders for _event_id, _occurrence, _rsvp, reminders, _status in answers),
        reminder_dms=len(dropped),
        event_notices=notices,
        calendar_feed=int(feed),
        time_zone=preference.rowcount,  # type: ignore[attr-defined]
        questions=questions.rowcount,  # type: ignore[attr-defined]
        practices=practices.rowcount,  # type: ignore[attr-defined]
        changed_question_ids=sorted(set(named) | set(counted)),
        changed_event_ids=sorted(
            {
                event_id
                for event_id, _occurrence, rsvp, _reminders, status in answers
                if rsvp is not None and status == SCHEDULED
            }
        ),
    )


async def drop_expired_question_authors(session: AsyncSession, *, now: datetime, retention_days: int) -> int:
    """Forget who asked the questions of panels closed more than `retention_days` ago; return how many.

    Only rows still holding an author change, so two instances running it at once are harmless.
    """
    expired = select(Panel.id).where(
        Panel.status == PANEL_CLOSED, Panel.closed_at < now - timedelta(days=retention_days)
    )
    result = await session.execute(
        update(Question)
        .where(Question.panel_id.in_(expired), Question.author_id.is_not(None))
        .values(author_id=None)
        .execution_options(synchronize_session=False)
    )
    # Who was blocked on those panels goes with who asked.
    await session.execute(delete(PanelBlock).where(PanelBlock.panel_id.in_(expired)))
    return result.rowcount  # type: ignore[attr-defined]
