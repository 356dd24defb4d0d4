"""Events: coalition meetings, who is coming, and the reminders planned and delivered for them."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base, utcnow
from db.models.knowledge import Platform


class Event(Base):
    """One meeting or a recurring series; times are UTC, `timezone` is the zone its wall clock lives in."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_status_series_ends_at", "status", "series_ends_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int | None] = mapped_column(BigInteger)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str | None] = mapped_column(String(300))
    url: Mapped[str | None] = mapped_column(String(500))
    host_platform_id: Mapped[int | None] = mapped_column(ForeignKey("platforms.id", ondelete="SET NULL"))
    timezone: Mapped[str] = mapped_column(String(64))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    # RFC 5545 RRULE body (no "RRULE:"), UNTIL in UTC; None for a one-off event.
    rrule: Mapped[str | None] = mapped_column(String(300))
    # End of the last occurrence; None while a series runs on forever. Lets "upcoming" be one indexed query.
    series_ends_at: Mapped[datetime | None]
    reminder_offsets: Mapped[list[int]] = mapped_column(JSON, default=list)
    channel_id: Mapped[int | None] = mapped_column(BigInteger)
    ping_role_id: Mapped[int | None] = mapped_column(BigInteger)
    announcement_channel_id: Mapped[int | None] = mapped_column(BigInteger)
    announcement_message_id: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(20), default="scheduled")
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    cancelled_at: Mapped[datetime | None]
    # Reminders due up to this instant have been planned; the planner extends it as time passes.
    planned_until: Mapped[datetime | None]
    # Who may answer: at most `capacity` Going (the rest wait), until `rsvp_cutoff_seconds` before each start
    # (None: until the start), members of `rsvp_role_id` only (None: everyone).
    capacity: Mapped[int | None]
    rsvp_cutoff_seconds: Mapped[int | None]
    rsvp_role_id: Mapped[int | None] = mapped_column(BigInteger)
    # The occurrence start before the last move, so the announcement can strike it through.
    moved_from: Mapped[datetime | None]

    host: Mapped[Platform | None] = relationship(lazy="raise")
    # Few per series and needed wherever occurrences are listed, so loaded with the event (no hidden I/O later).
    occurrence_changes: Mapped[list[OccurrenceChange]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="OccurrenceChange.original_start"
    )


# The `occurrence_start` of an answer to a whole event: a one-off event, or "remind me of every occurrence".
WHOLE_EVENT = datetime(1970, 1, 1, tzinfo=UTC)


class EventAttendee(Base):
    """A member's answer to an event (or to one occurrence of a series) and whether they want its DM reminders."""

    __tablename__ = "event_attendees"
    __table_args__ = (Index("ix_event_attendees_event_id_reminders", "event_id", "reminders"),)

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    # A series' occurrence, by the start its rule gives it (UTC), as its exceptions are keyed; WHOLE_EVENT otherwise.
    occurrence_start: Mapped[datetime] = mapped_column(primary_key=True, default=WHOLE_EVENT)
    member_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    rsvp: Mapped[str | None] = mapped_column(String(12))
    reminders: Mapped[bool] = mapped_column(default=False)
    # Set while the member is on the waiting list (rsvp "waiting"): the earliest is moved up first.
    waiting_since: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Reminder(Base):
    """One reminder of one occurrence; the unique key makes planning the same reminder twice impossible."""

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("event_id", "occurrence_start", "offset_seconds", name="uq_reminders_occurrence_offset"),
        Index("ix_reminders_status_due_at", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    occurrence_start: Mapped[datetime]
    offset_seconds: Mapped[int]
    due_at: Mapped[datetime]
    # pending → sending (claimed, recipients fixed) → sent | failed; or skipped | cancelled without sending.
    status: Mapped[str] = mapped_column(String(12), default="pending")
    claimed_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    finished_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)


class ReminderDelivery(Base):
    """One message of a reminder to one place: the event's channel or one member's DMs."""

    __tablename__ = "reminder_deliveries"
    __table_args__ = (
        UniqueConstraint("reminder_id", "target", "recipient_id", name="uq_reminder_deliveries_recipient"),
        Index("ix_reminder_deliveries_reminder_id_status", "reminder_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reminder_id: Mapped[int] = mapped_column(ForeignKey("reminders.id", ondelete="CASCADE"))
    target: Mapped[str] = mapped_column(String(8))  # "channel" or "dm"
    recipient_id: Mapped[int] = mapped_column(BigInteger)
    # pending → sending (claimed) → sent | skipped | failed | unconfirmed (claimed, outcome never recorded).
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    claimed_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)


class OccurrenceChange(Base):
    """One occurrence of a series that differs from its rule: skipped, or moved to another start and end."""

    __tablename__ = "event_occurrence_changes"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    # Where the rule puts the occurrence (UTC): its identity, whatever it was moved to (RECURRENCE-ID in iCalendar).
    original_start: Mapped[datetime] = mapped_column(primary_key=True)
    skipped: Mapped[bool] = mapped_column(default=False)
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class NativeEvent(Base):
    """The Discord scheduled event listing one occurrence in the server's Events tab."""

    __tablename__ = "event_native_events"
    __table_args__ = (UniqueConstraint("discord_event_id", name="uq_event_native_events_discord_event_id"),)

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    original_start: Mapped[datetime] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    # None while one process is creating it (claimed at `claimed_at`): others leave the occurrence to it.
    discord_event_id: Mapped[int | None] = mapped_column(BigInteger)
    claimed_at: Mapped[datetime | None]
    # What the native event shows now, so a pass edits only what changed.
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    cancelled: Mapped[bool] = mapped_column(default=False)
