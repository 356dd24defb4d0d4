"""Privacy: a question's author id may be dropped (/privacy forget, retention after the panel closed).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("panel_questions") as batch:
        batch.alter_column("author_id", existing_type=sa.BigInteger(), nullable=True)


def downgrade() -> None:
    # A dropped author cannot come back. 0 is no Discord id, so it matches no member's limits or data request,
    # and the older code shows such a question as anonymous rather than as a mention of nobody.
    op.execute("UPDATE panel_questions SET author_id = 0, anonymous = TRUE WHERE author_id IS NULL")
    with op.batch_alter_table("panel_questions") as batch:
        batch.alter_column("author_id", existing_type=sa.BigInteger(), nullable=False)
