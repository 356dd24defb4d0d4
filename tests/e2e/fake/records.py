"""What the fake records (requests, rejections, messages, interactions, command syncs), its faults and errors."""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RecordedRequest:
    seq: int
    method: str
    path: str  # relative to /api/v10 for API routes
    query: dict[str, str]
    headers: dict[str, str]
    json: Any = None
    files: list[dict[str, Any]] = field(default_factory=list)  # {field, filename, content_type, data}
    status: int | None = None
    response: Any = None
    fault: str | None = None
    route: str | None = None
    at: float = field(default_factory=time.monotonic)

    def __repr__(self) -> str:
        return f"<{self.method} {self.path} -> {self.status}{' (' + self.fault + ')' if self.fault else ''}>"


@dataclass
class Rejection:
    """A 4xx the fake answered because Discord would have refused what the bot sent."""

    seq: int
    method: str
    path: str
    status: int
    body: dict[str, Any]

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.status} {json.dumps(self.body)}"


@dataclass
class Fault:
    method: str
    pattern: re.Pattern[str]
    status: int
    remaining: int
    retry_after: float = 0.3
    is_global: bool = False
    hits: list[RecordedRequest] = field(default_factory=list)

    def matches(self, method: str, path: str) -> bool:
        return self.remaining > 0 and method == self.method and self.pattern.search(path) is not None


@dataclass
class MessageRecord:
    data: dict[str, Any]
    source: str  # "channel", "dm", "interaction", "followup"
    seq: int
    allowed_mentions: dict[str, Any] | None = None
    pinged_user_ids: list[str] = field(default_factory=list)
    pinged_role_ids: list[str] = field(default_factory=list)
    pinged_everyone: bool = False
    interaction_id: str | None = None
    history: list[dict[str, Any]] = field(default_factory=list)  # earlier versions, oldest first
    deleted: bool = False

    @property
    def id(self) -> str:
        return self.data["id"]

    @property
    def channel_id(self) -> str:
        return self.data["channel_id"]

    @property
    def ephemeral(self) -> bool:
        return bool(self.data.get("flags", 0) & 64)


@dataclass
class InteractionRecord:
    id: str
    token: str
    type: int
    payload: dict[str, Any]
    user_id: str
    channel_id: str
    dispatched_at: float | None = None
    callback: dict[str, Any] | None = None  # {"type", "data", "latency"}
    original_message_id: str | None = None
    followup_ids: list[str] = field(default_factory=list)
    activity: int = 0  # webhook requests (followups, edits, deletes) after the callback
    errors: list[Rejection] = field(default_factory=list)

    @property
    def callback_type(self) -> int | None:
        return None if self.callback is None else self.callback["type"]


@dataclass
class CommandSync:
    seq: int
    guild_id: str | None
    commands: list[dict[str, Any]]


class DiscordError(Exception):
    def __init__(self, status: int, code: int, message: str, errors: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.body: dict[str, Any] = {"message": message, "code": code}
        if errors:
            self.body["errors"] = errors


def invalid_form(problems: dict[str, str]) -> DiscordError:
    """Discord's 50035 'Invalid Form Body' with nested errors, as discord.py flattens them."""
    errors: dict[str, Any] = {}
    for path, message in problems.items():
        node = errors
        for part in path.split("."):
            node = node.setdefault(part, {})
        node.setdefault("_errors", []).append({"code": "INVALID", "message": message})
    return DiscordError(400, 50035, "Invalid Form Body", errors)
