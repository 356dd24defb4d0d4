"""Events: events, attendees, reminders with per-recipient deliveries, and member time zones.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.models.base import UTCDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("guild_id", sa.BigInteger()),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("location", sa.String(300)),
        sa.Column("url", sa.String(500)),
        sa.Column("host_platform_id", sa.Integer()),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("ends_at", UTCDateTime(), nullable=False),
        sa.Column("rrule", sa.String(300)),
        sa.Column("series_ends_at", UTCDateTime()),
        sa.Column("reminder_offsets", sa.JSON(), nullable=False),
        sa.Column("channel_id", sa.BigInteger()),
        sa.Column("ping_role_id", sa.BigInteger()),
        sa.Column("announcement_channel_id", sa.BigInteger()),
        sa.Column("announcement_message_id", sa.BigInteger()),
        sa.Column("discord_event_id", sa.BigInteger()),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("cancel_reason", sa.Text()),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("cancelled_at", UTCDateTime()),
        sa.Column("planned_until", UTCDateTime()),
        sa.ForeignKeyConstraint(
            ["host_platform_id"],
            ["platforms.id"],
            ondelete="SET NULL",
            name=op.f("fk_events_host_platform_id_platforms"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    op.create_index("ix_events_status_series_ends_at", "events", ["status", "series_ends_at"])
    op.create_table(
        "event_attendees",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=False),
        sa.Column("rsvp", sa.String(12)),
        sa.Column("reminders", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], ondelete="CASCADE", name=op.f("fk_event_attendees_event_id_events")
        ),
        sa.PrimaryKeyConstraint("event_id", "member_id", name=op.f("pk_event_attendees")),
    )
    op.create_index("ix_event_attendees_event_id_reminders", "event_attendees", ["event_id", "reminders"])
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("occurrence_start", UTCDateTime(), nullable=False),
        sa.Column("offset_seconds", sa.Integer(), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("claimed_at", UTCDateTime()),
        sa.Column("claimed_by", sa.String(64)),
        sa.Column("finished_at", UTCDateTime()),
        sa.Column("note", sa.Text()),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], ondelete="CASCADE", name=op.f("fk_reminders_event_id_events")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
        sa.UniqueConstraint(
            "event_id", "occurrence_start", "offset_seconds", name=op.f("uq_reminders_occurrence_offset")
        ),
    )
    op.create_index("ix_reminders_event_id", "reminders", ["event_id"])
    op.create_index("ix_reminders_status_due_at", "reminders", ["status", "due_at"])
    op.create_table(
        "reminder_deliveries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("reminder_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(8), nullable=False),
        sa.Column("recipient_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime()),
        sa.Column("claimed_at", UTCDateTime()),
        sa.Column("finished_at", UTCDateTime()),
        sa.Column("error", sa.Text()),
        sa.ForeignKeyConstraint(
            ["reminder_id"],
            ["reminders.id"],
            ondelete="CASCADE",
            name=op.f("fk_reminder_deliveries_reminder_id_reminders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_deliveries")),
        sa.UniqueConstraint("reminder_id", "target", "recipient_id", name=op.f("uq_reminder_deliveries_recipient")),
    )
    op.create_index("ix_reminder_deliveries_reminder_id_status", "reminder_deliveries", ["reminder_id", "status"])
    op.create_table(
        "member_preferences",
        sa.Column("member_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_member_preferences")),
    )


def downgrade() -> None:
    op.drop_table("member_preferences")
    op.drop_index("ix_reminder_deliveries_reminder_id_status", table_name="reminder_deliveries")
    op.drop_table("reminder_deliveries")
    op.drop_index("ix_reminders_status_due_at", table_name="reminders")
    op.drop_index("ix_reminders_event_id", table_name="reminders")
    op.drop_table("reminders")
    op.drop_index("ix_event_attendees_event_id_reminders", table_name="event_attendees")
    op.drop_table("event_attendees")
    op.drop_index("ix_events_status_series_ends_at", table_name="events")
    op.drop_table("events")
