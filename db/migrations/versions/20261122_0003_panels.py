"""Panel Q&A: panels, panelists, audience questions and their upvotes.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.models.base import UTCDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_ONLY = sa.text("status = 'open'")


def upgrade() -> None:
    op.create_table(
        "panels",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("channel_id", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("moderated", sa.Boolean(), nullable=False),
        sa.Column("anonymous_allowed", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.BigInteger()),
        sa.Column("moderator_channel_id", sa.BigInteger()),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("closed_at", UTCDateTime()),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panels")),
    )
    op.create_index(
        "ix_panels_open_channel",
        "panels",
        ["channel_id"],
        unique=True,
        sqlite_where=OPEN_ONLY,
        postgresql_where=OPEN_ONLY,
    )
    op.create_index("ix_panels_guild_created", "panels", ["guild_id", "created_at"])
    op.create_table(
        "panelists",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("organisation", sa.String(200)),
        sa.Column("platform_slug", sa.String(80)),
        sa.ForeignKeyConstraint(
            ["panel_id"], ["panels.id"], ondelete="CASCADE", name=op.f("fk_panelists_panel_id_panels")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panelists")),
        sa.UniqueConstraint("panel_id", "position", name=op.f("uq_panelists_panel_id")),
    )
    op.create_table(
        "panel_questions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("panelist_id", sa.Integer()),
        sa.Column("author_id", sa.BigInteger(), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("message_id", sa.BigInteger()),
        sa.Column("asked_at", UTCDateTime(), nullable=False),
        sa.Column("approved_at", UTCDateTime()),
        sa.Column("highlighted_at", UTCDateTime()),
        sa.Column("answered_at", UTCDateTime()),
        sa.Column("hidden_at", UTCDateTime()),
        sa.Column("decided_by", sa.BigInteger()),
        sa.ForeignKeyConstraint(
            ["panel_id"], ["panels.id"], ondelete="CASCADE", name=op.f("fk_panel_questions_panel_id_panels")
        ),
        sa.ForeignKeyConstraint(
            ["panelist_id"],
            ["panelists.id"],
            ondelete="SET NULL",
            name=op.f("fk_panel_questions_panelist_id_panelists"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_questions")),
        sa.UniqueConstraint("panel_id", "number", name=op.f("uq_panel_questions_panel_id")),
    )
    op.create_index("ix_panel_questions_panel_status", "panel_questions", ["panel_id", "status"])
    op.create_index("ix_panel_questions_author", "panel_questions", ["author_id", "panel_id"])
    op.create_table(
        "panel_votes",
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=False),
        sa.Column("voted_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["panel_questions.id"],
            ondelete="CASCADE",
            name=op.f("fk_panel_votes_question_id_panel_questions"),
        ),
        sa.PrimaryKeyConstraint("question_id", "member_id", name=op.f("pk_panel_votes")),
    )


def downgrade() -> None:
    op.drop_table("panel_votes")
    op.drop_index("ix_panel_questions_author", table_name="panel_questions")
    op.drop_index("ix_panel_questions_panel_status", table_name="panel_questions")
    op.drop_table("panel_questions")
    op.drop_table("panelists")
    op.drop_index("ix_panels_guild_created", table_name="panels")
    op.drop_index("ix_panels_open_channel", table_name="panels")
    op.drop_table("panels")
