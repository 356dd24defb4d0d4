"""Per-member preferences the bot needs to read their input the way they mean it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String, true
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, utcnow


class MemberPreference(Base):
    """A member's own IANA time zone, used to read the times they type, and the Discord locale their DMs are
    written in (the client language they last used the bot with)."""

    __tablename__ = "member_preferences"

    member_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    timezone: Mapped[str | None] = mapped_column(String(64))
    locale: Mapped[str | None] = mapped_column(String(16))
    # False: the member asked for no DMs about changed, cancelled or moved-up events (/event notices off).
    event_notices: Mapped[bool] = mapped_column(default=True, server_default=true())
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
