"""Scheduled backups keep the newest few; a restore refuses a running bot and a bad file, and keeps the old one."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.backups import backups_in, take_backup
from db.restore import hold_running_lock, restore_sqlite
from rules.errors import InvalidInputError

pytestmark = pytest.mark.sqlite_only


def database_file(url: str) -> Path:
    return Path(url.split("///", 1)[1])


def member_zones(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        return [row[0] for row in connection.execute("SELECT timezone FROM member_preferences ORDER BY member_id")]


def set_zone(path: Path, member_id: int, zone: str) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute(
            "INSERT INTO member_preferences (member_id, timezone, updated_at) VALUES (?, ?, CURRENT_TIMESTAMP)"
            " ON CONFLICT (member_id) DO UPDATE SET timezone = excluded.timezone",
            (member_id, zone),
        )


def test_take_backup_keeps_only_the_newest_copies(database_url: str, tmp_path: Path) -> None:
    directory = tmp_path / "backups"
    (directory / "notes.txt").parent.mkdir()
    (directory / "notes.txt").write_text("not a backup: left alone")
    start = datetime(2027, 3, 4, 14, 0, tzinfo=UTC)
    for day in range(5):
        take_backup(database_url, directory, keep=3, now=start + timedelta(days=day))
    assert [path.name for path in backups_in(directory)] == [
        "coalition-20270306-140000.db",
        "coalition-20270307-140000.db",
        "coalition-20270308-140000.db",
    ]
    assert (directory / "notes.txt").exists()


def test_restore_refuses_while_the_bot_holds_the_database(database_url: str, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    take_backup(database_url, tmp_path, keep=1, now=datetime(2027, 1, 1, tzinfo=UTC))
    (copy_made,) = backups_in(tmp_path)
    copy_made.rename(copy)
    running = hold_running_lock(database_url)
    try:
        with pytest.raises(InvalidInputError, match="running"):
            restore_sqlite(database_url, copy)
    finally:
        assert running is not None
        running.close()
    assert restore_sqlite(database_url, copy) is not None


def test_restore_puts_the_backup_in_place_and_keeps_the_previous_file(database_url: str, tmp_path: Path) -> None:
    database = database_file(database_url)
    set_zone(database, 1, "Europe/Lisbon")
    take_backup(database_url, tmp_path / "backups", keep=1, now=datetime(2027, 1, 1, tzinfo=UTC))
    (copy,) = backups_in(tmp_path / "backups")
    set_zone(database, 1, "Asia/Tokyo")
    # A write-ahead log left beside the database (a kill -9) must not be replayed onto the restored file.
    keeper = sqlite3.connect(database)
    keeper.execute("PRAGMA journal_mode=WAL")
    set_zone(database, 2, "Europe/Oslo")

    kept = restore_sqlite(database_url, copy, now=datetime(2027, 1, 2, 9, 30, tzinfo=UTC))
    keeper.close()

    assert kept == database.with_name(f"{database.name}.before-restore-20270102-093000")
    assert member_zones(database) == ["Europe/Lisbon"]
    assert member_zones(kept) == ["Asia/Tokyo", "Europe/Oslo"]


def test_restore_refuses_a_file_that_is_not_a_database_of_the_bot(database_url: str, tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not sqlite at all" * 100)
    with pytest.raises(InvalidInputError, match="not a SQLite database"):
        restore_sqlite(database_url, garbage)
    stranger = tmp_path / "stranger.db"
    with sqlite3.connect(stranger) as connection:
        connection.execute("CREATE TABLE notes (text TEXT)")
    with pytest.raises(InvalidInputError, match="not a database of this bot"):
        restore_sqlite(database_url, stranger)
    with pytest.raises(InvalidInputError, match="no backup"):
        restore_sqlite(database_url, tmp_path / "missing.db")
    assert not list(database_file(database_url).parent.glob("*.before-restore-*"))
