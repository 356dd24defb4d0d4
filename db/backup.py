"""Consistent online backups of the SQLite database, taken while the bot keeps running."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from rules.errors import InvalidInputError

PAGES_PER_STEP = 1024


def sqlite_path(url: str) -> Path:
    """The file behind a SQLite URL; InvalidInputError for other databases."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        raise InvalidInputError(
            "`db backup` copies SQLite databases. For PostgreSQL use pg_dump, e.g. "
            "pg_dump --format=custom --file=coalition.dump 'postgresql://user@host/db'."
        )
    if not parsed.database or parsed.database == ":memory:":
        raise InvalidInputError("DATABASE_URL names no database file to back up.")
    return Path(parsed.database)


def backup_sqlite(url: str, target: Path, *, overwrite: bool = False) -> int:
    """Copy the live database to `target` with SQLite's backup API; returns the size in bytes.

    The backup API copies a consistent snapshot page by page (writers may continue in between steps),
    unlike a file copy, which can catch the database and its write-ahead log mid-transaction.
    """
    source_path = sqlite_path(url)
    if not source_path.exists():
        raise InvalidInputError(f"There is no database at {source_path} yet (start the bot or run `db upgrade`).")
    if target.exists() and not overwrite:
        raise InvalidInputError(f"{target} already exists; pass --force to replace it.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
    try:
        destination = sqlite3.connect(partial)
        try:
            source.backup(destination, pages=PAGES_PER_STEP)
            (check,) = destination.execute("PRAGMA integrity_check").fetchone()
            if check != "ok":
                raise InvalidInputError(f"The backup failed its integrity check ({check}); nothing was replaced.")
        finally:
            destination.close()
    finally:
        source.close()
    # Only a complete, checked copy takes the target's name.
    os.replace(partial, target)
    return target.stat().st_size
