"""Small strict fakes of the parts of Discord the cogs touch, recording what the bot sent.

They are strict so a test fails where Discord would fail the bot: a second response to one interaction, a followup
before any response, or a keyword they do not model raises; anything else not modelled is an AttributeError.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace
from typing import Any

import discord
from discord import app_commands

from bot.scheduler import ReminderScheduler
from bot.settings import Settings
from bot.tree import report_error
from bot.web import ScreenHub
from cogs.events._reminders import DiscordReminderSender
from db.database import Database

GUILD_ID = 100000000000000001
CHANNEL_ID = 300000000000000001
MOD_CHANNEL_ID = 300000000000000099
BOT_USER = discord.Object(id=100000000000000777)
_ids = itertools.count(800000000000000001)


@dataclass
class Sent:
    """One thing the bot sent or edited: a response, a modal, a followup, a channel message, a DM or an edit."""

    kind: str
    content: str = ""  # what a member reads when the bot sent only embeds, a view or nothing
    embeds: list[discord.Embed] = field(default_factory=list)
    view: discord.ui.View | None = None
    ephemeral: bool = False
    allowed_mentions: discord.AllowedMentions | None = None
    files: list[discord.File] = field(default_factory=list)
    modal: discord.ui.Modal | None = None

    @property
    def embed(self) -> discord.Embed | None:
        return self.embeds[0] if self.embeds else None

    @property
    def file(self) -> discord.File | None:
        return self.files[0] if self.files else None

    @property
    def text(self) -> str:
        """Everything a member can read in it: content, then each embed's author, title, description, fields, footer."""
        parts = [self.content]
        for embed in self.embeds:
            parts += [embed.author.name or "", embed.title or "", embed.description or ""]
            parts += [f"{f.name}\n{f.value}" for f in embed.fields]
            parts.append(embed.footer.text or "")
        return "\n".join(parts)

    @property
    def custom_ids(self) -> list[str]:
        return [getattr(item, "custom_id", "") for item in (self.view.children if self.view else [])]

    @property
    def labels(self) -> list[str]:
        """The buttons' labels; a persistent (dynamic) button keeps its label on the button it wraps."""
        items = self.view.children if self.view else []
        return [getattr(item, "item", item).label for item in items]  # type: ignore[union-attr]


def _sent(kind: str, content: str | None, options: dict[str, Any], *, ephemeral: bool = False) -> Sent:
    """What a send recorded; a keyword not modelled here, or embed with embeds (file with files), raises."""
    if unknown := set(options) - {"embed", "embeds", "file", "files", "view", "allowed_mentions"}:
        raise TypeError(f"unexpected arguments to {kind}: {sorted(unknown)}")
    for one, many in (("embed", "embeds"), ("file", "files")):
        if options.get(one) is not None and options.get(many) is not None:
            raise TypeError(f"{kind} takes {one} or {many}, not both")
    embed, file = options.get("embed"), options.get("file")
    return Sent(
        kind,
        content or "",
        embeds=[embed] if embed is not None else list(options.get("embeds") or []),
        view=options.get("view"),
        ephemeral=ephemeral,
        allowed_mentions=options.get("allowed_mentions"),
        files=[file] if file is not None else list(options.get("files") or []),
    )


class FakeHTTPResponse:
    """The response discord.py's HTTP errors are built from."""

    def __init__(self, status: int) -> None:
        self.status = status
        self.reason = "fake"


class FakeMessage:
    def __init__(self, channel: FakeChannel, sent: Sent) -> None:
        self.id = next(_ids)
        self.channel = channel
        self.sent = sent
        self.edits: list[Sent] = []
        self.deleted = False

    @property
    def current(self) -> Sent:
        return self.edits[-1] if self.edits else self.sent

    @property
    def author(self) -> discord.Object:
        return BOT_USER

    @property
    def components(self) -> list[SimpleNamespace]:
        """The message's buttons as Discord returns them: one row holding the view's items."""
        view = self.current.view
        return [SimpleNamespace(children=list(view.children))] if view is not None else []

    async def edit(
        self,
        *,
        content: Any = ...,
        embed: Any = ...,
        view: Any = ...,
        allowed_mentions: discord.AllowedMentions | None = None,
    ) -> FakeMessage:
        """Replace what the edit names and keep the rest, as Discord does."""
        if self.deleted:
            raise discord.NotFound(FakeHTTPResponse(404), "Unknown Message")
        now = self.current
        self.edits.append(
            Sent(
                "edit",
                content=now.content if content is ... else content or "",
                embeds=now.embeds if embed is ... else [embed] if embed is not None else [],
                view=now.view if view is ... else view,
                allowed_mentions=allowed_mentions,
            )
        )
        return self


class FakeChannel:
    def __init__(self, channel_id: int) -> None:
        self.id = channel_id
        self.messages: list[FakeMessage] = []
        self.forbidden = False

    async def send(self, content: str | None = None, **options: Any) -> FakeMessage:
        if self.forbidden:
            raise discord.Forbidden(FakeHTTPResponse(403), "Missing Permissions")
        message = FakeMessage(self, _sent("channel", content, options))
        self.messages.append(message)
        return message

    async def history(self, *, limit: int) -> AsyncIterator[FakeMessage]:
        """Newest first, as discord.py yields them."""
        for message in list(reversed(self.messages))[:limit]:
            yield message

    def get_partial_message(self, message_id: int) -> FakeMessage:
        for message in self.messages:
            if message.id == message_id:
                return message
        raise AssertionError(f"message {message_id} was never sent in channel {self.id}")


@dataclass(frozen=True)
class FakeRole:
    id: int
    name: str


class FakeMember(discord.Member):
    """A guild member (a real discord.Member subclass, for isinstance checks) that records the DMs it is sent.

    Set `dms_closed` to refuse DMs as Discord does for a member who turned them off.
    """

    def __init__(self, member_id: int, *, name: str = "Member", moderator: bool = False) -> None:
        self._fake_id = member_id
        self._fake_name = name
        self._fake_roles = [FakeRole(555, "Moderator")] if moderator else [FakeRole(556, "Audience")]
        self.dms: list[Sent] = []
        self.dms_closed = False

    @property
    def id(self) -> int:  # type: ignore[override]
        return self._fake_id

    @property
    def display_name(self) -> str:
        return self._fake_name

    @property
    def roles(self) -> list[FakeRole]:  # type: ignore[override]
        return self._fake_roles

    @property
    def guild_permissions(self) -> discord.Permissions:
        return discord.Permissions.none()

    async def send(self, content: str | None = None, **options: Any) -> None:  # type: ignore[override]
        if self.dms_closed:
            raise discord.Forbidden(FakeHTTPResponse(403), "Cannot send messages to this user")
        self.dms.append(_sent("dm", content, options))

    def __repr__(self) -> str:
        return f"<FakeMember {self._fake_id}>"


def member(member_id: int = 900000000000000002, name: str = "Member") -> FakeMember:
    return FakeMember(member_id, name=name)


def moderator(member_id: int = 900000000000000001) -> FakeMember:
    return FakeMember(member_id, name="Mod", moderator=True)


_SCHEDULED_EVENT_FIELDS = {"name", "start_time", "end_time", "entity_type", "privacy_level", "location", "description"}


@dataclass
class FakeScheduledEvent:
    """An entry of the server's Events tab, as the bot last created or edited it."""

    id: int
    name: str
    start_time: datetime
    end_time: datetime
    entity_type: discord.EntityType
    privacy_level: discord.PrivacyLevel
    location: str
    description: str
    status: discord.EventStatus = discord.EventStatus.scheduled
    creator_id: int | None = None

    async def edit(self, **changes: Any) -> None:
        """Replace what the edit names and keep the rest; a keyword not modelled here raises."""
        if unknown := set(changes) - _SCHEDULED_EVENT_FIELDS:
            raise TypeError(f"unexpected arguments to edit: {sorted(unknown)}")
        for name, value in changes.items():
            setattr(self, name, value)

    async def cancel(self, *, reason: str | None = None) -> None:
        self.status = discord.EventStatus.cancelled

    async def delete(self, *, reason: str | None = None) -> None:
        self.status = discord.EventStatus.ended  # gone from the tab; FakeGuild drops it from its list


class FakeGuild:
    """The bot's one server, as far as its Events tab goes."""

    def __init__(self, guild_id: int) -> None:
        self.id = guild_id
        self.scheduled_events: list[FakeScheduledEvent] = []

    async def create_scheduled_event(self, **values: Any) -> FakeScheduledEvent:
        """Every modelled field is required (the bot always gives them); any other keyword raises."""
        if unknown := set(values) - _SCHEDULED_EVENT_FIELDS:
            raise TypeError(f"unexpected arguments to create_scheduled_event: {sorted(unknown)}")
        created = FakeScheduledEvent(next(_ids), creator_id=BOT_USER.id, **values)
        self.scheduled_events.append(created)
        return created

    async def fetch_scheduled_events(self) -> list[FakeScheduledEvent]:
        self.scheduled_events = [event for event in self.scheduled_events if event.status != discord.EventStatus.ended]
        return list(self.scheduled_events)

    async def fetch_scheduled_event(self, event_id: int, /) -> FakeScheduledEvent:
        for event in self.scheduled_events:
            if event.id == event_id:
                return event
        raise discord.NotFound(FakeHTTPResponse(404), "Unknown Guild Scheduled Event")


class FakeBot:
    """What cogs reach through the bot: settings, database, channels, members, server, screen hub, timer, setup hooks.

    The timer is the real one, never started: a test reads what it would fire from `reminders.scheduler.get_jobs()`.
    """

    def __init__(self, settings: Settings, db: Database) -> None:
        self.settings = settings
        self.db = db
        self.channels: dict[int, FakeChannel] = {}
        self.users: dict[int, FakeMember] = {}
        self.dynamic_items: list[type] = []
        self.cogs: list[Any] = []
        self.guild = FakeGuild(GUILD_ID)
        self.screens = ScreenHub(db)
        self.reminders = ReminderScheduler(
            db=db,
            sender=DiscordReminderSender(self),  # type: ignore[arg-type]
            ready=self.wait_until_ready,
            fallback_channel_id=settings.announce_channel_id,
        )
        self.user = BOT_USER
        # As the real bot: screens and timer follow every committed change.
        db.on_change(self.screens.follow)
        db.on_change(self.reminders.follow)

    def get_partial_messageable(self, channel_id: int) -> FakeChannel:
        return self.channels.setdefault(channel_id, FakeChannel(channel_id))

    def get_user(self, user_id: int) -> FakeMember | None:
        return self.users.get(user_id)

    async def fetch_user(self, user_id: int) -> FakeMember:
        user = self.users.get(user_id)
        if user is None:
            raise discord.NotFound(FakeHTTPResponse(404), "Unknown User")
        return user

    async def wait_until_ready(self) -> None:
        return None

    def add_dynamic_items(self, *items: type) -> None:
        self.dynamic_items += items

    async def add_cog(self, cog: Any) -> None:
        self.cogs.append(cog)


class FakeResponse:
    def __init__(self, interaction: FakeInteraction) -> None:
        self._interaction = interaction
        self._done = False

    def is_done(self) -> bool:
        return self._done

    def _respond(self) -> None:
        if self._done:
            raise discord.InteractionResponded(self._interaction)  # type: ignore[arg-type]
        self._done = True

    async def send_message(self, content: str | None = None, *, ephemeral: bool = False, **options: Any) -> None:
        self._respond()
        self._interaction.sent.append(_sent("response", content, options, ephemeral=ephemeral))

    async def send_modal(self, modal: discord.ui.Modal, /) -> None:
        self._respond()
        self._interaction.sent.append(Sent("modal", modal=modal))

    async def edit_message(self, *, content: Any = ..., embed: Any = ..., view: Any = ...) -> None:
        """Edit the message whose component was used; without one given, an empty message stands in for it."""
        self._respond()
        message = self._interaction.message or FakeMessage(FakeChannel(self._interaction.channel_id), Sent("message"))
        await message.edit(content=content, embed=embed, view=view)
        self._interaction.sent.append(dataclasses.replace(message.current, kind="edit_message"))

    async def defer(self, *, ephemeral: bool = False, thinking: bool = False) -> None:
        self._respond()
        self._interaction.sent.append(Sent("defer", ephemeral=ephemeral))


class FakeFollowup:
    def __init__(self, interaction: FakeInteraction) -> None:
        self._interaction = interaction

    async def send(self, content: str | None = None, *, ephemeral: bool = False, **options: Any) -> None:
        assert self._interaction.response.is_done(), "a followup before any response is refused by Discord"
        self._interaction.sent.append(_sent("followup", content, options, ephemeral=ephemeral))


class FakeInteraction:
    def __init__(
        self,
        bot: FakeBot,
        user: FakeMember,
        *,
        channel_id: int = CHANNEL_ID,
        message: FakeMessage | None = None,
        app_permissions: discord.Permissions | None = None,
        locale: discord.Locale = discord.Locale.american_english,
    ) -> None:
        self.id = next(_ids)
        self.locale = locale
        self.client = bot
        self.user = user
        self.guild_id: int | None = GUILD_ID
        self.channel_id = channel_id
        self.message = message
        self.app_permissions = app_permissions if app_permissions is not None else discord.Permissions.none()
        self.data: dict[str, Any] = {}
        self.sent: list[Sent] = []
        self.response = FakeResponse(self)
        self.followup = FakeFollowup(self)
        bot.users.setdefault(user.id, user)

    @property
    def guild(self) -> FakeGuild | None:
        """Looked up by guild_id, as discord.py does: None in DMs (a test sets guild_id to None)."""
        return self.client.guild if self.guild_id == self.client.guild.id else None

    async def original_response(self) -> FakeMessage:
        assert self.sent, "there is no response to fetch yet"
        return FakeMessage(FakeChannel(self.channel_id), self.sent[0])

    @property
    def last(self) -> Sent:
        assert self.sent, "the bot did not answer"
        return self.sent[-1]

    @property
    def reply(self) -> Sent:
        """The one message the member was shown; a defer shows none, and a second message fails the test."""
        shown = [sent for sent in self.sent if sent.kind != "defer"]
        assert len(shown) == 1, f"expected one message, the bot sent {shown}"
        return shown[0]

    @property
    def replies(self) -> str:
        return "\n".join(sent.text for sent in self.sent)


async def run_command(
    command: app_commands.Command[Any, Any, Any], interaction: FakeInteraction, **options: Any
) -> None:
    """Run a slash command as the tree does: its checks, then its callback; errors go to the one error handler."""
    try:
        if not await command._check_can_run(interaction):  # type: ignore[arg-type]
            raise app_commands.CheckFailure("check failed")
        await command.callback(command.binding, interaction, **options)  # type: ignore[arg-type]
    except Exception as error:
        await report_error(interaction, error)  # type: ignore[arg-type]
