"""Panel answers in the knowledge base: an answered question with a written answer is a search document.

Kept in step by triggers on panel_questions (and on panels, for the title cited as the source), so whatever
changes a question (an answer written, replaced or removed, an edit, hiding, approval, a panel or a member
deleted) the index follows in the same transaction, and no code path can forget it. Only answered questions
with a non-empty written answer are indexed; the asker is never part of the document. Each change to an
indexed question renews the knowledge revision, so the typo vocabulary picks up the new words.

Batch migrations on SQLite copy a table and lose its triggers: one that alters panel_questions or panels
after this one must create these triggers again (tests/db/test_panel_answers.py fails if it does not).

Revision ID: 0015
Revises: 0010
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KIND = "answer"
WATCHED = "text, status, answer_text, panel_id"


def _indexed(row: str) -> str:
    return f"({row}.status = 'answered' AND coalesce({row}.answer_text, '') <> '')"


def _insert(row: str, newline: str) -> str:
    return (
        "INSERT INTO search_documents (kind, ref_id, title, body, country, topics) "
        f"SELECT '{KIND}', {row}.id, {row}.text, {row}.answer_text || {newline} || p.title, NULL, '' "
        f"FROM panels p WHERE p.id = {row}.panel_id AND {_indexed(row)}; "
    )


SQLITE_DELETE = f"DELETE FROM search_documents WHERE kind = '{KIND}' AND ref_id = old.id; "
SQLITE_BUMP = "INSERT OR REPLACE INTO knowledge_revision (id, stamp) VALUES (1, lower(hex(randomblob(16)))); "
SQLITE_TRIGGERS = {
    "panel_answers_ai": f"AFTER INSERT ON panel_questions WHEN {_indexed('new')} "
    f"BEGIN {_insert('new', 'char(10)')}{SQLITE_BUMP}END",
    "panel_answers_ad": f"AFTER DELETE ON panel_questions WHEN {_indexed('old')} BEGIN {SQLITE_DELETE}{SQLITE_BUMP}END",
    # One trigger for both sides of an update, so the old document goes before the new one comes.
    "panel_answers_au": f"AFTER UPDATE OF {WATCHED} ON panel_questions WHEN {_indexed('old')} OR {_indexed('new')} "
    f"BEGIN {SQLITE_DELETE}{_insert('new', 'char(10)')}{SQLITE_BUMP}END",
    "panel_answers_title": "AFTER UPDATE OF title ON panels BEGIN "
    "UPDATE search_documents SET body = q.answer_text || char(10) || new.title FROM panel_questions q "
    f"WHERE search_documents.kind = '{KIND}' AND search_documents.ref_id = q.id AND q.panel_id = new.id; END",
}

POSTGRES_NEWLINE = "E'\\n'"
POSTGRES_SYNC = f"""
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM search_documents WHERE kind = '{KIND}' AND ref_id = OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        {_insert("NEW", POSTGRES_NEWLINE)}
    END IF;
    IF (TG_OP <> 'INSERT' AND {_indexed("OLD")}) OR (TG_OP <> 'DELETE' AND {_indexed("NEW")}) THEN
        INSERT INTO knowledge_revision (id, stamp) VALUES (1, md5(random()::text || clock_timestamp()::text))
        ON CONFLICT (id) DO UPDATE SET stamp = EXCLUDED.stamp;
    END IF;
    RETURN NULL;
END
"""
POSTGRES_TITLE = f"""
BEGIN
    UPDATE search_documents d SET body = q.answer_text || E'\\n' || NEW.title FROM panel_questions q
    WHERE d.kind = '{KIND}' AND d.ref_id = q.id AND q.panel_id = NEW.id;
    RETURN NULL;
END
"""
POSTGRES_TRIGGERS = (
    ("panel_answers_sync", POSTGRES_SYNC, f"AFTER INSERT OR DELETE OR UPDATE OF {WATCHED}", "panel_questions"),
    ("panel_answers_title", POSTGRES_TITLE, "AFTER UPDATE OF title", "panels"),
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, body, events, table in POSTGRES_TRIGGERS:
            op.execute(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $${body}$$")
            op.execute(f"CREATE TRIGGER {name} {events} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()")
        newline = POSTGRES_NEWLINE
    else:
        for name, definition in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {definition}")
        newline = "char(10)"
    # Answers written before this migration.
    op.execute(
        "INSERT INTO search_documents (kind, ref_id, title, body, country, topics) "
        f"SELECT '{KIND}', q.id, q.text, q.answer_text || {newline} || p.title, NULL, '' "
        f"FROM panel_questions q JOIN panels p ON p.id = q.panel_id WHERE {_indexed('q')}"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, _body, _events, table in POSTGRES_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute(f"DELETE FROM search_documents WHERE kind = '{KIND}'")
