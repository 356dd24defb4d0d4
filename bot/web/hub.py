"""Live updates for presenter screens: one watcher per watched panel, fanned out to every open page.

Changes made by this process reach the screens at once: the panel cogs call `panel_changed` after
each commit. Changes made by another bot instance on the same database are caught by one cheap
fingerprint query per watched panel every `poll_seconds`, however many pages watch it. A page always
gets the newest state; a slow one skips states in between instead of queueing them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from bot.web.screen_text import screen_json
from db.database import Database
from db.screens import PanelFingerprint, changed_screen_snapshot
from db.session_state import Changes
from rules.i18n import SOURCE_LANGUAGE

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0
# A burst of votes wakes the watcher many times; it refreshes at most this often per panel.
MIN_REFRESH_SECONDS = 0.2


@dataclass(frozen=True)
class ScreenUpdate:
    """One server-sent event: `snapshot` (data: the page's JSON), `revoked`, or `closed` (server stopping)."""

    kind: str
    data: str = "{}"


CLOSED = ScreenUpdate("closed")
REVOKED = ScreenUpdate("revoked")
FINAL = (CLOSED, REVOKED)


class Subscription:
    """One open page: holds only the newest update, so a slow page never builds a backlog."""

    def __init__(self, token_hash: str) -> None:
        self.token_hash = token_hash
        self._latest: ScreenUpdate | None = None
        self._ready = asyncio.Event()

    def push(self, update: ScreenUpdate) -> None:
        # `revoked` and `closed` are final: nothing may replace them before the page has been told.
        if self._latest not in FINAL:
            self._latest = update
            self._ready.set()

    async def next(self, within: float) -> ScreenUpdate | None:
        """The next update, or None when nothing changed `within` seconds (time for a heartbeat)."""
        if not await _wait(self._ready, within):
            return None
        update = self._latest
        if update not in FINAL:
            self._ready.clear()
            self._latest = None
        return update


@dataclass
class _Watch:
    panel_id: int
    subscribers: set[Subscription] = field(default_factory=set)
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    fingerprint: PanelFingerprint | None = None
    latest: ScreenUpdate | None = None
    task: asyncio.Task[None] | None = None


class ScreenHub:
    """Tell open presenter pages about their panel's changes, from this process or another."""

    def __init__(self, db: Database, *, language: str = SOURCE_LANGUAGE, poll_seconds: float = POLL_SECONDS) -> None:
        self.db = db
        # The server's language: a screen is public, like an announcement.
        self.language = language
        self.poll_seconds = poll_seconds
        self._watches: dict[int, _Watch] = {}

    def follow(self, changes: Changes) -> None:
        """Refresh the screens of every panel a committed change touched (cheap when none watch)."""
        for panel_id in changes.panels:
            watch = self._watches.get(panel_id)
            if watch is not None:
                watch.wake.set()

    @contextlib.asynccontextmanager
    async def subscribe(self, panel_id: int, token_hash: str) -> AsyncIterator[Subscription]:
        """Follow a panel for as long as the block runs; the current state comes first."""
        subscription = Subscription(token_hash)
        watch = self._watches.get(panel_id)
        if watch is None:
            watch = self._watches[panel_id] = _Watch(panel_id)
            watch.wake.set()
            watch.task = asyncio.create_task(self._run(watch), name=f"screen-watch:{panel_id}")
        elif watch.latest is not None:
            subscription.push(watch.latest)
        watch.subscribers.add(subscription)
        try:
            yield subscription
        finally:
            watch.subscribers.discard(subscription)
            if not watch.subscribers and self._watches.get(panel_id) is watch:
                del self._watches[panel_id]
                if watch.task is not None:
                    watch.task.cancel()

    async def close(self) -> None:
        """End every stream (pages reconnect to wherever the bot runs next) and stop the watchers."""
        watches, self._watches = list(self._watches.values()), {}
        for watch in watches:
            for subscription in watch.subscribers:
                subscription.push(CLOSED)
            if watch.task is not None:
                watch.task.cancel()
        await asyncio.gather(*(watch.task for watch in watches if watch.task), return_exceptions=True)

    async def _run(self, watch: _Watch) -> None:
        while True:
            notified = await _wait(watch.wake, self.poll_seconds)
            watch.wake.clear()
            try:
                await self._refresh(watch, notified=notified)
            except Exception:
                # A database hiccup must not end the screen: the next poll tries again.
                log.exception("Could not refresh the screens of panel %s", watch.panel_id)
            await asyncio.sleep(MIN_REFRESH_SECONDS)

    async def _refresh(self, watch: _Watch, *, notified: bool) -> None:
        fingerprint, snapshot = await self.db.transaction(
            changed_screen_snapshot, panel_id=watch.panel_id, known=None if notified else watch.fingerprint
        )
        if fingerprint == watch.fingerprint and not notified:
            return
        watch.fingerprint = fingerprint
        active = fingerprint.active_screens if fingerprint else frozenset()
        update = (
            ScreenUpdate("snapshot", json.dumps(screen_json(snapshot, self.language), ensure_ascii=False))
            if snapshot
            else REVOKED
        )
        changed, watch.latest = update != watch.latest, update
        for subscription in list(watch.subscribers):
            if subscription.token_hash not in active:
                subscription.push(REVOKED)
            elif changed:
                subscription.push(update)


async def _wait(event: asyncio.Event, seconds: float) -> bool:
    """Whether the event was set within that many seconds."""
    try:
        await asyncio.wait_for(event.wait(), seconds)
    except TimeoutError:
        return False
    return True
