"""One gateway websocket connection: JSON framing, zlib-stream compression, sequence numbers."""

from __future__ import annotations

import asyncio
import json
import secrets
import zlib
from typing import Any, Protocol

from aiohttp import web


class GatewayLog(Protocol):
    """What a session needs of the fake: its gateway log (a protocol, so nothing here imports the fake)."""

    def _gateway_log(self, direction: str, session: GatewaySession, what: Any) -> None: ...


class GatewaySession:
    def __init__(self, fake: GatewayLog, ws: web.WebSocketResponse, *, compress: str | None, number: int) -> None:
        self.fake = fake
        self.ws = ws
        self.number = number
        self.session_id = secrets.token_hex(16)
        self.seq = 0
        self.identified = False
        self.ready = False
        self.closed = False
        self.intents = 0
        self.close_code: int | None = None
        self.heartbeats = 0
        self._compressor = zlib.compressobj() if compress == "zlib-stream" else None
        self._lock = asyncio.Lock()

    async def _send_raw(self, payload: dict[str, Any]) -> None:
        text = json.dumps(payload, separators=(",", ":"))
        if self._compressor is not None:
            await self.ws.send_bytes(
                self._compressor.compress(text.encode()) + self._compressor.flush(zlib.Z_SYNC_FLUSH)
            )
        else:
            await self.ws.send_str(text)

    async def send_op(self, op: int, d: Any) -> None:
        async with self._lock:
            await self._send_raw({"op": op, "d": d, "s": None, "t": None})

    async def dispatch(self, event: str, data: dict[str, Any]) -> int:
        async with self._lock:
            self.seq += 1
            await self._send_raw({"op": 0, "t": event, "s": self.seq, "d": data})
            self.fake._gateway_log("send", self, {"t": event, "s": self.seq})
            return self.seq

    async def close(self, code: int, message: str = "") -> None:
        self.close_code = code
        await self.ws.close(code=code, message=message.encode())
