"""Panel moderation: the word filter's mode per panel, a question's original text and filter hits, written
answers, the edit history of questions, and members blocked from one panel.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.models.base import UTCDateTime

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("panels") as batch:
        batch.add_column(sa.Column("word_filter", sa.String(10), nullable=False, server_default="off"))
    with op.batch_alter_table("panel_questions") as batch:
        batch.add_column(sa.Column("original_text", sa.Text()))
        batch.add_column(sa.Column("filter_hits", sa.String(200)))
        batch.add_column(sa.Column("answer_text", sa.Text()))
        batch.add_column(sa.Column("answer_by", sa.BigInteger()))
        batch.add_column(sa.Column("answer_at", UTCDateTime()))
    op.create_table(
        "panel_question_edits",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("old_text", sa.Text(), nullable=False),
        sa.Column("new_text", sa.Text(), nullable=False),
        sa.Column("edited_by", sa.BigInteger(), nullable=False),
        sa.Column("edited_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["panel_questions.id"],
            ondelete="CASCADE",
            name=op.f("fk_panel_question_edits_question_id_panel_questions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_question_edits")),
    )
    op.create_index("ix_panel_question_edits_question", "panel_question_edits", ["question_id", "edited_at"])
    op.create_table(
        "panel_blocks",
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=False),
        sa.Column("question_number", sa.Integer(), nullable=False),
        sa.Column("blocked_by", sa.BigInteger(), nullable=False),
        sa.Column("blocked_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["panel_id"], ["panels.id"], ondelete="CASCADE", name=op.f("fk_panel_blocks_panel_id_panels")
        ),
        sa.PrimaryKeyConstraint("panel_id", "member_id", name=op.f("pk_panel_blocks")),
    )


def downgrade() -> None:
    op.drop_table("panel_blocks")
    op.drop_index("ix_panel_question_edits_question", table_name="panel_question_edits")
    op.drop_table("panel_question_edits")
    with op.batch_alter_table("panel_questions") as batch:
        batch.drop_column("answer_at")
        batch.drop_column("answer_by")
        batch.drop_column("answer_text")
        batch.drop_column("filter_hits")
        batch.drop_column("original_text")
    with op.batch_alter_table("panels") as batch:
        batch.drop_column("word_filter")
