"""Panelist role: members with this role may attach written answers to their panel's questions.

Revision ID: 0013
Revises: 0010
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("panels") as batch:
        batch.add_column(sa.Column("panelist_role_id", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("panels") as batch:
        batch.drop_column("panelist_role_id")
