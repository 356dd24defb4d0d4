"""The test world: one guild with its users, roles, channels and members, and their Discord JSON."""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass, field
from typing import Any

from .ids import token_for, world_id
from .permissions import Perm


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
    # Who pressed Interested on each scheduled event (Discord keeps this apart from the event object).
    interested: dict[str, set[str]] = field(default_factory=dict)

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
