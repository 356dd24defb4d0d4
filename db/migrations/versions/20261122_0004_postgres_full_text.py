"""PostgreSQL full text: a generated weighted tsvector over search_documents with a GIN index.

SQLite already has its FTS5 index (0001); on SQLite this migration does nothing.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "ALTER TABLE search_documents ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
        "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
        "setweight(to_tsvector('english', replace(coalesce(topics, ''), '|', ' ')), 'B') || "
        "setweight(to_tsvector('english', coalesce(body, '')), 'D')) STORED"
    )
    op.execute("CREATE INDEX ix_search_documents_search_vector ON search_documents USING gin (search_vector)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_search_documents_search_vector")
    op.execute("ALTER TABLE search_documents DROP COLUMN IF EXISTS search_vector")
