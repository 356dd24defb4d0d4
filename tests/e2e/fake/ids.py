"""Snowflakes, timestamps and bot tokens: the ids the fake hands out."""

from __future__ import annotations

import base64
import datetime as dt
import threading
import time

DISCORD_EPOCH_MS = 1420070400000
WORLD_EPOCH_MS = 1704067200000  # 2024-01-01: creation time of the fixed test world's snowflakes


class _Snowflakes:
    """Unique, increasing, well-formed snowflakes (timestamp << 22 | worker << 17 | increment)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last_ms = 0
        self._increment = 0

    def next(self) -> str:
        with self._lock:
            ms = int(time.time() * 1000)
            if ms <= self._last_ms:
                ms = self._last_ms
                self._increment += 1
                if self._increment > 0xFFF:
                    ms += 1
                    self._increment = 0
            else:
                self._increment = 0
            self._last_ms = ms
            return str(((ms - DISCORD_EPOCH_MS) << 22) | (1 << 17) | self._increment)


snowflakes = _Snowflakes()


def world_id(n: int) -> str:
    """A fixed, valid snowflake for the test world (stable across runs; 19 digits)."""
    return str(((WORLD_EPOCH_MS - DISCORD_EPOCH_MS) << 22) | (2 << 17) | n)


def iso(ts: float | None = None) -> str:
    moment = dt.datetime.fromtimestamp(time.time() if ts is None else ts, tz=dt.UTC)
    return moment.isoformat(timespec="microseconds")


def token_for(user_id: str) -> str:
    """A well-formed bot token whose first part encodes the bot's user id, as real tokens do."""
    head = base64.urlsafe_b64encode(user_id.encode()).decode().rstrip("=")
    return f"{head}.GfAkE0.{'e2e-fake-token-' + 'x' * 23}"
