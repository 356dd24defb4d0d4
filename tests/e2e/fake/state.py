"""The fake's shared state and its test-facing API: the world, everything recorded, the lock, the loop."""

from __future__ import annotations

import asyncio
import concurrent.futures
import copy
import itertools
import re
import threading
import time
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

from .gateway import GatewaySession
from .permissions import Intent
from .records import CommandSync, Fault, InteractionRecord, MessageRecord, RecordedRequest, Rejection
from .world import World

API_PREFIX = "/api/v10"


@dataclass
class Ctx:
    """What a route handler gets: the request, its record, the path parameters and the parsed body."""

    request: web.Request
    rec: RecordedRequest
    params: dict[str, str]
    json: Any
    files: list[dict[str, Any]]


class FakeState:
    """What every part of the fake shares; ``rest.FakeDiscord`` adds the server, the mixins the routes."""

    def __init__(
        self,
        world: World | None = None,
        *,
        heartbeat_interval_ms: int = 10_000,
        response_deadline: float = 3.0,
        privileged_intents: int = Intent.PRIVILEGED,
    ) -> None:
        self.world = world or World.default()
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.response_deadline = response_deadline  # Discord's 3 s to acknowledge an interaction
        self.privileged_intents = privileged_intents  # those "enabled in the Developer Portal"
        self.lock = threading.RLock()
        self.requests: list[RecordedRequest] = []
        self.unknown_routes: list[RecordedRequest] = []
        self.rejections: list[Rejection] = []
        self.messages: dict[str, MessageRecord] = {}
        self.interactions: dict[str, InteractionRecord] = {}
        self.command_syncs: list[CommandSync] = []
        self.commands: dict[str | None, list[dict[str, Any]]] = {}  # scope (guild id or None) -> commands
        self.sessions: list[GatewaySession] = []
        self.gateway_events: list[tuple[float, str, int, Any]] = []
        self.faults: list[Fault] = []
        self.files: dict[str, bytes] = {}  # attachment id -> bytes
        self.dms_closed: set[str] = set()
        self._seq = itertools.count(1)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    # -------------------------------------------------------------------- addresses and loop

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    @property
    def token(self) -> str:
        return self.world.token

    @property
    def application_id(self) -> str:
        return self.world.application_id

    def call(self, coro: Any) -> concurrent.futures.Future[Any]:
        """Run a coroutine on the fake's loop (thread-safe); returns a concurrent future."""
        assert self._loop is not None, "fake Discord is not running"
        return asyncio.run_coroutine_threadsafe(coro, self._loop)

    async def acall(self, coro: Any) -> Any:
        """Await a coroutine on the fake's loop from any other event loop."""
        return await asyncio.wrap_future(self.call(coro))

    # ---------------------------------------------------------------------- inspection API

    def mark(self) -> int:
        """A position in the request log; pass it as ``since=`` to look only at what came after."""
        with self.lock:
            return self.requests[-1].seq if self.requests else 0

    def requests_matching(
        self, method: str | None = None, path: str | None = None, *, since: int = 0, status: int | None = None
    ) -> list[RecordedRequest]:
        pattern = re.compile(path) if path else None
        with self.lock:
            return [
                r
                for r in self.requests
                if r.seq > since
                and (method is None or r.method == method)
                and (pattern is None or pattern.search(r.path))
                and (status is None or r.status == status)
            ]

    def unknown_since(self, since: int = 0) -> list[RecordedRequest]:
        with self.lock:
            return [r for r in self.unknown_routes if r.seq > since]

    def rejections_since(self, since: int = 0) -> list[Rejection]:
        with self.lock:
            return [r for r in self.rejections if r.seq > since]

    def synced_commands(self, guild_id: str | None = None) -> list[dict[str, Any]]:
        with self.lock:
            return copy.deepcopy(self.commands.get(guild_id, []))

    def live_session(self) -> GatewaySession | None:
        with self.lock:
            for session in reversed(self.sessions):
                if session.ready and not session.closed:
                    return session
        return None

    def identify_count(self) -> int:
        with self.lock:
            return sum(1 for s in self.sessions if s.identified)

    def channel_messages(
        self, channel_id: str, *, include_ephemeral: bool = True, include_deleted: bool = False
    ) -> list[MessageRecord]:
        with self.lock:
            return [
                m
                for m in self.messages.values()
                if m.channel_id == channel_id
                and (include_ephemeral or not m.ephemeral)
                and (include_deleted or not m.deleted)
            ]

    def inject_fault(
        self,
        method: str,
        path: str,
        *,
        status: int = 429,
        times: int = 1,
        retry_after: float = 0.3,
        is_global: bool = False,
    ) -> Fault:
        """Answer the next ``times`` requests matching (method, path regex) with ``status``."""
        fault = Fault(method.upper(), re.compile(path), status, times, retry_after, is_global)
        with self.lock:
            self.faults.append(fault)
        return fault

    def close_dms(self, user_id: str) -> None:
        """The user does not accept DMs from server members: sending them one fails with 50007."""
        with self.lock:
            self.dms_closed.add(user_id)

    async def drop_gateway(self, code: int = 4000) -> None:
        """Close the live gateway connection (run with ``acall``); discord.py reconnects."""
        session = self.live_session()
        if session is not None:
            session.closed = True  # no dispatch may pick it while it closes
            await session.close(code, "dropped by the test")

    # ----------------------------------------------------------------------- interactions

    def new_interaction(self, payload: dict[str, Any]) -> InteractionRecord:
        user = (payload.get("member") or {}).get("user") or payload.get("user") or {}
        record = InteractionRecord(
            id=payload["id"],
            token=payload["token"],
            type=payload["type"],
            payload=payload,
            user_id=user.get("id", ""),
            channel_id=payload.get("channel_id", ""),
        )
        with self.lock:
            self.interactions[record.id] = record
        return record

    async def dispatch(self, event: str, data: dict[str, Any], *, timeout: float = 15.0) -> int:
        """Send a dispatch event on the live gateway session, waiting for one to be ready."""
        deadline = time.monotonic() + timeout
        while True:
            session = self.live_session()
            if session is not None:
                try:
                    return await session.dispatch(event, data)
                except (ConnectionResetError, RuntimeError, aiohttp.ClientError):
                    session.closed = True
            if time.monotonic() > deadline:
                raise TimeoutError(f"no ready gateway session to send {event} to within {timeout:.0f} s")
            await asyncio.sleep(0.02)

    async def send_interaction(self, record: InteractionRecord, *, timeout: float = 15.0) -> None:
        async def go() -> None:
            deadline = time.monotonic() + timeout
            while self.live_session() is None:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"no ready gateway session within {timeout:.0f} s to send an interaction")
                await asyncio.sleep(0.02)
            record.dispatched_at = time.monotonic()
            await self.dispatch("INTERACTION_CREATE", record.payload, timeout=timeout)

        await self.acall(go())

    # -------------------------------------------------------------------------- plumbing

    def _gateway_log(self, direction: str, session: GatewaySession, what: Any) -> None:
        with self.lock:
            self.gateway_events.append((time.monotonic(), direction, session.number, what))
