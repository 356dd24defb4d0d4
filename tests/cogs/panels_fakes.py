"""Small strict fakes of Discord for the panel cog tests: they record what the bot sent and refuse misuse.

Only what the cog touches is faked. A second response to one interaction, a followup before any
response, or an unknown keyword fails the test the way Discord would fail the bot.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import discord
from discord import app_commands
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from bot.tree import report_error
from bot.web import ScreenHub
from db.reader import Reader
from db.writer import Writer

GUILD_ID = 100000000000000001
CHANNEL_ID = 300000000000000001
MOD_CHANNEL_ID = 300000000000000099
_ids = itertools.count(900000000000000001)
BOT_USER = discord.Object(id=100000000000000777)


@dataclass
class Sent:
    """One thing the bot sent or edited: a response, a followup, a channel message or an edit."""

    kind: str
    content: str | None = None
    embed: discord.Embed | None = None
    view: discord.ui.View | None = None
    ephemeral: bool = False
    allowed_mentions: discord.AllowedMentions | None = None
    file: discord.File | None = None
    modal: discord.ui.Modal | None = None

    def custom_ids(self) -> list[str]:
        return [item.custom_id for item in self.view.children] if self.view else []  # type: ignore[attr-defined]

    def labels(self) -> list[str | None]:
        return [item.label for item in self.view.children] if self.view else []  # type: ignore[attr-defined]

    def text(self) -> str:
        """Everything a member can read in it: content, embed title, author, description, fields, footer."""
        parts = [self.content or ""]
        if self.embed is not None:
            data = self.embed.to_dict()
            parts += [data.get("title", ""), data.get("description", ""), data.get("author", {}).get("name", "")]
            parts += [f"{f['name']}\n{f['value']}" for f in data.get("fields", [])]
            parts.append(data.get("footer", {}).get("text", ""))
        return "\n".join(parts)


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
        if self.deleted:
            raise discord.NotFound(FakeHTTPResponse(404), "Unknown Message")
        now = self.current
        self.edits.append(
            Sent(
                "edit",
                content=now.content if content is ... else content,
                embed=now.embed if embed is ... else embed,
                view=now.view if view is ... else view,
                allowed_mentions=allowed_mentions,
            )
        )
        return self


class FakeHTTPResponse:
    def __init__(self, status: int) -> None:
        self.status = status
        self.reason = "fake"


class FakeChannel:
    def __init__(self, channel_id: int) -> None:
        self.id = channel_id
        self.messages: list[FakeMessage] = []
        self.forbidden = False

    async def send(
        self,
        content: str | None = None,
        *,
        embed: discord.Embed | None = None,
        view: discord.ui.View | None = None,
        allowed_mentions: discord.AllowedMentions | None = None,
    ) -> FakeMessage:
        if self.forbidden:
            raise discord.Forbidden(FakeHTTPResponse(403), "Missing Permissions")
        message = FakeMessage(self, Sent("channel", content, embed, view, allowed_mentions=allowed_mentions))
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


class FakeBot:
    """The parts of CoalitionBot the cog uses: settings, sessions, reader, writer, channels, persistent items."""

    def __init__(
        self, settings: Settings, sessions: async_sessionmaker[AsyncSession], reader: Reader, writer: Writer
    ) -> None:
        self.settings = settings
        self.sessions = sessions
        self.reader = reader
        self.writer = writer
        self.channels: dict[int, FakeChannel] = {}
        self.dynamic_items: list[type] = []
        self.cogs: list[Any] = []
        self.screens = ScreenHub(sessions)
        self.user = BOT_USER

    def get_partial_messageable(self, channel_id: int) -> FakeChannel:
        return self.channels.setdefault(channel_id, FakeChannel(channel_id))

    async def wait_until_ready(self) -> None:
        return None

    def add_dynamic_items(self, *items: type) -> None:
        self.dynamic_items += items

    async def add_cog(self, cog: Any) -> None:
        self.cogs.append(cog)


@dataclass(frozen=True)
class FakeRole:
    id: int
    name: str


class FakeMember(discord.Member):
    """A guild member: `member_is_moderator` checks isinstance, so this subclasses discord.Member."""

    def __init__(self, member_id: int, *, name: str = "Member", moderator: bool = False) -> None:
        self._fake_id = member_id
        self._fake_name = name
        self._fake_roles = [FakeRole(555, "Moderator")] if moderator else [FakeRole(556, "Audience")]

    @property  # type: ignore[override]
    def id(self) -> int:
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

    def __repr__(self) -> str:
        return f"<FakeMember {self._fake_id}>"


@dataclass
class FakeGuild:
    id: int = GUILD_ID
    members: list[FakeMember] = field(default_factory=list)


class FakeResponse:
    def __init__(self, interaction: FakeInteraction) -> None:
        self.interaction = interaction
        self.done = False

    def is_done(self) -> bool:
        return self.done

    def _respond(self) -> None:
        if self.done:
            raise discord.InteractionResponded(self.interaction)  # type: ignore[arg-type]
        self.done = True

    async def send_message(
        self,
        content: str | None = None,
        *,
        embed: discord.Embed | None = None,
        view: discord.ui.View | None = None,
        ephemeral: bool = False,
        allowed_mentions: discord.AllowedMentions | None = None,
        file: discord.File | None = None,
    ) -> None:
        self._respond()
        self.interaction.sent.append(Sent("response", content, embed, view, ephemeral, allowed_mentions, file))

    async def send_modal(self, modal: discord.ui.Modal, /) -> None:
        self._respond()
        self.interaction.sent.append(Sent("modal", modal=modal))

    async def edit_message(self, *, content: Any = ..., embed: Any = ..., view: Any = ...) -> None:
        self._respond()
        message = self.interaction.message
        assert message is not None, "edit_message needs the message whose component was used"
        await message.edit(content=content, embed=embed, view=view)
        self.interaction.sent.append(Sent("edit_message", message.current.content, message.current.embed, view))

    async def defer(self, *, ephemeral: bool = False, thinking: bool = False) -> None:
        self._respond()
        self.interaction.sent.append(Sent("defer", ephemeral=ephemeral))


class FakeFollowup:
    def __init__(self, interaction: FakeInteraction) -> None:
        self.interaction = interaction

    async def send(
        self,
        content: str | None = None,
        *,
        embed: discord.Embed | None = None,
        view: discord.ui.View | None = None,
        ephemeral: bool = False,
        allowed_mentions: discord.AllowedMentions | None = None,
        file: discord.File | None = None,
    ) -> None:
        assert self.interaction.response.done, "a followup before any response is refused by Discord"
        self.interaction.sent.append(Sent("followup", content, embed, view, ephemeral, allowed_mentions, file))


class FakeInteraction:
    def __init__(
        self,
        bot: FakeBot,
        user: FakeMember,
        *,
        channel_id: int = CHANNEL_ID,
        message: FakeMessage | None = None,
        guild: FakeGuild | None = None,
    ) -> None:
        self.id = next(_ids)
        self.client = bot
        self.user = user
        self.guild = guild or FakeGuild(members=[user])
        self.guild_id = self.guild.id
        self.channel_id = channel_id
        self.message = message
        self.data: dict[str, Any] = {}
        self.sent: list[Sent] = []
        self.response = FakeResponse(self)
        self.followup = FakeFollowup(self)

    async def original_response(self) -> FakeMessage:
        first = self.sent[0]
        return FakeMessage(FakeChannel(self.channel_id), first)

    @property
    def last(self) -> Sent:
        assert self.sent, "the bot did not answer"
        return self.sent[-1]

    def replies(self) -> str:
        return "\n".join(sent.text() for sent in self.sent)


async def run_command(
    command: app_commands.Command[Any, Any, Any], interaction: FakeInteraction, **options: Any
) -> None:
    """Run a slash command as the tree would: its checks, then its callback; errors go to the error handler."""
    try:
        for check in command.checks:
            if not await discord.utils.maybe_coroutine(check, interaction):
                raise app_commands.CheckFailure("check failed")
        await command.callback(command.binding, interaction, **options)  # type: ignore[arg-type]
    except Exception as error:
        await report_error(interaction, error)  # type: ignore[arg-type]
