"""The entry point as an admin uses it: clear one-line failures, and commands that work without Discord."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "MTAwMDAwMDAwMDAwMDAwMDAx.GabcDE.abcdefghijklmnopqrstuvwxyz0123456789AB"


def run_cli(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # DATA_DIR: the .env the bot finds is the test's own (none), never a developer's in the checkout.
    environment = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "DATA_DIR": str(tmp_path), **env}
    environment.setdefault("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    # An empty value leaves the key unset, so the .env the bot finds may set it.
    environment = {key: value for key, value in environment.items() if value != ""}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,  # no .env there: only what the test passes counts
        env={**environment, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "setting"),
    [
        ({}, "DISCORD_TOKEN"),
        ({"DISCORD_TOKEN": "abc"}, "DISCORD_TOKEN"),
        ({"DISCORD_TOKEN": TOKEN, "GUILD_ID": "my server"}, "GUILD_ID"),
        ({"DISCORD_TOKEN": TOKEN, "DEFAULT_TIMEZONE": "Europe/Atlantis"}, "DEFAULT_TIMEZONE"),
        ({"DISCORD_TOKEN": TOKEN, "DATABASE_URL": "sqlite+aiosqlite:////proc/forbidden/x.db"}, "DATABASE_URL"),
        (
            {"DISCORD_TOKEN": TOKEN, "DATABASE_URL": "postgresql+asyncpg://u:p@127.0.0.1:9/none"},
            "DATABASE_URL",
        ),
    ],
)
def test_cli_bad_setting_one_clear_line_nonzero_no_traceback(tmp_path: Path, env: dict[str, str], setting: str) -> None:
    result = run_cli(tmp_path, **env)
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith(f"error: {setting}: "), result.stderr
    assert "Traceback" not in result.stderr


def test_cli_data_check_passes_on_shipped_data(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "data", "check")
    assert result.returncode == 0 and "shipped data: OK" in result.stdout


def test_cli_db_upgrade_then_find_answers_from_the_terminal(tmp_path: Path) -> None:
    upgraded = run_cli(tmp_path, "db", "upgrade")
    assert upgraded.returncode == 0 and "database revision:" in upgraded.stdout
    found = run_cli(tmp_path, "find", "quality", "criteria")
    assert found.returncode == 0
    assert found.stdout.splitlines()[0].startswith("[practice] Teknikcollege")


def test_cli_check_passes_with_migrations_waiting_and_says_so(tmp_path: Path) -> None:
    stale = run_cli(tmp_path, "db", "upgrade", "0001")
    assert stale.returncode == 0
    checked = run_cli(tmp_path, "check", DISCORD_TOKEN=TOKEN)
    # Waiting migrations are not a problem: the bot applies them at its next start.
    assert checked.returncode == 0, checked.stderr
    assert "migrations: waiting" in checked.stdout and "next start" in checked.stdout
    run_cli(tmp_path, "db", "upgrade")
    checked = run_cli(tmp_path, "check", DISCORD_TOKEN=TOKEN)
    assert checked.returncode == 0
    assert "migrations: current" in checked.stdout and "database: reachable" in checked.stdout


def test_cli_check_fails_with_1_on_a_database_migrated_by_a_newer_version(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "db", "upgrade").returncode == 0
    with sqlite3.connect(tmp_path / "cli.db") as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    checked = run_cli(tmp_path, "check", DISCORD_TOKEN=TOKEN)
    assert checked.returncode == 1 and "does not know" in checked.stderr, checked.stderr


def test_cli_check_fails_with_1_without_a_valid_token_or_a_reachable_database(tmp_path: Path) -> None:
    no_token = run_cli(tmp_path, "check")
    assert no_token.returncode == 1 and no_token.stderr.startswith("error: DISCORD_TOKEN:")
    unreachable = run_cli(
        tmp_path, "check", DISCORD_TOKEN=TOKEN, DATABASE_URL="postgresql+asyncpg://u:p@127.0.0.1:9/none"
    )
    assert unreachable.returncode == 1 and unreachable.stderr.startswith("error: DATABASE_URL:")


def test_cli_finds_the_same_env_and_database_from_any_working_directory(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    # A relative SQLite path in the .env of DATA_DIR: read from DATA_DIR, not from where the command runs.
    (home / ".env").write_text(f"DISCORD_TOKEN={TOKEN}\nDATABASE_URL=sqlite+aiosqlite:///bot.db\n")
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    upgraded = run_cli(first, "db", "upgrade", DATA_DIR=str(home), DATABASE_URL="")
    assert upgraded.returncode == 0, upgraded.stderr
    checked = run_cli(second, "check", DATA_DIR=str(home), DATABASE_URL="")
    assert checked.returncode == 0, checked.stderr
    assert f"SQLite file {home / 'bot.db'}" in checked.stdout and "migrations: current" in checked.stdout
    assert f"settings from {home / '.env'}" in checked.stdout
    assert not list(first.glob("*.db")) and not list(second.glob("*.db"))


def test_cli_db_backup_writes_a_copy(tmp_path: Path) -> None:
    run_cli(tmp_path, "db", "upgrade")
    result = run_cli(tmp_path, "db", "backup", str(tmp_path / "backups" / "copy.db"))
    assert result.returncode == 0 and (tmp_path / "backups" / "copy.db").exists()
    again = run_cli(tmp_path, "db", "backup", str(tmp_path / "backups" / "copy.db"))
    assert again.returncode == 1 and "--force" in again.stderr


def test_cli_unreachable_discord_is_one_line_naming_the_api_setting(tmp_path: Path) -> None:
    result = run_cli(tmp_path, DISCORD_TOKEN=TOKEN, DISCORD_API_BASE="http://127.0.0.1:9/api/v10")
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith("error: DISCORD_API_BASE: cannot reach Discord"), result.stderr
    assert "Traceback" not in result.stderr


def test_cli_knowledge_gaps_lists_what_was_not_found(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "db", "upgrade").returncode == 0
    empty = run_cli(tmp_path, "knowledge", "gaps")
    assert empty.returncode == 0 and "no knowledge gaps recorded" in empty.stdout
    script = (
        "import asyncio, sys\n"
        "from db.database import Database\n"
        "from db.gaps import record_gap\n"
        "async def main():\n"
        "    db = Database.open(sys.argv[1])\n"
        "    for q in ('Quantum  kindergartens?', 'quantum kindergartens', 'moon schools'):\n"
        "        await db.write(record_gap, query=q)\n"
        "    await db.close()\n"
        "asyncio.run(main())\n"
    )
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    subprocess.run([sys.executable, "-c", script, url], cwd=ROOT, check=True, timeout=60)
    listed = run_cli(tmp_path, "knowledge", "gaps")
    lines = listed.stdout.splitlines()
    assert listed.returncode == 0 and len(lines) == 2
    assert lines[0].split()[:3] == ["2", "quantum", "kindergartens"] and "moon schools" in lines[1]
