"""The fake server ``FakeDiscord``: route table, request recording and dispatch, faults, the "CDN", start/stop."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
import time
from typing import Any

import aiohttp
from aiohttp import web

from .gateway_ops import GatewayServer
from .records import DiscordError, Fault, RecordedRequest, Rejection
from .routes_app import AppRoutes
from .routes_channels import ChannelRoutes
from .routes_guild import GuildRoutes
from .routes_interactions import InteractionRoutes
from .state import API_PREFIX, Ctx

log = logging.getLogger("fake_discord")

ROUTES: list[tuple[str, str, str]] = [
    # (method, path regex relative to /api/v10, handler name)
    ("GET", r"/users/@me", "get_me"),
    ("PATCH", r"/users/@me", "get_me"),
    ("GET", r"/users/(?P<user_id>\d+)", "get_user"),
    ("POST", r"/users/@me/channels", "create_dm"),
    ("GET", r"/oauth2/applications/@me", "get_application"),
    ("GET", r"/applications/@me", "get_application"),
    ("GET", r"/gateway", "get_gateway"),
    ("GET", r"/gateway/bot", "get_gateway_bot"),
    ("GET", r"/applications/(?P<app_id>\d+)/commands", "get_commands"),
    ("PUT", r"/applications/(?P<app_id>\d+)/commands", "put_commands"),
    ("GET", r"/applications/(?P<app_id>\d+)/guilds/(?P<guild_id>\d+)/commands", "get_commands"),
    ("PUT", r"/applications/(?P<app_id>\d+)/guilds/(?P<guild_id>\d+)/commands", "put_commands"),
    ("GET", r"/applications/(?P<app_id>\d+)/guilds/(?P<guild_id>\d+)/commands/permissions", "get_command_perms"),
    ("GET", r"/applications/(?P<app_id>\d+)/emojis", "get_app_emojis"),
    ("POST", r"/interactions/(?P<interaction_id>\d+)/(?P<token>[^/]+)/callback", "interaction_callback"),
    ("POST", r"/webhooks/(?P<app_id>\d+)/(?P<token>[^/]+)", "create_followup"),
    ("GET", r"/webhooks/(?P<app_id>\d+)/(?P<token>[^/]+)/messages/(?P<message_id>@original|\d+)", "get_wh_msg"),
    ("PATCH", r"/webhooks/(?P<app_id>\d+)/(?P<token>[^/]+)/messages/(?P<message_id>@original|\d+)", "edit_wh_msg"),
    ("DELETE", r"/webhooks/(?P<app_id>\d+)/(?P<token>[^/]+)/messages/(?P<message_id>@original|\d+)", "del_wh_msg"),
    ("GET", r"/channels/(?P<channel_id>\d+)", "get_channel"),
    ("GET", r"/channels/(?P<channel_id>\d+)/messages", "list_messages"),
    ("POST", r"/channels/(?P<channel_id>\d+)/messages", "create_message"),
    ("GET", r"/channels/(?P<channel_id>\d+)/messages/(?P<message_id>\d+)", "get_message"),
    ("PATCH", r"/channels/(?P<channel_id>\d+)/messages/(?P<message_id>\d+)", "edit_message"),
    ("DELETE", r"/channels/(?P<channel_id>\d+)/messages/(?P<message_id>\d+)", "delete_message"),
    ("PUT", r"/channels/(?P<channel_id>\d+)/messages/(?P<message_id>\d+)/reactions/(?P<emoji>[^/]+)/@me", "no_content"),
    (
        "DELETE",
        r"/channels/(?P<channel_id>\d+)/messages/(?P<message_id>\d+)/reactions/(?P<emoji>[^/]+)/@me",
        "no_content",
    ),
    ("POST", r"/channels/(?P<channel_id>\d+)/typing", "no_content"),
    ("PUT", r"/channels/(?P<channel_id>\d+)/pins/(?P<message_id>\d+)", "no_content"),
    ("DELETE", r"/channels/(?P<channel_id>\d+)/pins/(?P<message_id>\d+)", "no_content"),
    ("GET", r"/guilds/(?P<guild_id>\d+)", "get_guild"),
    ("GET", r"/guilds/(?P<guild_id>\d+)/channels", "get_guild_channels"),
    ("GET", r"/guilds/(?P<guild_id>\d+)/roles", "get_guild_roles"),
    ("GET", r"/guilds/(?P<guild_id>\d+)/members", "list_members"),
    ("GET", r"/guilds/(?P<guild_id>\d+)/members/(?P<user_id>\d+)", "get_member"),
    ("GET", r"/guilds/(?P<guild_id>\d+)/scheduled-events", "list_events"),
    ("POST", r"/guilds/(?P<guild_id>\d+)/scheduled-events", "create_event"),
    ("GET", r"/guilds/(?P<guild_id>\d+)/scheduled-events/(?P<event_id>\d+)", "get_event"),
    ("PATCH", r"/guilds/(?P<guild_id>\d+)/scheduled-events/(?P<event_id>\d+)", "edit_event"),
    ("DELETE", r"/guilds/(?P<guild_id>\d+)/scheduled-events/(?P<event_id>\d+)", "delete_event"),
    ("GET", r"/guilds/(?P<guild_id>\d+)/scheduled-events/(?P<event_id>\d+)/users", "event_users"),
]
_COMPILED = [(m, re.compile(p + r"/?"), h) for m, p, h in ROUTES]
_NO_AUTH = {"interaction_callback", "create_followup", "get_wh_msg", "edit_wh_msg", "del_wh_msg"}


class FakeDiscord(GatewayServer, InteractionRoutes, ChannelRoutes, GuildRoutes, AppRoutes):
    """The fake server. ``start()`` it (or use it as a context manager), point the bot at ``api_base``."""

    # ----------------------------------------------------------------------------- lifecycle

    def start(self) -> FakeDiscord:
        started = threading.Event()
        failure: list[BaseException] = []

        def main() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                loop.run_until_complete(self._serve())
            except BaseException as error:  # pragma: no cover - surfaced to start()
                failure.append(error)
                started.set()
                return
            started.set()
            loop.run_forever()
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

        self._thread = threading.Thread(target=main, name="fake-discord", daemon=True)
        self._thread.start()
        if not started.wait(10):
            raise RuntimeError("fake Discord did not start within 10 s")
        if failure:
            raise RuntimeError(f"fake Discord failed to start: {failure[0]!r}")
        return self

    async def _serve(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    def stop(self) -> None:
        if self._loop is None or self._thread is None:
            return

        async def shutdown() -> None:
            for session in list(self.sessions):
                if not session.closed:
                    try:
                        await session.close(1001, "fake Discord shutting down")
                    except Exception:
                        pass
            if self._runner is not None:
                await self._runner.cleanup()

        try:
            asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(10)
        except Exception:
            log.exception("fake Discord shutdown")
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop = None
        self._thread = None

    def __enter__(self) -> FakeDiscord:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -------------------------------------------------------------------------- plumbing

    def _reject(self, rec: RecordedRequest, error: DiscordError) -> web.Response:
        rejection = Rejection(rec.seq, rec.method, rec.path, error.status, error.body)
        with self.lock:
            self.rejections.append(rejection)
        log.warning("fake Discord refused %s", rejection)
        return self._respond(rec, error.body, status=error.status)

    def _respond(
        self, rec: RecordedRequest, body: Any, *, status: int = 200, headers: dict[str, str] | None = None
    ) -> web.Response:
        rec.status = status
        rec.response = body
        if body is None:
            return web.Response(status=status, headers=headers)
        # Exactly "application/json": discord.py's json_or_text compares the header verbatim.
        out = web.Response(body=json.dumps(body).encode(), status=status, headers=headers)
        out.headers["Content-Type"] = "application/json"
        return out

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if request.headers.get("Upgrade", "").lower() == "websocket":
            return await self._gateway(request)
        raw_path = request.path
        rec = RecordedRequest(
            seq=next(self._seq),
            method=request.method,
            path=raw_path[len(API_PREFIX) :] if raw_path.startswith(API_PREFIX + "/") else raw_path,
            query=dict(request.query),
            headers=dict(request.headers),
        )
        body_json, files = await self._read_body(request)
        rec.json = body_json
        rec.files = files
        with self.lock:
            self.requests.append(rec)

        if raw_path.startswith("/attachments/"):
            return self._serve_attachment(rec, raw_path)
        if not raw_path.startswith(API_PREFIX + "/"):
            return self._unknown(rec)

        handler_name, params = None, {}
        for method, pattern, name in _COMPILED:
            match = pattern.fullmatch(rec.path)
            if match and method == request.method:
                handler_name, params = name, match.groupdict()
                break
        if handler_name is None:
            return self._unknown(rec)
        rec.route = handler_name

        fault = self._take_fault(rec)
        if fault is not None:
            return self._fault_response(rec, fault)

        if handler_name not in _NO_AUTH and request.headers.get("Authorization") != f"Bot {self.token}":
            return self._reject(rec, DiscordError(401, 0, "401: Unauthorized"))
        try:
            result = await getattr(self, "r_" + handler_name)(Ctx(request, rec, params, body_json, files))
        except DiscordError as error:
            return self._reject(rec, error)
        except Exception as error:  # a bug in the fake: make it loud in the bot's log and ours
            log.exception("fake Discord crashed on %s %s", rec.method, rec.path)
            return self._respond(rec, {"message": f"fake Discord crashed: {error!r}", "code": 0}, status=500)
        if isinstance(result, web.Response):
            rec.status = result.status
            return result
        status = 200
        if isinstance(result, tuple):
            result, status = result
        return self._respond(rec, result, status=status)

    async def _read_body(self, request: web.Request) -> tuple[Any, list[dict[str, Any]]]:
        if not request.can_read_body:
            return None, []
        ctype = request.content_type
        if ctype == "multipart/form-data":
            payload: Any = None
            files: list[dict[str, Any]] = []
            reader = await request.multipart()
            while True:
                part = await reader.next()
                if part is None:
                    break
                if not isinstance(part, aiohttp.BodyPartReader):
                    continue
                data = await part.read(decode=False)
                if part.name == "payload_json":
                    payload = json.loads(data.decode())
                else:
                    files.append(
                        {
                            "field": part.name,
                            "filename": part.filename,
                            "content_type": part.headers.get("Content-Type", "application/octet-stream"),
                            "data": bytes(data),
                        }
                    )
            return payload, files
        raw = await request.read()
        if not raw:
            return None, []
        try:
            return json.loads(raw.decode()), []
        except ValueError:
            return raw.decode(errors="replace"), []

    def _unknown(self, rec: RecordedRequest) -> web.Response:
        with self.lock:
            self.unknown_routes.append(rec)
        log.warning("fake Discord: unknown route %s %s", rec.method, rec.path)
        return self._respond(rec, {"message": "404: Not Found", "code": 0}, status=404)

    def _take_fault(self, rec: RecordedRequest) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.matches(rec.method, rec.path):
                    fault.remaining -= 1
                    fault.hits.append(rec)
                    return fault
        return None

    def _fault_response(self, rec: RecordedRequest, fault: Fault) -> web.Response:
        rec.fault = f"injected {fault.status}"
        if fault.status == 429:
            headers = {
                "Via": "1.1 google",  # discord.py treats a 429 without Via as a Cloudflare ban
                "Retry-After": str(max(1, int(fault.retry_after + 0.999))),
                "X-RateLimit-Limit": "5",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": f"{time.time() + fault.retry_after:.3f}",
                "X-RateLimit-Reset-After": f"{fault.retry_after:.3f}",
                "X-RateLimit-Bucket": "fake" + format(abs(hash(fault.pattern.pattern)) % 10**8, "x"),
                "X-RateLimit-Scope": "global" if fault.is_global else "user",
            }
            if fault.is_global:
                headers["X-RateLimit-Global"] = "true"
            body = {
                "message": "You are being rate limited.",
                "retry_after": fault.retry_after,
                "global": fault.is_global,
                "code": 0,
            }
            return self._respond(rec, body, status=429, headers=headers)
        return self._respond(rec, {"message": f"{fault.status}: injected server error", "code": 0}, status=fault.status)

    def _serve_attachment(self, rec: RecordedRequest, path: str) -> web.Response:
        parts = path.split("/")
        attachment_id = parts[3] if len(parts) > 3 else ""
        with self.lock:
            data = self.files.get(attachment_id)
        if data is None:
            return self._unknown(rec)
        rec.status = 200
        return web.Response(body=data, content_type="application/octet-stream")
