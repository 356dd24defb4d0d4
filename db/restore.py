"""Putting a backup back in place of the SQLite database, only while no bot uses it, keeping the old file.

A running bot holds a shared lock on `<database>.lock` for as long as its process lives (the system drops it
when the process ends, even by kill -9). A restore takes the same lock exclusively: it cannot while a bot runs,
and a bot started during a restore waits for it to finish.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from db.backup import backup_sqlite, sqlite_path
from rules.errors import InvalidInputError

# SQLite keeps these beside the database; the old ones must not be applied to the restored file.
SIDE_FILES = ("-wal", "-shm", "-journal")


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


def hold_running_lock(url: str) -> IO[str] | None:
    """Mark the SQLite database as in use by this process until it ends; None for other databases."""
    try:
        database = sqlite_path(url)
    except InvalidInputError:
        return None
    try:
        database.parent.mkdir(parents=True, exist_ok=True)
        handle = lock_path(database).open("a")
    except OSError:
        return None  # an unwritable directory: opening the database fails next, with a clear message
    fcntl.flock(handle, fcntl.LOCK_SH)
    return handle


def check_backup(source: Path) -> None:
    """Refuse a file that is not an intact database of this bot."""
    if not source.is_file():
        raise InvalidInputError(f"There is no backup at {source}.")
    try:
        connection = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            (result,) = connection.execute("PRAGMA integrity_check").fetchone()
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise InvalidInputError(f"{source} is not a SQLite database ({error}).") from None
    if result != "ok":
        raise InvalidInputError(f"{source} fails its integrity check ({result}); nothing was changed.")
    if "alembic_version" not in tables:
        raise InvalidInputError(f"{source} is not a database of this bot (it has no migration table).")


def restore_sqlite(url: str, source: Path, *, now: datetime | None = None) -> Path | None:
    """Replace the database with the backup at `source`; return where the previous database was kept.

    Refuses while a bot runs on the database. The previous database is first copied whole (its write-ahead log
    included) to `<database>.before-restore-<time>`; None when there was no database yet.
    """
    database = sqlite_path(url)
    check_backup(source)
    database.parent.mkdir(parents=True, exist_ok=True)
    with lock_path(database).open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InvalidInputError(
                f"The bot is running on {database}: stop it first (systemctl stop coalition-bot), then restore."
            ) from None
        kept = None
        if database.exists():
            stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
            kept = database.with_name(f"{database.name}.before-restore-{stamp}")
            backup_sqlite(url, kept)
        incoming = database.with_name(database.name + ".restoring")
        copy = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            target = sqlite3.connect(incoming)
            try:
                copy.backup(target)
            finally:
                target.close()
        finally:
            copy.close()
        for suffix in SIDE_FILES:
            database.with_name(database.name + suffix).unlink(missing_ok=True)
        os.replace(incoming, database)
    return kept
