"""Presenter screens: hashed tokens of the links that show a panel on a projector.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.models.base import UTCDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "panel_screens",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime()),
        sa.ForeignKeyConstraint(
            ["panel_id"], ["panels.id"], ondelete="CASCADE", name=op.f("fk_panel_screens_panel_id_panels")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_screens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_panel_screens_token_hash")),
    )
    op.create_index("ix_panel_screens_panel_id", "panel_screens", ["panel_id"])


def downgrade() -> None:
    op.drop_index("ix_panel_screens_panel_id", table_name="panel_screens")
    op.drop_table("panel_screens")
