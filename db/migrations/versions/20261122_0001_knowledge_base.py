"""Knowledge base: platforms, practices, search documents and their SQLite FTS5 index.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.models.base import UTCDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# External-content FTS5 table over search_documents, kept in step by triggers. Porter stemming and
# diacritic folding make "trainings" find "training" and "obuda" find "Óbuda".
SQLITE_FTS = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, topics, content='search_documents', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE search_vocab USING fts5vocab(search_fts, 'row')",
    "CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN "
    "INSERT INTO search_fts(rowid, title, body, topics) VALUES (new.id, new.title, new.body, new.topics); END",
    "CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body, topics) "
    "VALUES ('delete', old.id, old.title, old.body, old.topics); END",
    "CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body, topics) "
    "VALUES ('delete', old.id, old.title, old.body, old.topics); "
    "INSERT INTO search_fts(rowid, title, body, topics) VALUES (new.id, new.title, new.body, new.topics); END",
]


def upgrade() -> None:
    op.create_table(
        "platforms",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("slug", sa.String(80), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("acronym", sa.String(40)),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("country", sa.String(80), nullable=False),
        sa.Column("region", sa.String(120)),
        sa.Column("kind", sa.String(60), nullable=False),
        sa.Column("founded", sa.String(60)),
        sa.Column("funding", sa.Text()),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("role", sa.Text()),
        sa.Column("activities", sa.JSON(), nullable=False),
        sa.Column("impact", sa.JSON(), nullable=False),
        sa.Column("people", sa.JSON(), nullable=False),
        sa.Column("website", sa.String(300)),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platforms")),
        sa.UniqueConstraint("slug", name=op.f("uq_platforms_slug")),
    )
    op.create_table(
        "practices",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("slug", sa.String(120), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("country", sa.String(80)),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("link", sa.String(300)),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("submitted_by", sa.BigInteger()),
        sa.Column("submitted_platform", sa.String(200)),
        sa.Column("reviewed_by", sa.BigInteger()),
        sa.Column("reviewed_at", UTCDateTime()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practices")),
        sa.UniqueConstraint("slug", name=op.f("uq_practices_slug")),
    )
    op.create_index("ix_practices_status_country", "practices", ["status", "country"])
    op.create_table(
        "practice_platforms",
        sa.Column("practice_id", sa.Integer(), nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["practice_id"],
            ["practices.id"],
            ondelete="CASCADE",
            name=op.f("fk_practice_platforms_practice_id_practices"),
        ),
        sa.ForeignKeyConstraint(
            ["platform_id"],
            ["platforms.id"],
            ondelete="CASCADE",
            name=op.f("fk_practice_platforms_platform_id_platforms"),
        ),
        sa.PrimaryKeyConstraint("practice_id", "platform_id", name=op.f("pk_practice_platforms")),
    )
    op.create_table(
        "search_documents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("country", sa.String(80)),
        sa.Column("topics", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_documents")),
    )
    op.create_index("ix_search_documents_kind_ref", "search_documents", ["kind", "ref_id"], unique=True)
    op.create_table(
        "knowledge_revision",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("stamp", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_revision")),
    )
    op.execute("INSERT INTO knowledge_revision (id, stamp) VALUES (1, 'initial')")
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_FTS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("search_documents_au", "search_documents_ad", "search_documents_ai"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS search_vocab")
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_table("knowledge_revision")
    op.drop_index("ix_search_documents_kind_ref", table_name="search_documents")
    op.drop_table("search_documents")
    op.drop_table("practice_platforms")
    op.drop_index("ix_practices_status_country", table_name="practices")
    op.drop_table("practices")
    op.drop_table("platforms")
