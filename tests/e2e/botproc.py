"""The real bot as a subprocess: start on a database, wait until it is ready, stop, kill -9, restart.

Every process started here is registered and reaped: by ``stop()``/``kill()``, by the fixtures'
finalizers, and as a last resort at interpreter exit. Each process gets its own session (process
group), so ``kill()`` hits only the bot and whatever it spawned.
"""

from __future__ import annotations

import atexit
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from .fake import FakeDiscord

REPO_ROOT = Path(__file__).resolve().parents[2]
READY_LINE = "coalition-bot ready"
_ENV_PASSTHROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TZ", "SYSTEMROOT", "VIRTUAL_ENV")

_live: set[subprocess.Popen[bytes]] = set()


def _reap_all() -> None:  # pragma: no cover - safety net
    for proc in list(_live):
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                proc.kill()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                pass
        _live.discard(proc)


atexit.register(_reap_all)


class BotNotReady(AssertionError):
    pass


def bot_environment(fake: FakeDiscord, database_url: str, **overrides: str) -> dict[str, str]:
    """A clean environment for the bot: nothing inherited but PATH & co., all settings explicit."""
    env = {key: os.environ[key] for key in _ENV_PASSTHROUGH if key in os.environ}
    guild = fake.world.guild
    env.update(
        PYTHONUNBUFFERED="1",
        PYTHONDONTWRITEBYTECODE="1",
        DISCORD_TOKEN=fake.token,
        DATABASE_URL=database_url,
        GUILD_ID=guild.id,
        MODERATOR_ROLE="Moderator",
        ANNOUNCE_CHANNEL_ID=guild.channel_named("announcements").id,
        DEFAULT_TIMEZONE="Europe/Brussels",
        LOG_LEVEL="DEBUG",
        DISCORD_API_BASE=fake.api_base,
    )
    env.update(overrides)
    return env


class BotProcess:
    """``python -m bot`` against the fake. ``start()`` + ``wait_ready()``, then ``stop()`` or ``kill()``."""

    def __init__(
        self,
        fake: FakeDiscord,
        *,
        database_url: str,
        log_path: Path,
        argv: Sequence[str] | None = None,
        cwd: Path = REPO_ROOT,
        env_overrides: dict[str, str] | None = None,
        require_sync: bool = True,
    ) -> None:
        self.fake = fake
        self.database_url = database_url
        self.log_path = Path(log_path)
        self.argv = list(argv or [sys.executable, "-m", "bot"])
        self.cwd = cwd
        self.env_overrides = dict(env_overrides or {})
        self.require_sync = require_sync
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self._log_offset = 0
        self._mark = 0
        self._identifies_before = 0

    # --------------------------------------------------------------------------- control

    def start(self) -> BotProcess:
        assert not self.running, "the bot is already running"
        self.starts += 1
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            log.write(f"\n===== e2e harness: start #{self.starts}: {' '.join(self.argv)} =====\n".encode())
            self._log_offset = log.tell()
        self._mark = self.fake.mark()
        self._identifies_before = self.fake.identify_count()
        log_file = self.log_path.open("ab")
        try:
            self.proc = subprocess.Popen(
                self.argv,
                cwd=self.cwd,
                # DATA_DIR: the bot's own folder, so a developer's .env in the checkout never leaks in.
                env=bot_environment(
                    self.fake, self.database_url, **{"DATA_DIR": str(self.log_path.parent), **self.env_overrides}
                ),
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        finally:
            log_file.close()
        _live.add(self.proc)
        return self

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    @property
    def pid(self) -> int | None:
        return None if self.proc is None else self.proc.pid

    def wait_ready(self, timeout: float = 45.0) -> BotProcess:
        """Wait for the ready log line, a fresh gateway IDENTIFY and (by default) a command sync."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.log_since_start()
            synced = not self.require_sync or bool([s for s in self.fake.command_syncs if s.seq > self._mark])
            identified = self.fake.identify_count() > self._identifies_before
            if READY_LINE in text and synced and identified and self.fake.live_session() is not None:
                return self
            if self.proc is not None and self.proc.poll() is not None:
                raise BotNotReady(
                    f"the bot exited with code {self.proc.returncode} before it was ready\n" + self.describe()
                )
            if time.monotonic() > deadline:
                missing = [
                    what
                    for what, ok in (
                        (f"log line {READY_LINE!r}", READY_LINE in text),
                        ("command sync (PUT .../commands)", synced),
                        ("gateway IDENTIFY", identified),
                    )
                    if not ok
                ]
                raise BotNotReady(
                    f"the bot was not ready within {timeout:.0f} s; still missing: {', '.join(missing)}\n"
                    + self.describe()
                )
            time.sleep(0.05)

    def stop(self, timeout: float = 15.0) -> int | None:
        """SIGTERM, wait for a graceful exit; SIGKILL if it does not come. Returns the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(signal.SIGTERM)
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        _live.discard(self.proc)
        return self.proc.returncode

    def kill(self) -> None:
        """kill -9 the bot (and its process group), no goodbye to the gateway."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:  # pragma: no cover
                self.proc.kill()
                self.proc.wait(5)
        _live.discard(self.proc)

    def restart(self, *, timeout: float = 45.0) -> BotProcess:
        self.stop()
        return self.start().wait_ready(timeout)

    # ------------------------------------------------------------------------------- logs

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def log_since_start(self) -> str:
        try:
            with self.log_path.open("rb") as log:
                log.seek(self._log_offset)
                return log.read().decode(errors="replace")
        except FileNotFoundError:
            return ""

    def log_tail(self, lines: int = 80) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def describe(self, lines: int = 80) -> str:
        state = (
            "not started"
            if self.proc is None
            else (
                f"running (pid {self.proc.pid})" if self.proc.poll() is None else f"exited with {self.proc.returncode}"
            )
        )
        return f"bot process: {state}; log {self.log_path} (last {lines} lines):\n{self.log_tail(lines)}"

    def wait_for_log(self, needle: str | Callable[[str], bool], timeout: float = 10.0) -> str:
        """Wait until the log since the last start contains ``needle`` (or satisfies it)."""
        deadline = time.monotonic() + timeout
        check = needle if callable(needle) else (lambda text: needle in text)
        while True:
            text = self.log_since_start()
            if check(text):
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"the bot log never showed {needle!r} within {timeout:.0f} s\n{self.describe()}")
            time.sleep(0.05)
