"""Small strict fakes of the parts of a discord.py Interaction that cogs touch, recording what was sent.

Anything a cog uses that is not modelled here fails with AttributeError, so the fakes cannot hide a call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import discord
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from db.reader import Reader
from db.writer import Writer

MODERATOR_ROLE = discord.Object(id=300000000000000001)


@dataclass
class Sent:
    """One message (or edit) the cog produced."""

    kind: str
    content: str | None = None
    embeds: list[discord.Embed] = field(default_factory=list)
    view: discord.ui.View | None = None
    ephemeral: bool = False
    modal: discord.ui.Modal | None = None
    files: list[discord.File] = field(default_factory=list)
    allowed_mentions: discord.AllowedMentions | None = None

    @property
    def text(self) -> str:
        """Everything a reader sees: content, embed titles, descriptions, fields and footers."""
        parts = [self.content or ""]
        for embed in self.embeds:
            parts += [embed.title or "", embed.description or "", embed.footer.text or ""]
            parts += [f"{f.name}\n{f.value}" for f in embed.fields]
        return "\n".join(parts)

    def custom_ids(self) -> list[str]:
        return [getattr(item, "custom_id", "") for item in (self.view.children if self.view else [])]


@dataclass
class FakeRole:
    id: int
    name: str


@dataclass
class FakePermissions:
    manage_guild: bool = False
    manage_events: bool = False


class FakeUser:
    def __init__(self, user_id: int, name: str, *, roles: list[FakeRole] | None = None, manage_guild: bool = False):
        self.id = user_id
        self.name = name
        self.display_name = name
        self.mention = f"<@{user_id}>"
        self.roles = roles or []
        self.guild_permissions = FakePermissions(manage_guild=manage_guild)
        self.dms: list[Sent] = []

    async def send(self, content: str | None = None, **kwargs: Any) -> None:
        self.dms.append(_sent("dm", content, kwargs))


def moderator(user_id: int = 900000000000000001) -> FakeUser:
    return FakeUser(user_id, "Mod", roles=[FakeRole(MODERATOR_ROLE.id, "Moderator")])


def member(user_id: int = 900000000000000002, name: str = "Member") -> FakeUser:
    return FakeUser(user_id, name, roles=[FakeRole(300000000000000009, "Member")])


def _sent(kind: str, content: str | None, kwargs: dict[str, Any]) -> Sent:
    embeds = list(kwargs.pop("embeds", None) or [])
    if kwargs.get("embed") is not None:
        embeds.insert(0, kwargs.pop("embed"))
    kwargs.pop("embed", None)
    files = list(kwargs.pop("files", None) or [])
    if kwargs.get("file") is not None:
        files.append(kwargs.pop("file"))
    kwargs.pop("file", None)
    sent = Sent(
        kind=kind,
        content=content,
        embeds=embeds,
        view=kwargs.pop("view", None),
        ephemeral=kwargs.pop("ephemeral", False),
        files=files,
        allowed_mentions=kwargs.pop("allowed_mentions", None),
    )
    if kwargs:
        raise TypeError(f"unexpected arguments to {kind}: {sorted(kwargs)}")
    return sent


class FakeBot:
    """What cogs reach through `interaction.client`: settings, sessions, reader, writer and user lookup for DMs."""

    def __init__(
        self, settings: Settings, sessions: async_sessionmaker[AsyncSession], reader: Reader, writer: Writer
    ) -> None:
        self.settings = settings
        self.sessions = sessions
        self.reader = reader
        self.writer = writer
        self.users: dict[int, FakeUser] = {}

    def get_user(self, user_id: int) -> FakeUser | None:
        return self.users.get(user_id)

    async def fetch_user(self, user_id: int) -> FakeUser:
        user = self.users.get(user_id)
        if user is None:
            raise discord.NotFound(_FakeResponse(404), "Unknown User")
        return user


class _FakeResponse:
    def __init__(self, status: int) -> None:
        self.status = status
        self.reason = "fake"


class FakeResponse:
    def __init__(self, interaction: FakeInteraction) -> None:
        self._interaction = interaction
        self._done = False

    def is_done(self) -> bool:
        return self._done

    def _finish(self) -> None:
        if self._done:
            raise discord.InteractionResponded(self._interaction)  # type: ignore[arg-type]
        self._done = True

    async def send_message(self, content: str | None = None, **kwargs: Any) -> None:
        self._finish()
        self._interaction.sent.append(_sent("response", content, kwargs))

    async def send_modal(self, modal: discord.ui.Modal) -> None:
        self._finish()
        self._interaction.sent.append(Sent(kind="modal", modal=modal))

    async def edit_message(self, content: str | None = None, **kwargs: Any) -> None:
        self._finish()
        self._interaction.sent.append(_sent("edit", content, kwargs))

    async def defer(self, **_kwargs: Any) -> None:
        self._finish()


class FakeFollowup:
    def __init__(self, interaction: FakeInteraction) -> None:
        self._interaction = interaction

    async def send(self, content: str | None = None, **kwargs: Any) -> None:
        assert self._interaction.response.is_done(), "a followup before any response fails on Discord"
        self._interaction.sent.append(_sent("followup", content, kwargs))


class FakeInteraction:
    def __init__(self, bot: FakeBot, user: FakeUser, *, channel_id: int = 200000000000000001) -> None:
        self.client = bot
        self.user = user
        self.id = 1
        self.data: dict[str, Any] = {}
        self.channel_id = channel_id
        self.guild_id = bot.settings.guild_id
        self.sent: list[Sent] = []
        self.response = FakeResponse(self)
        self.followup = FakeFollowup(self)
        bot.users.setdefault(user.id, user)

    async def original_response(self) -> Any:
        return _FakeOriginal(self)

    @property
    def last(self) -> Sent:
        assert self.sent, "the cog sent nothing"
        return self.sent[-1]


class _FakeOriginal:
    def __init__(self, interaction: FakeInteraction) -> None:
        self._interaction = interaction

    async def edit(self, **kwargs: Any) -> None:
        self._interaction.sent.append(_sent("original-edit", kwargs.pop("content", None), kwargs))
