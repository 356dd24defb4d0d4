"""Event attendance: capacity with a waiting list, RSVP cut-off and role, durable change notices, member feeds.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.models.base import UTCDateTime

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("capacity", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("rsvp_cutoff_seconds", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("rsvp_role_id", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("moved_from", UTCDateTime(), nullable=True))
    with op.batch_alter_table("event_attendees") as batch:
        batch.add_column(sa.Column("waiting_since", UTCDateTime(), nullable=True))
    op.create_table(
        "event_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("claimed_at", UTCDateTime(), nullable=True),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_notices_event_id_events"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_notices")),
    )
    op.create_index("ix_event_notices_status_created_at", "event_notices", ["status", "created_at"])
    op.create_index(op.f("ix_event_notices_event_id"), "event_notices", ["event_id"])
    op.create_index(op.f("ix_event_notices_member_id"), "event_notices", ["member_id"])
    op.create_table(
        "member_calendar_feeds",
        sa.Column("member_id", sa.BigInteger(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_member_calendar_feeds")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_member_calendar_feeds_token_hash")),
    )


def downgrade() -> None:
    op.drop_table("member_calendar_feeds")
    op.drop_index(op.f("ix_event_notices_member_id"), table_name="event_notices")
    op.drop_index(op.f("ix_event_notices_event_id"), table_name="event_notices")
    op.drop_index("ix_event_notices_status_created_at", table_name="event_notices")
    op.drop_table("event_notices")
    with op.batch_alter_table("event_attendees") as batch:
        batch.drop_column("waiting_since")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("moved_from")
        batch.drop_column("rsvp_role_id")
        batch.drop_column("rsvp_cutoff_seconds")
        batch.drop_column("capacity")
