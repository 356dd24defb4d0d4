"""Series exceptions and the Events tab: skipped or moved occurrences, and one native event per occurrence.

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.models.base import UTCDateTime

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "event_occurrence_changes",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("original_start", UTCDateTime(), nullable=False),
        sa.Column("skipped", sa.Boolean(), nullable=False),
        sa.Column("starts_at", UTCDateTime()),
        sa.Column("ends_at", UTCDateTime()),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], ondelete="CASCADE", name=op.f("fk_event_occurrence_changes_event_id_events")
        ),
        sa.PrimaryKeyConstraint("event_id", "original_start", name=op.f("pk_event_occurrence_changes")),
    )
    op.create_table(
        "event_native_events",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("original_start", UTCDateTime(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("discord_event_id", sa.BigInteger()),
        sa.Column("claimed_at", UTCDateTime()),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("ends_at", UTCDateTime(), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], ondelete="CASCADE", name=op.f("fk_event_native_events_event_id_events")
        ),
        sa.PrimaryKeyConstraint("event_id", "original_start", name=op.f("pk_event_native_events")),
        sa.UniqueConstraint("discord_event_id", name=op.f("uq_event_native_events_discord_event_id")),
    )


def downgrade() -> None:
    op.drop_table("event_native_events")
    op.drop_table("event_occurrence_changes")
