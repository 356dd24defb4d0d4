"""Migration 0006: question authors may be dropped; going down keeps such questions, anonymous and authorless."""

from __future__ import annotations

from sqlalchemy import text

from db import migrate
from db.engine import create_engine


async def _execute(url: str, statement: str) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            result = await connection.execute(text(statement))
            return [tuple(row) for row in result.all()] if result.returns_rows else []
    finally:
        await engine.dispose()


async def test_privacy_migration_down_keeps_authorless_questions_as_anonymous(empty_database_url: str) -> None:
    url = empty_database_url
    await _execute(
        url,
        "INSERT INTO panels (id, guild_id, channel_id, title, topics, moderated, anonymous_allowed, status, "
        "last_number, created_by, created_at) "
        "VALUES (1, 1, 1, 'Panel', '[]', FALSE, TRUE, 'closed', 1, 1, '2027-01-01')",
    )
    await _execute(
        url,
        "INSERT INTO panel_questions (id, panel_id, number, text, author_id, anonymous, status, asked_at) "
        "VALUES (1, 1, 1, 'Who funds you?', NULL, FALSE, 'open', '2027-01-01')",
    )
    before = migrate.ScriptDirectory.from_config(migrate.alembic_config()).get_revision("0006").down_revision
    await migrate.downgrade(url, str(before))
    [(question, author, anonymous)] = await _execute(url, "SELECT text, author_id, anonymous FROM panel_questions")
    assert (question, author, bool(anonymous)) == ("Who funds you?", 0, True)
    await migrate.upgrade(url)
    assert await migrate.current_revision(url) == migrate.head_revision()
