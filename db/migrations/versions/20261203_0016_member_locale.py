"""Member locale: the Discord client language a member last used, so their DMs can be written in it.

A member who only ever clicked a button has no time zone of their own, so the zone becomes optional.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("member_preferences") as batch:
        batch.add_column(sa.Column("locale", sa.String(16), nullable=True))
        batch.alter_column("timezone", existing_type=sa.String(64), nullable=True)


def downgrade() -> None:
    # Rows that held only a locale have nothing the older schema can keep.
    op.execute("DELETE FROM member_preferences WHERE timezone IS NULL")
    with op.batch_alter_table("member_preferences") as batch:
        batch.alter_column("timezone", existing_type=sa.String(64), nullable=False)
        batch.drop_column("locale")
