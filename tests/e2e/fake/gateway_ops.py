"""The fake's side of the gateway: HELLO, heartbeats, IDENTIFY -> READY + GUILD_CREATE, member requests."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
from aiohttp import web

from .gateway import GatewaySession
from .permissions import Intent
from .state import FakeState


class GatewayServer(FakeState):
    """Websocket upgrades handed over by the server: one ``GatewaySession`` per connection."""

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(compress=True, max_msg_size=16 * 1024 * 1024, autoping=True)
        await ws.prepare(request)
        with self.lock:
            session = GatewaySession(self, ws, compress=request.query.get("compress"), number=len(self.sessions) + 1)
            self.sessions.append(session)
        self._gateway_log("open", session, dict(request.query))
        try:
            if request.query.get("encoding", "json") != "json":
                await session.close(4002, "the fake gateway speaks JSON only")
                return ws
            await session.send_op(10, {"heartbeat_interval": self.heartbeat_interval_ms, "_trace": ["fake-gateway"]})
            async for msg in ws:
                if msg.type == aiohttp.WSMsgType.TEXT:
                    payload = json.loads(msg.data)
                elif msg.type == aiohttp.WSMsgType.BINARY:
                    payload = json.loads(msg.data.decode())
                else:
                    break
                await self._gateway_op(session, payload)
                if ws.closed:
                    break
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            session.closed = True
            self._gateway_log("closed", session, ws.close_code)
        return ws

    async def _gateway_op(self, session: GatewaySession, payload: dict[str, Any]) -> None:
        op = payload.get("op")
        d = payload.get("d")
        self._gateway_log("recv", session, {"op": op} if op != 2 else {"op": 2, "intents": (d or {}).get("intents")})
        if op == 1:
            session.heartbeats += 1
            await session.send_op(11, None)
        elif op == 2:
            await self._identify(session, d or {})
        elif op == 6:
            # Sessions are not resumable here: tell the client to IDENTIFY afresh, as Discord does for
            # an expired session.
            await session.send_op(9, False)
        elif op == 8:
            d = d or {}
            if not session.identified:
                await session.close(4003, "Not authenticated.")
                return
            guild = self.world.guild
            members = list(guild.members.values())
            if d.get("user_ids"):
                wanted = {str(u) for u in (d["user_ids"] if isinstance(d["user_ids"], list) else [d["user_ids"]])}
                members = [m for m in members if m.id in wanted]
            elif d.get("query"):
                members = [m for m in members if m.name.lower().startswith(d["query"].lower())]
            if d.get("limit"):
                members = members[: d["limit"]]
            chunk = {
                "guild_id": guild.id,
                "members": [m.to_dict() for m in members],
                "chunk_index": 0,
                "chunk_count": 1,
                "not_found": [],
            }
            if d.get("nonce") is not None:
                chunk["nonce"] = d["nonce"]
            await session.dispatch("GUILD_MEMBERS_CHUNK", chunk)
        elif op in (3, 4):
            if not session.identified:
                await session.close(4003, "Not authenticated.")
        else:
            await session.close(4001, f"Unknown opcode {op}.")

    async def _identify(self, session: GatewaySession, d: dict[str, Any]) -> None:
        if d.get("token") not in (self.token, f"Bot {self.token}"):
            await session.close(4004, "Authentication failed.")
            return
        if session.identified:
            await session.close(4005, "Already authenticated.")
            return
        intents = d.get("intents")
        if not isinstance(intents, int):
            await session.close(4013, "Invalid intent(s).")
            return
        if intents & Intent.PRIVILEGED & ~self.privileged_intents:
            await session.close(4014, "Disallowed intent(s).")
            return
        session.identified = True
        session.intents = intents
        guild = self.world.guild
        ready = {
            "v": 10,
            "user": self.world.bot_user.to_dict() | {"verified": True, "mfa_enabled": False},
            "guilds": [{"id": guild.id, "unavailable": True}],
            "session_id": session.session_id,
            "session_type": "normal",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": self.application_id, "flags": (1 << 19) | (1 << 23)},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": ["rotterdam"],
            "user_settings": {},
            "auth": {},
            "_trace": ["fake-gateway"],
        }
        if d.get("shard") is not None:
            ready["shard"] = d["shard"]
        await session.dispatch("READY", ready)
        with self.lock:
            guild_data = guild.to_gateway_dict()
        await session.dispatch("GUILD_CREATE", guild_data)
        session.ready = True
