"""A loopback fake of Discord's API v10 — REST and gateway — for end-to-end tests of a discord.py bot.

The fake runs its own asyncio loop in a background thread (so any test, sync or async, and any
fixture scope can use it) and serves, on one 127.0.0.1 port:

* ``/api/v10/...``  the REST routes a discord.py 2.x bot uses (see ``ROUTES``);
* a websocket gateway on any path requested with ``Upgrade: websocket`` (``/gateway`` is advertised);
* ``/attachments/...`` the "CDN" for uploaded files.

Everything is recorded: every request (``requests``), requests to routes the fake does not know
(``unknown_routes``, answered with Discord's 404 JSON), every 4xx the fake produced because the bot
sent something Discord would refuse (``rejections``), every message created anywhere (``messages``)
and every interaction with its callback, followups and edits (``interactions``).

Payload shapes follow discord.py 2.7.1's parsers (discord/state.py, interactions.py, message.py,
guild.py) and Discord's API documentation. The state is guarded by one lock: handlers run in the fake's
thread, tests read snapshots from theirs.
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import copy
import datetime as dt
import itertools
import json
import logging
import re
import secrets
import threading
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

log = logging.getLogger("fake_discord")

API_PREFIX = "/api/v10"
DISCORD_EPOCH_MS = 1420070400000
WORLD_EPOCH_MS = 1704067200000  # 2024-01-01: creation time of the fixed test world's snowflakes


# --------------------------------------------------------------------------------------------- ids


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


# ------------------------------------------------------------------------------------- permissions


class Perm:
    CREATE_INSTANT_INVITE = 1 << 0
    KICK_MEMBERS = 1 << 1
    BAN_MEMBERS = 1 << 2
    ADMINISTRATOR = 1 << 3
    MANAGE_CHANNELS = 1 << 4
    MANAGE_GUILD = 1 << 5
    ADD_REACTIONS = 1 << 6
    VIEW_CHANNEL = 1 << 10
    SEND_MESSAGES = 1 << 11
    MANAGE_MESSAGES = 1 << 13
    EMBED_LINKS = 1 << 14
    ATTACH_FILES = 1 << 15
    READ_MESSAGE_HISTORY = 1 << 16
    MENTION_EVERYONE = 1 << 17
    USE_EXTERNAL_EMOJIS = 1 << 18
    CHANGE_NICKNAME = 1 << 26
    MANAGE_ROLES = 1 << 28
    USE_APPLICATION_COMMANDS = 1 << 31
    MANAGE_EVENTS = 1 << 33
    CREATE_PUBLIC_THREADS = 1 << 35
    SEND_MESSAGES_IN_THREADS = 1 << 38
    CREATE_EVENTS = 1 << 44
    ALL = (1 << 51) - 1

    EVERYONE_DEFAULT = (
        CREATE_INSTANT_INVITE
        | ADD_REACTIONS
        | VIEW_CHANNEL
        | SEND_MESSAGES
        | EMBED_LINKS
        | ATTACH_FILES
        | READ_MESSAGE_HISTORY
        | USE_EXTERNAL_EMOJIS
        | CHANGE_NICKNAME
        | USE_APPLICATION_COMMANDS
        | CREATE_PUBLIC_THREADS
        | SEND_MESSAGES_IN_THREADS
    )


class Intent:
    GUILDS = 1 << 0
    GUILD_MEMBERS = 1 << 1  # privileged
    GUILD_MESSAGES = 1 << 9
    DIRECT_MESSAGES = 1 << 12
    MESSAGE_CONTENT = 1 << 15  # privileged
    GUILD_SCHEDULED_EVENTS = 1 << 16
    GUILD_PRESENCES = 1 << 8  # privileged
    PRIVILEGED = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT


# ------------------------------------------------------------------------------------------ world


@dataclass(eq=False)
class User:
    id: str
    username: str
    global_name: str | None = None
    bot: bool = False

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "username": self.username,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": None,
            "banner": None,
            "accent_color": None,
            "avatar_decoration_data": None,
            "public_flags": 0,
            "flags": 0,
        }
        if self.bot:
            data["bot"] = True
        return data


@dataclass(eq=False)
class Role:
    id: str
    name: str
    permissions: int
    position: int = 0
    managed: bool = False
    bot_id: str | None = None
    color: int = 0

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "color": self.color,
            "colors": {"primary_color": self.color, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.managed,
            "mentionable": False,
            "flags": 0,
        }
        if self.bot_id:
            data["tags"] = {"bot_id": self.bot_id}
        return data


@dataclass(eq=False)
class Channel:
    id: str
    name: str
    type: int = 0  # 0 text, 1 DM, 4 category, 5 announcement
    guild_id: str | None = None
    position: int = 0
    topic: str | None = None
    overwrites: list[dict[str, Any]] = field(default_factory=list)
    recipient: User | None = None  # DMs
    last_message_id: str | None = None

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    def to_dict(self) -> dict[str, Any]:
        if self.type == 1:
            assert self.recipient is not None
            return {
                "id": self.id,
                "type": 1,
                "last_message_id": self.last_message_id,
                "flags": 0,
                "recipients": [self.recipient.to_dict()],
            }
        return {
            "id": self.id,
            "type": self.type,
            "guild_id": self.guild_id,
            "name": self.name,
            "position": self.position,
            "permission_overwrites": copy.deepcopy(self.overwrites),
            "nsfw": False,
            "parent_id": None,
            "topic": self.topic,
            "rate_limit_per_user": 0,
            "last_message_id": self.last_message_id,
            "flags": 0,
            "default_auto_archive_duration": 1440,
        }


@dataclass(eq=False)
class Member:
    user: User
    role_ids: list[str] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = "2024-01-02T10:00:00.000000+00:00"

    @property
    def id(self) -> str:
        return self.user.id

    @property
    def name(self) -> str:
        return self.user.username

    @property
    def mention(self) -> str:
        return self.user.mention

    def to_dict(self, *, with_user: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "roles": list(self.role_ids),
            "joined_at": self.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user.to_dict()
        return data


@dataclass(eq=False)
class Guild:
    id: str
    name: str
    owner_id: str
    roles: dict[str, Role] = field(default_factory=dict)
    channels: dict[str, Channel] = field(default_factory=dict)
    members: dict[str, Member] = field(default_factory=dict)
    scheduled_events: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def everyone(self) -> Role:
        return self.roles[self.id]

    def role_named(self, name: str) -> Role:
        for role in self.roles.values():
            if role.name == name:
                return role
        raise KeyError(name)

    def channel_named(self, name: str) -> Channel:
        for channel in self.channels.values():
            if channel.name == name:
                return channel
        raise KeyError(name)

    def base_permissions(self, member: Member) -> int:
        if member.id == self.owner_id:
            return Perm.ALL
        perms = self.everyone.permissions
        for role_id in member.role_ids:
            role = self.roles.get(role_id)
            if role is not None:
                perms |= role.permissions
        return Perm.ALL if perms & Perm.ADMINISTRATOR else perms

    def channel_permissions(self, member: Member, channel: Channel) -> int:
        perms = self.base_permissions(member)
        if perms & Perm.ADMINISTRATOR:
            return Perm.ALL
        by_id = {o["id"]: o for o in channel.overwrites}
        everyone = by_id.get(self.id)
        if everyone:
            perms = (perms & ~int(everyone["deny"])) | int(everyone["allow"])
        deny = allow = 0
        for role_id in member.role_ids:
            overwrite = by_id.get(role_id)
            if overwrite:
                deny |= int(overwrite["deny"])
                allow |= int(overwrite["allow"])
        perms = (perms & ~deny) | allow
        own = by_id.get(member.id)
        if own:
            perms = (perms & ~int(own["deny"])) | int(own["allow"])
        return perms

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": self.owner_id,
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 1,
            "default_message_notifications": 1,
            "explicit_content_filter": 2,
            "roles": [role.to_dict() for role in self.roles.values()],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "max_members": 500000,
            "max_video_channel_users": 25,
            "vanity_url_code": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": "en-US",
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
        }

    def to_gateway_dict(self) -> dict[str, Any]:
        data = self.to_dict()
        data.update(
            joined_at="2024-01-01T09:00:00.000000+00:00",
            large=False,
            unavailable=False,
            lazy=True,
            member_count=len(self.members),
            members=[m.to_dict() for m in self.members.values()],
            channels=[c.to_dict() for c in self.channels.values()],
            threads=[],
            presences=[],
            voice_states=[],
            stage_instances=[],
            guild_scheduled_events=copy.deepcopy(list(self.scheduled_events.values())),
            soundboard_sounds=[],
            embedded_activities=[],
        )
        return data


class World:
    """The guild the bot lives in, its people and channels. ``World.default()`` builds the standard one."""

    def __init__(self, *, guild: Guild, bot_user: User, people: dict[str, Member]) -> None:
        self.guild = guild
        self.bot_user = bot_user
        self.application_id = bot_user.id
        self.people = people  # role name in the tests -> member
        self.users: dict[str, User] = {m.user.id: m.user for m in guild.members.values()}
        self.dm_channels: dict[str, Channel] = {}

    @classmethod
    def default(cls) -> World:
        ids = (world_id(n) for n in itertools.count(1))
        guild_id = next(ids)
        bot_user = User(next(ids), "coalition-bot", "Coalition Bot", bot=True)
        owner = User(next(ids), "olga_owner", "Olga (owner)")
        moderator = User(next(ids), "maria_mod", "Maria (moderator)")
        alice = User(next(ids), "alice", "Alice")
        bob = User(next(ids), "bob", "Bob")
        chen = User(next(ids), "chen", "Chen")
        dana = User(next(ids), "dana_organiser", "Dana (organiser)")

        everyone = Role(guild_id, "@everyone", Perm.EVERYONE_DEFAULT, position=0)
        moderator_role = Role(next(ids), "Moderator", Perm.EVERYONE_DEFAULT | Perm.MANAGE_MESSAGES, position=2)
        bot_role = Role(
            next(ids),
            "Coalition Bot",
            Perm.EVERYONE_DEFAULT
            | Perm.MANAGE_MESSAGES
            | Perm.MANAGE_EVENTS
            | Perm.CREATE_EVENTS
            | Perm.MENTION_EVERYONE,
            position=1,
            managed=True,
            bot_id=bot_user.id,
        )
        members_role = Role(next(ids), "Coalition member", Perm.EVERYONE_DEFAULT, position=1)
        # Manage Server without the Moderator role: counts as a moderator by the bot's rule.
        organiser_role = Role(next(ids), "Organiser", Perm.EVERYONE_DEFAULT | Perm.MANAGE_GUILD, position=3)
        guild = Guild(guild_id, "EU STEM Coalition (e2e)", owner.id)
        for role in (everyone, moderator_role, bot_role, members_role, organiser_role):
            guild.roles[role.id] = role

        general = Channel(next(ids), "general", 0, guild_id, position=0, topic="Talk about anything STEM")
        announcements = Channel(next(ids), "announcements", 0, guild_id, position=1, topic="News")
        hidden = {"id": guild_id, "type": 0, "allow": "0", "deny": str(Perm.VIEW_CHANNEL)}
        moderators = Channel(
            next(ids),
            "moderators",
            0,
            guild_id,
            position=2,
            overwrites=[
                hidden,
                {"id": moderator_role.id, "type": 0, "allow": str(Perm.VIEW_CHANNEL), "deny": "0"},
                {"id": bot_user.id, "type": 1, "allow": str(Perm.VIEW_CHANNEL), "deny": "0"},
            ],
        )
        for channel in (general, announcements, moderators):
            guild.channels[channel.id] = channel

        people = {
            "bot": Member(bot_user, [bot_role.id], joined_at="2024-01-01T09:00:00.000000+00:00"),
            "owner": Member(owner, [], joined_at="2024-01-01T08:00:00.000000+00:00"),
            "moderator": Member(moderator, [moderator_role.id, members_role.id]),
            "alice": Member(alice, [members_role.id]),
            "bob": Member(bob, [members_role.id]),
            "chen": Member(chen, []),
            "organiser": Member(dana, [organiser_role.id, members_role.id]),
        }
        for member in people.values():
            guild.members[member.id] = member
        return cls(guild=guild, bot_user=bot_user, people=people)

    @property
    def token(self) -> str:
        return token_for(self.bot_user.id)

    def dm_channel(self, user_id: str) -> Channel:
        channel = self.dm_channels.get(user_id)
        if channel is None:
            user = self.users[user_id]
            channel = Channel(world_id(10_000 + len(self.dm_channels)), "", 1, recipient=user)
            self.dm_channels[user_id] = channel
        return channel

    def channel(self, channel_id: str) -> Channel | None:
        channel = self.guild.channels.get(channel_id)
        if channel is not None:
            return channel
        for dm in self.dm_channels.values():
            if dm.id == channel_id:
                return dm
        return None


# --------------------------------------------------------------------------------------- records


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


# ------------------------------------------------------------------------------------- validation

MESSAGE_FLAGS_SETTABLE = 4 | 64 | 4096 | 32768  # suppress embeds, ephemeral, suppress notifications, v2
URL_RE = re.compile(r"^(https?|attachment)://\S+$")
COMMAND_NAME_RE = re.compile(r"^[-_\w]{1,32}$", re.UNICODE)


def _check_len(problems: dict[str, str], path: str, value: Any, maximum: int, *, minimum: int = 0) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        problems[path] = f"must be a string, got {type(value).__name__}"
    elif not minimum <= len(value) <= maximum:
        problems[path] = f"must be between {minimum} and {maximum} in length (got {len(value)})"


def validate_embeds(embeds: Any, problems: dict[str, str]) -> None:
    if not isinstance(embeds, list):
        problems["embeds"] = "must be a list"
        return
    if len(embeds) > 10:
        problems["embeds"] = f"at most 10 embeds (got {len(embeds)})"
    total = 0
    for i, embed in enumerate(embeds):
        p = f"embeds.{i}"
        _check_len(problems, f"{p}.title", embed.get("title"), 256)
        _check_len(problems, f"{p}.description", embed.get("description"), 4096)
        for key in ("url",):
            if embed.get(key) is not None and not URL_RE.match(str(embed[key])):
                problems[f"{p}.{key}"] = f"Not a well formed URL: {embed[key]!r}"
        for key in ("image", "thumbnail"):
            if embed.get(key) is not None and not URL_RE.match(str(embed[key].get("url", ""))):
                problems[f"{p}.{key}.url"] = f"Not a well formed URL: {embed[key].get('url')!r}"
        fields = embed.get("fields") or []
        if len(fields) > 25:
            problems[f"{p}.fields"] = f"at most 25 fields (got {len(fields)})"
        for j, fld in enumerate(fields):
            _check_len(problems, f"{p}.fields.{j}.name", fld.get("name"), 256, minimum=1)
            _check_len(problems, f"{p}.fields.{j}.value", fld.get("value"), 1024, minimum=1)
            total += len(fld.get("name") or "") + len(fld.get("value") or "")
        footer = embed.get("footer") or {}
        _check_len(problems, f"{p}.footer.text", footer.get("text"), 2048)
        author = embed.get("author") or {}
        _check_len(problems, f"{p}.author.name", author.get("name"), 256)
        if author.get("url") is not None and not URL_RE.match(str(author["url"])):
            problems[f"{p}.author.url"] = f"Not a well formed URL: {author['url']!r}"
        total += sum(
            len(x or "") for x in (embed.get("title"), embed.get("description"), footer.get("text"), author.get("name"))
        )
    if total > 6000:
        problems["embeds"] = f"embeds exceed 6000 characters in total ({total})"


def iter_components(components: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every component, depth first: action rows, their children, labels, sections, containers."""
    for component in components or []:
        yield component
        yield from iter_components(component.get("components") or [])
        if component.get("component"):
            yield from iter_components([component["component"]])
        if component.get("accessory"):
            yield from iter_components([component["accessory"]])


def validate_components(components: Any, problems: dict[str, str], *, v2: bool) -> None:
    if not isinstance(components, list):
        problems["components"] = "must be a list"
        return
    if not v2 and len(components) > 5:
        problems["components"] = f"at most 5 action rows (got {len(components)})"
    seen: set[str] = set()
    for i, row in enumerate(components):
        if not v2 and row.get("type") != 1:
            problems[f"components.{i}.type"] = "top-level components must be action rows (type 1)"
            continue
        if row.get("type") == 1:
            children = row.get("components") or []
            if not 1 <= len(children) <= 5:
                problems[f"components.{i}.components"] = f"an action row holds 1 to 5 components ({len(children)})"
            if any(c.get("type") in (3, 5, 6, 7, 8) for c in children) and len(children) > 1:
                problems[f"components.{i}.components"] = "a select menu must be alone in its action row"
    for i, component in enumerate(iter_components(components)):
        ctype = component.get("type")
        custom_id = component.get("custom_id")
        if ctype == 2:
            _check_len(problems, f"components.{i}.label", component.get("label"), 80)
            if component.get("style") == 5:
                if not component.get("url") or custom_id:
                    problems[f"components.{i}"] = "a link button needs a url and no custom_id"
            elif component.get("style") != 6 and not custom_id:
                problems[f"components.{i}.custom_id"] = "a button needs a custom_id"
        if ctype in (3, 5, 6, 7, 8):
            if not custom_id:
                problems[f"components.{i}.custom_id"] = "a select needs a custom_id"
            if ctype == 3 and not 1 <= len(component.get("options") or []) <= 25:
                problems[f"components.{i}.options"] = "a string select needs 1 to 25 options"
            for j, option in enumerate(component.get("options") or []):
                _check_len(problems, f"components.{i}.options.{j}.label", option.get("label"), 100, minimum=1)
                _check_len(problems, f"components.{i}.options.{j}.value", option.get("value"), 100, minimum=1)
        if custom_id is not None:
            _check_len(problems, f"components.{i}.custom_id", custom_id, 100, minimum=1)
            if custom_id in seen:
                problems[f"components.{i}.custom_id"] = f"duplicate custom_id {custom_id!r}"
            seen.add(custom_id)


def validate_message(data: dict[str, Any], *, files: int = 0, partial: bool = False) -> None:
    """Raise the DiscordError Discord would answer for this message body (create or edit)."""
    problems: dict[str, str] = {}
    content = data.get("content")
    if content is not None:
        _check_len(problems, "content", content, 2000)
    if data.get("embeds") is not None:
        validate_embeds(data["embeds"], problems)
    flags = data.get("flags") or 0
    if data.get("components") is not None:
        validate_components(data["components"], problems, v2=bool(flags & 32768))
    if flags & ~MESSAGE_FLAGS_SETTABLE:
        problems["flags"] = f"flags {flags} include bits a bot cannot set"
    if problems:
        raise invalid_form(problems)
    if not partial and not (
        content or data.get("embeds") or data.get("components") or files or data.get("sticker_ids") or data.get("poll")
    ):
        raise DiscordError(400, 50006, "Cannot send an empty message")


def validate_modal(data: dict[str, Any]) -> None:
    problems: dict[str, str] = {}
    _check_len(problems, "data.title", data.get("title"), 45, minimum=1)
    _check_len(problems, "data.custom_id", data.get("custom_id"), 100, minimum=1)
    rows = data.get("components") or []
    if not 1 <= len(rows) <= 5:
        problems["data.components"] = f"a modal holds 1 to 5 components (got {len(rows)})"
    for i, component in enumerate(iter_components(rows)):
        if component.get("type") == 4:
            _check_len(problems, f"data.components.{i}.custom_id", component.get("custom_id"), 100, minimum=1)
            if component.get("label") is not None:
                _check_len(problems, f"data.components.{i}.label", component.get("label"), 45, minimum=1)
            if component.get("value") is not None:
                _check_len(problems, f"data.components.{i}.value", component.get("value"), 4000)
        if component.get("type") == 18:
            _check_len(problems, f"data.components.{i}.label", component.get("label"), 45, minimum=1)
    if problems:
        raise invalid_form(problems)


def validate_commands(commands: Any) -> None:
    problems: dict[str, str] = {}
    if not isinstance(commands, list):
        raise invalid_form({"_": "must be a list of commands"})
    if len(commands) > 100:
        problems["_"] = "at most 100 commands"
    names: set[tuple[str, int]] = set()
    for i, command in enumerate(commands):
        ctype = command.get("type", 1)
        name = command.get("name") or ""
        key = (name, ctype)
        if key in names:
            problems[f"{i}.name"] = f"duplicate command name {name!r}"
        names.add(key)
        if ctype == 1:
            if not COMMAND_NAME_RE.match(name) or name != name.lower():
                problems[f"{i}.name"] = f"invalid chat command name {name!r}"
            _check_len(problems, f"{i}.description", command.get("description"), 100, minimum=1)
            _validate_options(command.get("options") or [], f"{i}.options", problems, depth=0)
    if problems:
        raise invalid_form(problems)


def _validate_options(options: list[dict[str, Any]], path: str, problems: dict[str, str], *, depth: int) -> None:
    if len(options) > 25:
        problems[path] = f"at most 25 options (got {len(options)})"
    seen: set[str] = set()
    optional_seen = False
    for i, option in enumerate(options):
        p = f"{path}.{i}"
        name = option.get("name") or ""
        if not COMMAND_NAME_RE.match(name) or name != name.lower():
            problems[f"{p}.name"] = f"invalid option name {name!r}"
        if name in seen:
            problems[f"{p}.name"] = f"duplicate option name {name!r}"
        seen.add(name)
        _check_len(problems, f"{p}.description", option.get("description"), 100, minimum=1)
        otype = option.get("type")
        if otype in (1, 2):
            if depth >= (1 if otype == 2 else 2):
                problems[f"{p}.type"] = "sub-commands nest at most group > sub-command"
            _validate_options(option.get("options") or [], f"{p}.options", problems, depth=depth + 1)
            continue
        if option.get("required"):
            if optional_seen:
                problems[f"{p}.required"] = "required options must come before optional ones"
        else:
            optional_seen = True
        choices = option.get("choices") or []
        if len(choices) > 25:
            problems[f"{p}.choices"] = "at most 25 choices"
        if choices and option.get("autocomplete"):
            problems[f"{p}.autocomplete"] = "an option cannot have both choices and autocomplete"


# -------------------------------------------------------------------------------------- gateway


class GatewaySession:
    def __init__(self, fake: FakeDiscord, ws: web.WebSocketResponse, *, compress: str | None, number: int) -> None:
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


# ------------------------------------------------------------------------------------------ fake


@dataclass
class _Ctx:
    request: web.Request
    rec: RecordedRequest
    params: dict[str, str]
    json: Any
    files: list[dict[str, Any]]


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
VALID_CALLBACKS = {2: {4, 5, 9}, 3: {4, 5, 6, 7, 9}, 4: {8}, 5: {4, 5, 6, 7}}


class FakeDiscord:
    """The fake server. ``start()`` it (or use it as a context manager), point the bot at ``api_base``."""

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
            result = await getattr(self, "r_" + handler_name)(_Ctx(request, rec, params, body_json, files))
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

    # -------------------------------------------------------------------------- messages

    def _pings(self, content: str, allowed: dict[str, Any] | None) -> tuple[list[str], list[str], bool]:
        parse = ["users", "roles", "everyone"] if allowed is None else allowed.get("parse") or []
        users = [
            u
            for u in re.findall(r"<@!?(\d+)>", content or "")
            if "users" in parse or u in (allowed or {}).get("users", [])
        ]
        roles = [
            r
            for r in re.findall(r"<@&(\d+)>", content or "")
            if "roles" in parse or r in (allowed or {}).get("roles", [])
        ]
        everyone = "everyone" in parse and bool(re.search(r"@(everyone|here)", content or ""))
        return users, roles, everyone

    def _attachments(
        self,
        channel_id: str,
        body: dict[str, Any],
        files: list[dict[str, Any]],
        keep: list[dict[str, Any]] | None = None,
    ) -> list[dict[str, Any]]:
        by_field = {f["field"]: f for f in files}
        result = list(keep or [])
        wanted = body.get("attachments")
        entries = wanted if wanted is not None else [{"id": i} for i in range(len(files))]
        for entry in entries:
            index = entry.get("id")
            upload = by_field.get(f"files[{index}]") if isinstance(index, int) or str(index).isdigit() else None
            if upload is None:
                continue  # an existing attachment kept by id, handled by the caller
            attachment_id = snowflakes.next()
            filename = entry.get("filename") or upload["filename"]
            with self.lock:
                self.files[attachment_id] = upload["data"]
            url = f"{self.base_url}/attachments/{channel_id}/{attachment_id}/{filename}"
            result.append(
                {
                    "id": attachment_id,
                    "filename": filename,
                    "size": len(upload["data"]),
                    "url": url,
                    "proxy_url": url,
                    "content_type": upload["content_type"],
                    "description": entry.get("description"),
                    "ephemeral": False,
                    "flags": 0,
                }
            )
        return result

    def _new_message(
        self,
        channel_id: str,
        body: dict[str, Any],
        files: list[dict[str, Any]],
        *,
        source: str,
        interaction: InteractionRecord | None = None,
        flags: int = 0,
        msg_type: int = 0,
    ) -> MessageRecord:
        message_id = snowflakes.next()
        content = body.get("content") or ""
        allowed = body.get("allowed_mentions")
        users, roles, everyone = self._pings(content, allowed)
        data: dict[str, Any] = {
            "id": message_id,
            "channel_id": channel_id,
            "author": self.world.bot_user.to_dict(),
            "content": content,
            "timestamp": iso(),
            "edited_timestamp": None,
            "tts": bool(body.get("tts")),
            "mention_everyone": everyone,
            "mentions": [self.world.users[u].to_dict() for u in users if u in self.world.users],
            "mention_roles": roles,
            "attachments": self._attachments(channel_id, body, files),
            "embeds": copy.deepcopy(body.get("embeds") or []),
            "components": copy.deepcopy(body.get("components") or []),
            "reactions": [],
            "pinned": False,
            "type": msg_type,
            "flags": flags,
        }
        if body.get("poll"):
            data["poll"] = copy.deepcopy(body["poll"])
        if body.get("message_reference"):
            data["message_reference"] = dict(body["message_reference"], channel_id=channel_id)
            data["type"] = 19
        if interaction is not None:
            data["webhook_id"] = self.application_id
            data["application_id"] = self.application_id
            user = self.world.users.get(interaction.user_id)
            meta: dict[str, Any] = {
                "id": interaction.id,
                "type": interaction.type,
                "user": user.to_dict() if user else {},
                "authorizing_integration_owners": {"0": self.world.guild.id},
            }
            if interaction.type == 2:
                meta["name"] = (interaction.payload.get("data") or {}).get("name")
                meta["command_type"] = 1
            if interaction.type == 3 and interaction.payload.get("message"):
                meta["interacted_message_id"] = interaction.payload["message"]["id"]
            data["interaction_metadata"] = meta
        record = MessageRecord(
            data=data,
            source=source,
            seq=next(self._seq),
            allowed_mentions=copy.deepcopy(allowed),
            pinged_user_ids=users,
            pinged_role_ids=roles,
            pinged_everyone=everyone,
            interaction_id=interaction.id if interaction else None,
        )
        with self.lock:
            self.messages[message_id] = record
            channel = self.world.channel(channel_id)
            if channel is not None and not record.ephemeral:
                channel.last_message_id = message_id
        return record

    def _edit_message(self, record: MessageRecord, body: dict[str, Any], files: list[dict[str, Any]]) -> None:
        with self.lock:
            record.history.append(copy.deepcopy(record.data))
            data = record.data
            for key in ("content", "embeds", "components", "poll"):
                if key in body:
                    data[key] = copy.deepcopy(body[key]) if body[key] is not None else ([] if key != "content" else "")
            if "content" in body:
                allowed = body.get("allowed_mentions", record.allowed_mentions)
                users, roles, everyone = self._pings(data["content"], allowed)
                record.pinged_user_ids, record.pinged_role_ids, record.pinged_everyone = users, roles, everyone
            if "attachments" in body or files:
                kept_ids = {str(a.get("id")) for a in (body.get("attachments") or [])}
                keep = (
                    [a for a in data["attachments"] if a["id"] in kept_ids]
                    if "attachments" in body
                    else list(data["attachments"])
                )
                data["attachments"] = self._attachments(record.channel_id, body, files, keep=keep)
            if "flags" in body and body["flags"] is not None:
                data["flags"] = (data["flags"] & ~4) | (int(body["flags"]) & 4)
            data["flags"] &= ~128  # no longer "thinking"
            data["edited_timestamp"] = iso()

    async def _announce(self, event: str, record: MessageRecord) -> None:
        """MESSAGE_CREATE/UPDATE over the gateway, as Discord does for messages the bot can see."""
        if record.ephemeral:
            return
        session = self.live_session()
        if session is None:
            return
        channel = self.world.channel(record.channel_id)
        is_dm = channel is not None and channel.type == 1
        if not session.intents & (Intent.DIRECT_MESSAGES if is_dm else Intent.GUILD_MESSAGES):
            return
        data = copy.deepcopy(record.data)
        if not is_dm:
            data["guild_id"] = self.world.guild.id
            data["member"] = self.world.guild.members[self.world.bot_user.id].to_dict(with_user=False)
        try:
            await session.dispatch(event, data)
        except Exception:
            pass

    async def _announce_delete(self, record: MessageRecord) -> None:
        session = self.live_session()
        if session is None or record.ephemeral:
            return
        data = {"id": record.id, "channel_id": record.channel_id}
        channel = self.world.channel(record.channel_id)
        if channel is not None and channel.type != 1:
            data["guild_id"] = self.world.guild.id
        try:
            await session.dispatch("MESSAGE_DELETE", data)
        except Exception:
            pass

    # ---------------------------------------------------------------------- REST: basics

    async def r_no_content(self, ctx: _Ctx) -> Any:
        return None, 204

    async def r_get_me(self, ctx: _Ctx) -> Any:
        data = self.world.bot_user.to_dict()
        data.update(verified=True, mfa_enabled=False, locale="en-US", email=None, bio="")
        return data

    async def r_get_user(self, ctx: _Ctx) -> Any:
        user = self.world.users.get(ctx.params["user_id"])
        if user is None:
            raise DiscordError(404, 10013, "Unknown User")
        return user.to_dict()

    async def r_get_application(self, ctx: _Ctx) -> Any:
        owner = self.world.guild.members[self.world.guild.owner_id].user
        return {
            "id": self.application_id,
            "name": "Coalition Bot (e2e)",
            "icon": None,
            "description": "",
            "summary": "",
            "type": None,
            "bot_public": False,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "flags": (1 << 19) | (1 << 23),  # GATEWAY_GUILD_MEMBERS_LIMITED | APPLICATION_COMMAND_BADGE
            "owner": owner.to_dict(),
            "team": None,
            "bot": self.world.bot_user.to_dict(),
            "interactions_endpoint_url": None,
            "role_connections_verification_url": None,
            "tags": [],
            "redirect_uris": [],
            "approximate_guild_count": 1,
            "integration_types_config": {"0": {}},
            "install_params": None,
            "custom_install_url": None,
            "rpc_origins": [],
        }

    async def r_get_gateway(self, ctx: _Ctx) -> Any:
        return {"url": self.gateway_url}

    async def r_get_gateway_bot(self, ctx: _Ctx) -> Any:
        return {
            "url": self.gateway_url,
            "shards": 1,
            "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1},
        }

    def _check_app(self, ctx: _Ctx) -> None:
        if ctx.params.get("app_id") not in (None, self.application_id):
            raise DiscordError(403, 50001, "Missing Access")
        guild_id = ctx.params.get("guild_id")
        if guild_id is not None and guild_id != self.world.guild.id:
            raise DiscordError(403, 50001, "Missing Access")

    async def r_get_commands(self, ctx: _Ctx) -> Any:
        self._check_app(ctx)
        return self.synced_commands(ctx.params.get("guild_id"))

    async def r_get_command_perms(self, ctx: _Ctx) -> Any:
        self._check_app(ctx)
        return []

    async def r_get_app_emojis(self, ctx: _Ctx) -> Any:
        self._check_app(ctx)
        return {"items": []}

    async def r_put_commands(self, ctx: _Ctx) -> Any:
        self._check_app(ctx)
        validate_commands(ctx.json)
        scope = ctx.params.get("guild_id")
        with self.lock:
            previous = {(c["name"], c.get("type", 1)): c["id"] for c in self.commands.get(scope, [])}
            result = []
            for command in ctx.json:
                stored = copy.deepcopy(command)
                stored.setdefault("type", 1)
                stored.update(
                    id=previous.get((command["name"], stored["type"])) or snowflakes.next(),
                    application_id=self.application_id,
                    version=snowflakes.next(),
                )
                stored.setdefault("default_member_permissions", None)
                stored.setdefault("nsfw", False)
                stored.setdefault("options", [])
                if scope is not None:
                    stored["guild_id"] = scope
                result.append(stored)
            self.commands[scope] = result
            self.command_syncs.append(CommandSync(ctx.rec.seq, scope, copy.deepcopy(result)))
        return copy.deepcopy(result)

    # ----------------------------------------------------------------------- REST: guild

    def _guild(self, ctx: _Ctx) -> Guild:
        if ctx.params["guild_id"] != self.world.guild.id:
            raise DiscordError(404, 10004, "Unknown Guild")
        return self.world.guild

    async def r_get_guild(self, ctx: _Ctx) -> Any:
        guild = self._guild(ctx)
        data = guild.to_dict()
        if ctx.rec.query.get("with_counts") in ("true", "1", "True"):
            data.update(approximate_member_count=len(guild.members), approximate_presence_count=0)
        return data

    async def r_get_guild_channels(self, ctx: _Ctx) -> Any:
        return [c.to_dict() for c in self._guild(ctx).channels.values()]

    async def r_get_guild_roles(self, ctx: _Ctx) -> Any:
        return [r.to_dict() for r in self._guild(ctx).roles.values()]

    async def r_list_members(self, ctx: _Ctx) -> Any:
        guild = self._guild(ctx)
        limit = int(ctx.rec.query.get("limit", 1))
        after = int(ctx.rec.query.get("after", 0))
        members = sorted(guild.members.values(), key=lambda m: int(m.id))
        return [m.to_dict() for m in members if int(m.id) > after][:limit]

    async def r_get_member(self, ctx: _Ctx) -> Any:
        member = self._guild(ctx).members.get(ctx.params["user_id"])
        if member is None:
            raise DiscordError(404, 10007, "Unknown Member")
        return member.to_dict()

    # --------------------------------------------------------------- REST: scheduled events

    async def r_list_events(self, ctx: _Ctx) -> Any:
        return copy.deepcopy(list(self._guild(ctx).scheduled_events.values()))

    def _event(self, ctx: _Ctx) -> dict[str, Any]:
        event = self._guild(ctx).scheduled_events.get(ctx.params["event_id"])
        if event is None:
            raise DiscordError(404, 10070, "Unknown Guild Scheduled Event")
        return event

    async def r_get_event(self, ctx: _Ctx) -> Any:
        return copy.deepcopy(self._event(ctx))

    def _validate_event(self, event: dict[str, Any]) -> None:
        problems: dict[str, str] = {}
        _check_len(problems, "name", event.get("name"), 100, minimum=1)
        _check_len(problems, "description", event.get("description"), 1000)
        if event.get("privacy_level") != 2:
            problems["privacy_level"] = "must be 2 (GUILD_ONLY)"
        entity_type = event.get("entity_type")
        if entity_type not in (1, 2, 3):
            problems["entity_type"] = "must be 1, 2 or 3"
        try:
            start = dt.datetime.fromisoformat(str(event.get("scheduled_start_time")))
        except ValueError:
            problems["scheduled_start_time"] = "must be an ISO8601 timestamp"
            start = None
        end = None
        if event.get("scheduled_end_time") is not None:
            try:
                end = dt.datetime.fromisoformat(str(event["scheduled_end_time"]))
            except ValueError:
                problems["scheduled_end_time"] = "must be an ISO8601 timestamp"
        if entity_type == 3:
            if not (event.get("entity_metadata") or {}).get("location"):
                problems["entity_metadata.location"] = "external events need a location"
            if event.get("scheduled_end_time") is None:
                problems["scheduled_end_time"] = "external events need an end time"
        elif entity_type in (1, 2) and not event.get("channel_id"):
            problems["channel_id"] = "stage and voice events need a channel"
        if start is not None and end is not None and end <= start:
            problems["scheduled_end_time"] = "must be after the start"
        if problems:
            raise invalid_form(problems)

    async def _event_gateway(self, event: str, data: dict[str, Any]) -> None:
        session = self.live_session()
        if session is not None and session.intents & Intent.GUILD_SCHEDULED_EVENTS:
            try:
                await session.dispatch(event, copy.deepcopy(data))
            except Exception:
                pass

    async def r_create_event(self, ctx: _Ctx) -> Any:
        guild = self._guild(ctx)
        body = dict(ctx.json or {})
        self._validate_event(body)
        event_id = snowflakes.next()
        event = {
            "id": event_id,
            "guild_id": guild.id,
            "channel_id": body.get("channel_id"),
            "creator_id": self.world.bot_user.id,
            "creator": self.world.bot_user.to_dict(),
            "name": body["name"],
            "description": body.get("description"),
            "scheduled_start_time": body["scheduled_start_time"],
            "scheduled_end_time": body.get("scheduled_end_time"),
            "privacy_level": 2,
            "status": 1,
            "entity_type": body["entity_type"],
            "entity_id": None,
            "entity_metadata": body.get("entity_metadata"),
            "user_count": 0,
            "image": body.get("image"),
            "recurrence_rule": body.get("recurrence_rule"),
        }
        with self.lock:
            guild.scheduled_events[event_id] = event
        await self._event_gateway("GUILD_SCHEDULED_EVENT_CREATE", event)
        return copy.deepcopy(event)

    async def r_edit_event(self, ctx: _Ctx) -> Any:
        event = self._event(ctx)
        merged = dict(event, **(ctx.json or {}))
        self._validate_event(merged)
        status = (ctx.json or {}).get("status")
        if status is not None and (event["status"], status) not in ((1, 2), (1, 4), (2, 3)):
            raise invalid_form({"status": f"cannot go from status {event['status']} to {status}"})
        with self.lock:
            event.update(merged)
        await self._event_gateway("GUILD_SCHEDULED_EVENT_UPDATE", event)
        return copy.deepcopy(event)

    async def r_delete_event(self, ctx: _Ctx) -> Any:
        event = self._event(ctx)
        with self.lock:
            del self.world.guild.scheduled_events[event["id"]]
        await self._event_gateway("GUILD_SCHEDULED_EVENT_DELETE", event)
        return None, 204

    async def r_event_users(self, ctx: _Ctx) -> Any:
        self._event(ctx)
        return []

    # --------------------------------------------------------------------- REST: channels

    def _channel(self, ctx: _Ctx) -> Channel:
        channel = self.world.channel(ctx.params["channel_id"])
        if channel is None:
            raise DiscordError(404, 10003, "Unknown Channel")
        if channel.type != 1:
            me = self.world.guild.members[self.world.bot_user.id]
            if not self.world.guild.channel_permissions(me, channel) & Perm.VIEW_CHANNEL:
                raise DiscordError(403, 50001, "Missing Access")
        return channel

    async def r_get_channel(self, ctx: _Ctx) -> Any:
        return self._channel(ctx).to_dict()

    async def r_create_dm(self, ctx: _Ctx) -> Any:
        recipient = str((ctx.json or {}).get("recipient_id", ""))
        if recipient not in self.world.users or recipient == self.world.bot_user.id:
            raise DiscordError(400, 50033, "Invalid Recipient(s)")
        with self.lock:
            channel = self.world.dm_channel(recipient)
        return channel.to_dict()

    async def r_create_message(self, ctx: _Ctx) -> Any:
        channel = self._channel(ctx)
        body = dict(ctx.json or {})
        if channel.type == 1:
            assert channel.recipient is not None
            if channel.recipient.id in self.dms_closed:
                raise DiscordError(403, 50007, "Cannot send messages to this user")
        else:
            me = self.world.guild.members[self.world.bot_user.id]
            perms = self.world.guild.channel_permissions(me, channel)
            needed = Perm.SEND_MESSAGES | (Perm.ATTACH_FILES if ctx.files else 0)
            if perms & needed != needed:
                raise DiscordError(403, 50013, "Missing Permissions")
        validate_message(body, files=len(ctx.files))
        flags = int(body.get("flags") or 0)
        if flags & 64:
            raise invalid_form({"flags": "only interaction responses can be ephemeral"})
        record = self._new_message(
            channel.id, body, ctx.files, source="dm" if channel.type == 1 else "channel", flags=flags
        )
        await self._announce("MESSAGE_CREATE", record)
        return copy.deepcopy(record.data)

    def _message_in(self, ctx: _Ctx) -> MessageRecord:
        channel = self._channel(ctx)
        with self.lock:
            record = self.messages.get(ctx.params["message_id"])
        if record is None or record.deleted or record.channel_id != channel.id or record.ephemeral:
            raise DiscordError(404, 10008, "Unknown Message")
        return record

    async def r_list_messages(self, ctx: _Ctx) -> Any:
        channel = self._channel(ctx)
        limit = min(100, int(ctx.rec.query.get("limit", 50)))
        before = int(ctx.rec.query.get("before", 1 << 63))
        after = int(ctx.rec.query.get("after", 0))
        found = [
            m.data for m in self.channel_messages(channel.id, include_ephemeral=False) if after < int(m.id) < before
        ]
        found.sort(key=lambda m: int(m["id"]), reverse="after" not in ctx.rec.query)
        return copy.deepcopy(found[:limit])

    async def r_get_message(self, ctx: _Ctx) -> Any:
        return copy.deepcopy(self._message_in(ctx).data)

    async def r_edit_message(self, ctx: _Ctx) -> Any:
        record = self._message_in(ctx)
        if record.data["author"]["id"] != self.world.bot_user.id:
            raise DiscordError(403, 50005, "Cannot edit a message authored by another user")
        body = dict(ctx.json or {})
        validate_message(body, files=len(ctx.files), partial=True)
        self._edit_message(record, body, ctx.files)
        await self._announce("MESSAGE_UPDATE", record)
        return copy.deepcopy(record.data)

    async def r_delete_message(self, ctx: _Ctx) -> Any:
        record = self._message_in(ctx)
        with self.lock:
            record.deleted = True
        await self._announce_delete(record)
        return None, 204

    # ------------------------------------------------------------------ REST: interactions

    async def r_interaction_callback(self, ctx: _Ctx) -> Any:
        with self.lock:
            record = self.interactions.get(ctx.params["interaction_id"])
        if record is None or record.token != ctx.params["token"]:
            raise DiscordError(404, 10062, "Unknown interaction")
        latency = time.monotonic() - (record.dispatched_at or time.monotonic())
        if latency > self.response_deadline:
            error = DiscordError(404, 10062, "Unknown interaction")
            error.body["fake_note"] = f"acknowledged {latency:.2f} s after dispatch; Discord allows 3 s"
            raise error
        if record.callback is not None:
            raise DiscordError(400, 40060, "Interaction has already been acknowledged.")
        body = ctx.json or {}
        ctype = body.get("type")
        data = body.get("data") or {}
        if ctype not in VALID_CALLBACKS.get(record.type, set()):
            raise invalid_form({"type": f"callback type {ctype} is not valid for interaction type {record.type}"})
        if ctype in (6, 7) and record.type == 5 and not record.payload.get("message"):
            raise invalid_form({"type": "this modal was not opened from a message; it cannot update one"})
        flags = int(data.get("flags") or 0)
        message: MessageRecord | None = None
        if ctype == 4:
            validate_message(data, files=len(ctx.files))
            message = self._new_message(
                record.channel_id,
                data,
                ctx.files,
                source="interaction",
                interaction=record,
                flags=flags,
                msg_type=20 if record.type == 2 else 0,
            )
        elif ctype == 5:
            message = self._new_message(
                record.channel_id,
                {"content": ""},
                [],
                source="interaction",
                interaction=record,
                flags=128 | (flags & 64),
                msg_type=20 if record.type == 2 else 0,
            )
        elif ctype in (6, 7):
            with self.lock:
                message = self.messages.get(record.payload["message"]["id"])
            if message is None:
                raise DiscordError(404, 10008, "Unknown Message")
            if ctype == 7:
                validate_message(data, files=len(ctx.files), partial=True)
                self._edit_message(message, data, ctx.files)
        elif ctype == 8:
            choices = data.get("choices")
            problems: dict[str, str] = {}
            if not isinstance(choices, list) or len(choices) > 25:
                problems["data.choices"] = "autocomplete answers 0 to 25 choices"
            for i, choice in enumerate(choices or []):
                _check_len(problems, f"data.choices.{i}.name", choice.get("name"), 100, minimum=1)
                if isinstance(choice.get("value"), str):
                    _check_len(problems, f"data.choices.{i}.value", choice.get("value"), 100)
            if problems:
                raise invalid_form(problems)
        elif ctype == 9:
            validate_modal(data)
        with self.lock:
            record.callback = {"type": ctype, "data": copy.deepcopy(data), "latency": latency}
            if message is not None:
                record.original_message_id = message.id
        if message is not None and ctype in (4, 5):
            await self._announce("MESSAGE_CREATE", message)
        elif message is not None and ctype == 7:
            await self._announce("MESSAGE_UPDATE", message)
        if ctx.rec.query.get("with_response") not in ("1", "true", "True"):
            return None, 204
        interaction: dict[str, Any] = {"id": record.id, "type": record.type}
        resource: dict[str, Any] = {"type": ctype}
        if message is not None:
            interaction.update(
                response_message_id=message.id,
                response_message_loading=bool(message.data["flags"] & 128),
                response_message_ephemeral=message.ephemeral,
            )
            if ctype in (4, 5, 7):
                resource["message"] = copy.deepcopy(message.data)
        return {"interaction": interaction, "resource": resource}

    def _interaction_for(self, ctx: _Ctx) -> InteractionRecord:
        if ctx.params["app_id"] != self.application_id:
            raise DiscordError(404, 10015, "Unknown Webhook")
        with self.lock:
            for record in self.interactions.values():
                if record.token == ctx.params["token"]:
                    if record.callback is None or record.callback["type"] in (8, 9):
                        break  # not acknowledged with a message-bearing response: no webhook yet
                    return record
        raise DiscordError(404, 10015, "Unknown Webhook")

    def _webhook_message(self, ctx: _Ctx, record: InteractionRecord) -> MessageRecord:
        wanted = ctx.params["message_id"]
        with self.lock:
            if wanted == "@original":
                wanted = record.original_message_id or ""
            elif wanted != record.original_message_id and wanted not in record.followup_ids:
                wanted = ""
            message = self.messages.get(wanted)
        if message is None or message.deleted:
            raise DiscordError(404, 10008, "Unknown Message")
        return message

    async def r_create_followup(self, ctx: _Ctx) -> Any:
        record = self._interaction_for(ctx)
        body = dict(ctx.json or {})
        validate_message(body, files=len(ctx.files))
        with self.lock:
            original = self.messages.get(record.original_message_id or "")
            record.activity += 1
        if record.callback_type == 5 and original is not None and original.data["flags"] & 128:
            # After a deferred reply, the first followup replaces the "thinking…" message (keeping its
            # ephemerality), exactly as Discord does.
            self._edit_message(original, body, ctx.files)
            message = original
            await self._announce("MESSAGE_UPDATE", message)
        else:
            flags = int(body.get("flags") or 0)
            message = self._new_message(
                record.channel_id, body, ctx.files, source="followup", interaction=record, flags=flags
            )
            with self.lock:
                record.followup_ids.append(message.id)
            await self._announce("MESSAGE_CREATE", message)
        if ctx.rec.query.get("wait") not in ("true", "1", "True"):
            return None, 204
        return copy.deepcopy(message.data)

    async def r_get_wh_msg(self, ctx: _Ctx) -> Any:
        record = self._interaction_for(ctx)
        return copy.deepcopy(self._webhook_message(ctx, record).data)

    async def r_edit_wh_msg(self, ctx: _Ctx) -> Any:
        record = self._interaction_for(ctx)
        message = self._webhook_message(ctx, record)
        body = dict(ctx.json or {})
        validate_message(body, files=len(ctx.files), partial=True)
        self._edit_message(message, body, ctx.files)
        with self.lock:
            record.activity += 1
        await self._announce("MESSAGE_UPDATE", message)
        return copy.deepcopy(message.data)

    async def r_del_wh_msg(self, ctx: _Ctx) -> Any:
        record = self._interaction_for(ctx)
        message = self._webhook_message(ctx, record)
        with self.lock:
            message.deleted = True
            record.activity += 1
        await self._announce_delete(message)
        return None, 204

    # -------------------------------------------------------------------------- gateway

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
