"""Settings read once from the environment (and `.env`), validated, and passed down as a frozen object."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.paths import anchor_database_url, default_database_url, find_data_dir
from rules.i18n import SOURCE_LANGUAGE, language_for, shipped_languages

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///data/coalition.db"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
WEB_HOST_PATTERN = re.compile(r"^[A-Za-z0-9.:_-]+$")
# Three dot-separated base64url segments; the first encodes the bot's user id.
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}$")
# Retention is a minimum of a day; the ceiling (a century) only keeps the date arithmetic in range.
MAX_RETENTION_DAYS = 36500


class SettingsError(Exception):
    """A setting is missing or malformed; the message names it and says how to fix it."""

    def __init__(self, setting: str, problem: str) -> None:
        super().__init__(f"{setting}: {problem}")
        self.setting = setting


@dataclass(frozen=True)
class Settings:
    discord_token: str = ""
    database_url: str = DEFAULT_DATABASE_URL
    guild_id: int | None = None
    moderator_role: str | None = None
    announce_channel_id: int | None = None
    default_timezone: str = "Europe/Brussels"
    # What everyone in the server reads (announcements, channel posts) is written in this language.
    server_language: str = SOURCE_LANGUAGE
    log_level: str = "INFO"
    discord_api_base: str | None = None
    moderator_channel_id: int | None = None
    question_min_length: int = 5
    question_max_length: int = 500
    question_cooldown_seconds: int = 15
    question_max_open_per_member: int = 10
    question_author_retention_days: int = 180
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None
    web_port: int | None = None
    web_host: str = "127.0.0.1"
    public_base_url: str | None = None
    data_dir: Path = Path("data")
    backup_dir: Path | None = None
    backup_keep: int = 7
    # How far ahead each occurrence gets its own native event in the server's Events tab.
    events_tab_days: int = 30
    # Lookups rank by meaning as well as by words (an embedding model on the CPU); off: by words alone.
    semantic_search: bool = True

    @property
    def web_base_url(self) -> str | None:
        """Where browsers reach the web views (links use it); None when the web server is off."""
        if self.web_port is None:
            return None
        host = f"[{self.web_host}]" if ":" in self.web_host else self.web_host
        return self.public_base_url or f"http://{host}:{self.web_port}"

    @classmethod
    def from_env(cls, env: Mapping[str, str], *, require_token: bool = True) -> Settings:
        """Build settings from environment variables, raising SettingsError on the first bad one."""

        def value(key: str) -> str | None:
            raw = env.get(key, "").strip()
            return raw or None

        token = value("DISCORD_TOKEN") or ""
        if require_token:
            if not token:
                raise SettingsError(
                    "DISCORD_TOKEN",
                    "not set. Copy the bot token from the Discord Developer Portal (Bot → Reset Token) "
                    "into .env as DISCORD_TOKEN=...",
                )
            if not TOKEN_PATTERN.match(token):
                raise SettingsError(
                    "DISCORD_TOKEN",
                    "does not look like a bot token (three dot-separated parts). Copy it again from the "
                    "Developer Portal, without quotes or spaces.",
                )
        timezone = value("DEFAULT_TIMEZONE") or cls.default_timezone
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingsError(
                "DEFAULT_TIMEZONE", f"{timezone!r} is not an IANA time zone; use one like Europe/Brussels."
            ) from None
        server_language = value("SERVER_LANGUAGE") or cls.server_language
        if server_language != SOURCE_LANGUAGE and language_for(server_language) == SOURCE_LANGUAGE:
            raise SettingsError(
                "SERVER_LANGUAGE",
                f"{server_language!r} has no catalogue; use en or one of {', '.join(shipped_languages())}.",
            )
        log_level = (value("LOG_LEVEL") or cls.log_level).upper()
        if log_level not in LOG_LEVELS:
            raise SettingsError("LOG_LEVEL", f"{log_level!r} is not one of {', '.join(LOG_LEVELS)}.")
        database_url = anchor_database_url(value("DATABASE_URL") or default_database_url(env), env)
        if not database_url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise SettingsError(
                "DATABASE_URL",
                "must start with sqlite+aiosqlite:// or postgresql+asyncpg:// "
                f"(got {database_url.split(':', 1)[0]!r}).",
            )
        api_base = value("DISCORD_API_BASE")
        if api_base and not api_base.startswith(("http://", "https://")):
            raise SettingsError("DISCORD_API_BASE", "must be an http(s) URL such as https://discord.com/api/v10.")
        question_min_length = _integer(env, "QUESTION_MIN_LENGTH", cls.question_min_length, 1, 1000)
        question_max_length = _integer(env, "QUESTION_MAX_LENGTH", cls.question_max_length, 10, 1000)
        if question_min_length >= question_max_length:
            raise SettingsError(
                "QUESTION_MIN_LENGTH",
                f"must be below QUESTION_MAX_LENGTH ({question_min_length} is not below {question_max_length}).",
            )
        web_port, web_host, public_base_url = _web(env)
        shard_count, shard_ids = _shards(env)
        return cls(
            discord_token=token,
            database_url=database_url,
            guild_id=_snowflake(env, "GUILD_ID"),
            moderator_role=value("MODERATOR_ROLE"),
            announce_channel_id=_snowflake(env, "ANNOUNCE_CHANNEL_ID"),
            default_timezone=timezone,
            server_language=language_for(server_language),
            log_level=log_level,
            discord_api_base=api_base.rstrip("/") if api_base else None,
            moderator_channel_id=_snowflake(env, "MODERATOR_CHANNEL_ID"),
            question_min_length=question_min_length,
            question_max_length=question_max_length,
            question_cooldown_seconds=_integer(
                env, "QUESTION_COOLDOWN_SECONDS", cls.question_cooldown_seconds, 0, 3600
            ),
            question_max_open_per_member=_integer(
                env, "QUESTION_MAX_OPEN_PER_MEMBER", cls.question_max_open_per_member, 1, 100
            ),
            question_author_retention_days=_integer(
                env, "QUESTION_AUTHOR_RETENTION_DAYS", cls.question_author_retention_days, 1, MAX_RETENTION_DAYS
            ),
            shard_count=shard_count,
            shard_ids=shard_ids,
            web_port=web_port,
            web_host=web_host,
            public_base_url=public_base_url,
            data_dir=find_data_dir(env),
            backup_dir=_backup_dir(env),
            backup_keep=_integer(env, "BACKUP_KEEP", cls.backup_keep, 1, 1000),
            events_tab_days=_integer(env, "EVENTS_TAB_DAYS", cls.events_tab_days, 1, 366),
            semantic_search=_switch(env, "SEMANTIC_SEARCH", cls.semantic_search),
        )


def _backup_dir(env: Mapping[str, str]) -> Path | None:
    """BACKUP_DIR: where the daily copies of a SQLite database go (empty: no scheduled backups)."""
    raw = env.get("BACKUP_DIR", "").strip()
    return Path(raw).expanduser().absolute() if raw else None


def _web(env: Mapping[str, str]) -> tuple[int | None, str, str | None]:
    """WEB_PORT (empty: the web views are off), WEB_HOST and PUBLIC_BASE_URL."""
    raw_port = env.get("WEB_PORT", "").strip()
    if raw_port and not (raw_port.isdigit() and 1 <= int(raw_port) <= 65535):
        raise SettingsError("WEB_PORT", f"{raw_port!r} is not a port from 1 to 65535; leave it empty to turn web off.")
    host = env.get("WEB_HOST", "").strip() or Settings.web_host
    if not WEB_HOST_PATTERN.match(host):
        raise SettingsError("WEB_HOST", f"{host!r} is not an address to listen on, such as 127.0.0.1 or 0.0.0.0.")
    base = env.get("PUBLIC_BASE_URL", "").strip().rstrip("/")
    parts = urlsplit(base)
    if base and (parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment):
        raise SettingsError(
            "PUBLIC_BASE_URL", f"{base!r} must be the address browsers use, such as https://bot.example.org."
        )
    return (int(raw_port) if raw_port else None), host, base or None


def _snowflake(env: Mapping[str, str], key: str) -> int | None:
    raw = env.get(key, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not 15 <= len(raw) <= 21:
        raise SettingsError(key, f"{raw!r} is not a Discord id. Enable Developer Mode, right-click the item, Copy ID.")
    return int(raw)


SWITCH_WORDS = {"on": True, "true": True, "yes": True, "1": True, "off": False, "false": False, "no": False, "0": False}


def _switch(env: Mapping[str, str], key: str, default: bool) -> bool:
    raw = env.get(key, "").strip().lower()
    if not raw:
        return default
    if raw not in SWITCH_WORDS:
        raise SettingsError(key, f"{raw!r} is neither on nor off (default {'on' if default else 'off'}).")
    return SWITCH_WORDS[raw]


def _integer(env: Mapping[str, str], key: str, default: int, low: int, high: int) -> int:
    raw = env.get(key, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise SettingsError(key, f"{raw!r} is not a whole number from {low} to {high} (default {default}).")
    return int(raw)


def _shards(env: Mapping[str, str]) -> tuple[int | None, tuple[int, ...] | None]:
    """SHARD_COUNT and SHARD_IDS: which of the bot's gateway shards this process runs (none set: unsharded)."""
    raw_count = env.get("SHARD_COUNT", "").strip()
    raw_ids = env.get("SHARD_IDS", "").strip()
    if not raw_count:
        if raw_ids:
            raise SettingsError("SHARD_IDS", "needs SHARD_COUNT too (the total number of shards across processes).")
        return None, None
    count = _integer(env, "SHARD_COUNT", 1, 1, 1024)
    if not raw_ids:
        return count, None
    try:
        ids = tuple(sorted({int(part) for part in raw_ids.split(",") if part.strip()}))
    except ValueError:
        raise SettingsError("SHARD_IDS", f"{raw_ids!r} must be shard numbers separated by commas, e.g. 0,1.") from None
    if not ids or any(not 0 <= shard < count for shard in ids):
        raise SettingsError("SHARD_IDS", f"each shard id must be from 0 to {count - 1} (SHARD_COUNT is {count}).")
    return count, ids
