"""Panel Q&A: panels, their panelists, audience questions and upvotes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base, utcnow

PANEL_OPEN = "open"
PANEL_CLOSED = "closed"

# A question's life: pending (moderated panels) → open → answered; hidden is a moderator's verdict.
PENDING = "pending"
OPEN = "open"
ANSWERED = "answered"
HIDDEN = "hidden"
QUESTION_STATUSES = (PENDING, OPEN, ANSWERED, HIDDEN)


class Panel(Base):
    """A panel discussion whose audience asks questions in one channel."""

    __tablename__ = "panels"
    __table_args__ = (
        # One open panel per channel, enforced by the database as well as checked by the service.
        Index(
            "ix_panels_open_channel",
            "channel_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        Index("ix_panels_guild_created", "guild_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    channel_id: Mapped[int] = mapped_column(BigInteger)
    title: Mapped[str] = mapped_column(String(200))
    topics: Mapped[list[str]] = mapped_column(default=list)
    moderated: Mapped[bool] = mapped_column(default=False)
    anonymous_allowed: Mapped[bool] = mapped_column(default=True)
    # What the word filter does with a listed word: off, censor (shown as ***) or review (held for approval).
    word_filter: Mapped[str] = mapped_column(String(10), default="off", server_default="off")
    status: Mapped[str] = mapped_column(String(20), default=PANEL_OPEN)
    # The last question number handed out; raised in the same transaction that stores the question, so
    # numbers are gapless and unique (the row update serialises writers on PostgreSQL too).
    last_number: Mapped[int] = mapped_column(default=0)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    moderator_channel_id: Mapped[int | None] = mapped_column(BigInteger)
    # Members with this role may attach written answers to the panel's questions, as moderators can.
    panelist_role_id: Mapped[int | None] = mapped_column(BigInteger)
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]

    panelists: Mapped[list[Panelist]] = relationship(
        back_populates="panel", lazy="raise", order_by="Panelist.position", cascade="all, delete-orphan"
    )


class Panelist(Base):
    """A speaker on a panel, linked to a platform's card when their organisation is a known platform."""

    __tablename__ = "panelists"
    __table_args__ = (UniqueConstraint("panel_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(100))
    organisation: Mapped[str | None] = mapped_column(String(200))
    platform_slug: Mapped[str | None] = mapped_column(String(80))

    panel: Mapped[Panel] = relationship(back_populates="panelists", lazy="raise")


class Question(Base):
    """One audience question; the author is kept even when anonymous, only to enforce limits.

    `author_id` is None once the author asked to be forgotten or the retention period after the panel closed
    has passed; the text stays, so the panel's record stays whole.
    """

    __tablename__ = "panel_questions"
    __table_args__ = (
        UniqueConstraint("panel_id", "number"),
        Index("ix_panel_questions_panel_status", "panel_id", "status"),
        Index("ix_panel_questions_author", "author_id", "panel_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id", ondelete="CASCADE"))
    number: Mapped[int]
    # What everyone sees: censored by the word filter or edited by a moderator, else the text as asked.
    text: Mapped[str] = mapped_column(Text)
    # The text as the member asked it, kept for moderators and the export once `text` differs from it.
    original_text: Mapped[str | None] = mapped_column(Text)
    # The listed terms the word filter found, comma-separated, for moderators.
    filter_hits: Mapped[str | None] = mapped_column(String(200))
    panelist_id: Mapped[int | None] = mapped_column(ForeignKey("panelists.id", ondelete="SET NULL"))
    # The panel's labels (its topics and panelists' names) the question carries; `to:` a panelist is one.
    labels: Mapped[list[str]] = mapped_column(default=list, server_default="[]")
    author_id: Mapped[int | None] = mapped_column(BigInteger)
    anonymous: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default=OPEN)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    asked_at: Mapped[datetime] = mapped_column(default=utcnow)
    approved_at: Mapped[datetime | None]
    # Set by /panel next; the panel's open question with this set is the one being answered now.
    highlighted_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    hidden_at: Mapped[datetime | None]
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    # A moderator's short written answer, shown under the question, on the screen and in the export.
    answer_text: Mapped[str | None] = mapped_column(Text)
    answer_by: Mapped[int | None] = mapped_column(BigInteger)
    answer_at: Mapped[datetime | None]

    panel: Mapped[Panel] = relationship(lazy="raise")
    panelist: Mapped[Panelist | None] = relationship(lazy="raise")


class Vote(Base):
    """One member's upvote of one question; the primary key makes it one vote per member."""

    __tablename__ = "panel_votes"

    question_id: Mapped[int] = mapped_column(ForeignKey("panel_questions.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    voted_at: Mapped[datetime] = mapped_column(default=utcnow)


class QuestionEdit(Base):
    """One moderator's edit of a question's text, for the export's audit column."""

    __tablename__ = "panel_question_edits"
    __table_args__ = (Index("ix_panel_question_edits_question", "question_id", "edited_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("panel_questions.id", ondelete="CASCADE"))
    old_text: Mapped[str] = mapped_column(Text)
    new_text: Mapped[str] = mapped_column(Text)
    edited_by: Mapped[int] = mapped_column(BigInteger)
    edited_at: Mapped[datetime] = mapped_column(default=utcnow)


class PanelBlock(Base):
    """A member a moderator stopped from asking and voting on one panel; found by their question, never shown."""

    __tablename__ = "panel_blocks"

    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    # The question that led to the block: how moderators name an anonymous asker without learning who it is.
    question_number: Mapped[int]
    blocked_by: Mapped[int] = mapped_column(BigInteger)
    blocked_at: Mapped[datetime] = mapped_column(default=utcnow)
