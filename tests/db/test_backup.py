"""Online SQLite backups: consistent while writers run, never half-written, refused for PostgreSQL."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from db.backup import backup_sqlite
from rules.errors import InvalidInputError


@pytest.mark.sqlite_only
def test_backup_while_writing_is_consistent_and_complete(database_url: str, tmp_path: Path) -> None:
    source = Path(database_url.split("///", 1)[1])
    with sqlite3.connect(source) as connection:
        connection.execute("CREATE TABLE ticks (n INTEGER PRIMARY KEY, payload TEXT)")
    stop = threading.Event()

    def write() -> None:
        writer = sqlite3.connect(source, timeout=30)
        writer.execute("PRAGMA journal_mode=WAL")
        number = 0
        while not stop.is_set():
            number += 1
            with writer:
                writer.execute("INSERT INTO ticks VALUES (?, ?)", (number, "x" * 500))
        writer.close()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        size = backup_sqlite(database_url, tmp_path / "copy.db")
    finally:
        stop.set()
        thread.join()
    assert size > 0
    copy = sqlite3.connect(tmp_path / "copy.db")
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    ticks = [n for (n,) in copy.execute("SELECT n FROM ticks ORDER BY n")]
    assert ticks == list(range(1, len(ticks) + 1)), "a snapshot holds a gapless prefix of committed rows"
    assert copy.execute("SELECT count(*) FROM platforms").fetchone()[0] >= 25
    assert not (tmp_path / "copy.db.partial").exists()


@pytest.mark.sqlite_only
def test_backup_refuses_to_overwrite_without_force(database_url: str, tmp_path: Path) -> None:
    target = tmp_path / "copy.db"
    target.write_text("keep me")
    with pytest.raises(InvalidInputError):
        backup_sqlite(database_url, target)
    assert target.read_text() == "keep me"
    backup_sqlite(database_url, target, overwrite=True)
    assert sqlite3.connect(target).execute("SELECT count(*) FROM practices").fetchone()[0] >= 30


def test_backup_points_postgresql_to_pg_dump(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError) as raised:
        backup_sqlite("postgresql+asyncpg://u@localhost/db", tmp_path / "x.db")
    assert "pg_dump" in raised.value.user_message
