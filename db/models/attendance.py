"""Notices to the members who answered an event: what changed, that it was cancelled, that they were moved up."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, utcnow


class EventNotice(Base):
    """One DM to one member about one change; claimed (committed) before it is sent, so it goes at most once."""

    __tablename__ = "event_notices"
    __table_args__ = (Index("ix_event_notices_status_created_at", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(BigInteger, index=True)
    # "changed", "cancelled" or "moved_up" (from the waiting list).
    kind: Mapped[str] = mapped_column(String(12))
    # Data only (ISO instants and places before and after), rendered by the events feature when sent.
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # pending → sending (claimed) → sent | skipped (DMs closed) | failed | unconfirmed (claimed, outcome unknown).
    status: Mapped[str] = mapped_column(String(12), default="pending")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)


class MemberCalendarFeed(Base):
    """A member's secret calendar link (events they answered Going to). Only the SHA-256 of its token is kept."""

    __tablename__ = "member_calendar_feeds"

    member_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
