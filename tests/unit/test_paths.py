"""Where the bot finds its .env and database: fixed by the installation or DATA_DIR, never by the working directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from bot.paths import (
    INSTALL_ROOT,
    anchor_database_url,
    default_database_url,
    describe_database,
    find_data_dir,
    find_env_file,
)
from bot.settings import Settings

TOKEN = "MTAwMDAwMDAwMDAwMDAwMDAx.GabcDE.abcdefghijklmnopqrstuvwxyz0123456789AB"
ROOT = Path(__file__).resolve().parents[2]
# Read by the standard library's conventions, not settings of ours.
NOT_OUR_SETTINGS = {"XDG_DATA_HOME"}


def test_paths_checkout_without_data_dir_keeps_env_and_data_beside_the_code() -> None:
    assert INSTALL_ROOT == ROOT
    assert find_env_file({}) == ROOT / ".env"
    assert find_data_dir({}) == ROOT / "data"
    assert default_database_url({}) == f"sqlite+aiosqlite:///{ROOT / 'data' / 'coalition.db'}"


def test_paths_data_dir_holds_env_and_default_database(tmp_path: Path) -> None:
    env = {"DATA_DIR": str(tmp_path)}
    assert find_env_file(env) == tmp_path / ".env"
    assert Settings.from_env({**env, "DISCORD_TOKEN": TOKEN}).database_url == (
        f"sqlite+aiosqlite:///{tmp_path / 'coalition.db'}"
    )


def test_paths_relative_sqlite_url_is_read_from_the_home_not_the_working_directory(tmp_path: Path) -> None:
    env = {"DATA_DIR": str(tmp_path)}
    assert anchor_database_url("sqlite+aiosqlite:///bot.db", env) == f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    assert anchor_database_url("sqlite+aiosqlite:///data/coalition.db", {}) == default_database_url({})
    assert anchor_database_url("sqlite+aiosqlite:////srv/x.db", env) == "sqlite+aiosqlite:////srv/x.db"
    postgres = "postgresql+asyncpg://bot:secret@db.example.org/coalition"
    assert anchor_database_url(postgres, env) == postgres


def test_paths_database_description_never_shows_a_password() -> None:
    described = describe_database("postgresql+asyncpg://bot:secret@db.example.org/coalition")
    assert "secret" not in described and "db.example.org/coalition" in described
    assert describe_database("sqlite+aiosqlite:////srv/bot/coalition.db") == "SQLite file /srv/bot/coalition.db"


class RecordingEnvironment(dict[str, str]):
    """An environment that remembers every key the settings asked for."""

    def __init__(self, values: dict[str, str]) -> None:
        super().__init__(values)
        self.asked: set[str] = set()

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        self.asked.add(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> str:
        self.asked.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self.asked.add(key)
        return super().__contains__(key)

    def __iter__(self) -> Iterator[str]:
        raise AssertionError("settings must ask for keys by name, so that this test sees each one")


def example_keys() -> set[str]:
    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    return {line.split("=", 1)[0].strip() for line in lines if "=" in line and not line.lstrip().startswith("#")}


def test_env_example_documents_exactly_the_keys_the_settings_read(tmp_path: Path) -> None:
    # Every optional branch on: sharding, web, backups, so each key the settings can read is asked for.
    environment = RecordingEnvironment(
        {
            "DISCORD_TOKEN": TOKEN,
            "DATA_DIR": str(tmp_path),
            "SHARD_COUNT": "2",
            "SHARD_IDS": "0,1",
            "WEB_PORT": "8080",
            "BACKUP_DIR": str(tmp_path / "backups"),
        }
    )
    Settings.from_env(environment)
    find_env_file(environment)
    read = environment.asked - NOT_OUR_SETTINGS
    documented = example_keys()
    assert read - documented == set(), "read by the settings but missing from .env.example"
    assert documented - read == set(), "documented in .env.example but never read"
