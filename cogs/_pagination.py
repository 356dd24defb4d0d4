"""Paginated embeds with Previous / Next buttons, usable by any cog."""

from __future__ import annotations

import contextlib
import re
from typing import Any, ClassVar, Self

import discord

from bot.expired import EXPIRED
from bot.i18n import for_member, member_locale
from cogs._checks import coalition_bot
from cogs._views import ReportingItem, ReportingView
from rules.i18n import N_, translate

PAGE_TIMEOUT_SECONDS = 15 * 60
PREVIOUS = N_("◀ Previous")
NEXT = N_("Next ▶")


def list_language(interaction: discord.Interaction, *, ephemeral: bool) -> str:
    """The language of a list's buttons: the member's when only they see it, else the server's."""
    return member_locale(interaction) if ephemeral else coalition_bot(interaction).settings.server_language


class Paginator(ReportingView):
    """Flip through prepared embeds; only the member who asked can flip, others are told so."""

    def __init__(self, pages: list[discord.Embed], *, owner_id: int, language: str | None = None) -> None:
        super().__init__(timeout=PAGE_TIMEOUT_SECONDS)
        self.pages = pages
        self.owner_id = owner_id
        self.index = 0
        self.message: discord.InteractionMessage | None = None
        self.previous_page.label = translate(language, PREVIOUS)
        self.next_page.label = translate(language, NEXT)
        self._update_buttons()

    @classmethod
    async def send(
        cls,
        interaction: discord.Interaction,
        pages: list[discord.Embed],
        *,
        ephemeral: bool = False,
        language: str | None = None,
    ) -> None:
        """Answer with the first page; buttons only when there is more than one, in `language` (by default the
        member's for an ephemeral list, else the server's)."""
        if len(pages) == 1:
            await interaction.response.send_message(embed=pages[0], ephemeral=ephemeral)
            return
        if language is None:
            language = list_language(interaction, ephemeral=ephemeral)
        view = cls(pages, owner_id=interaction.user.id, language=language)
        await interaction.response.send_message(embed=pages[0], view=view, ephemeral=ephemeral)
        view.message = await interaction.original_response()

    def _update_buttons(self) -> None:
        self.previous_page.disabled = self.index == 0
        self.next_page.disabled = self.index >= len(self.pages) - 1
        self.position.label = f"{self.index + 1} / {len(self.pages)}"

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(for_member(interaction, NOT_YOURS), ephemeral=True)
        return False

    async def _show(self, interaction: discord.Interaction, index: int) -> None:
        self.index = max(0, min(index, len(self.pages) - 1))
        self._update_buttons()
        await interaction.response.edit_message(embed=self.pages[self.index], view=self)

    @discord.ui.button(label=PREVIOUS, style=discord.ButtonStyle.secondary)
    async def previous_page(self, interaction: discord.Interaction, _button: discord.ui.Button[Paginator]) -> None:
        await self._show(interaction, self.index - 1)

    @discord.ui.button(label="1 / 1", style=discord.ButtonStyle.secondary, disabled=True)
    async def position(self, interaction: discord.Interaction, _button: discord.ui.Button[Paginator]) -> None:
        await interaction.response.defer()

    @discord.ui.button(label=NEXT, style=discord.ButtonStyle.secondary)
    async def next_page(self, interaction: discord.Interaction, _button: discord.ui.Button[Paginator]) -> None:
        await self._show(interaction, self.index + 1)

    async def on_timeout(self) -> None:
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        if self.message is not None:
            with contextlib.suppress(discord.HTTPException):
                await self.message.edit(view=self)


# A custom id holds at most 100 characters (Discord's limit).
CUSTOM_ID_LIMIT = 100
NOT_YOURS = N_("These pages belong to someone else's search; run the command yourself to browse.")


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if not number:
            return text


class PageButton(ReportingItem, discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"(?!)"):
    """A page flip that survives restarts: its custom id holds the list's kind, the page it shows, its owner
    and the lookup's short arguments, and a click re-runs the lookup.

    Subclasses name the kind (`class SearchPages(PageButton, kind="ps")`) and implement `pages`.
    """

    kind: ClassVar[str]

    def __init_subclass__(cls, *, kind: str, **kwargs: Any) -> None:
        cls.kind = kind
        template = rf"pg:{re.escape(kind)}:(?P<move>[pn]):(?P<page>\d+):(?P<owner>[0-9a-z]+):(?P<args>.*)"
        super().__init_subclass__(template=template, **kwargs)

    def __init__(
        self, move: str, page: int, owner_id: int, args: str, *, disabled: bool = False, language: str | None = None
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=translate(language, PREVIOUS if move == "p" else NEXT),
                style=discord.ButtonStyle.secondary,
                custom_id=self.custom_id_for(move, page, owner_id, args),
                disabled=disabled,
            )
        )
        self.page = page
        self.owner_id = owner_id
        self.args = args

    @classmethod
    def custom_id_for(cls, move: str, page: int, owner_id: int, args: str) -> str:
        return f"pg:{cls.kind}:{move}:{page}:{_base36(owner_id)}:{args}"

    @classmethod
    def fits(cls, owner_id: int, args: str) -> bool:
        """Whether the arguments fit in a custom id, whatever the page number."""
        return len(cls.custom_id_for("n", 9999, owner_id, args)) <= CUSTOM_ID_LIMIT

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(match["move"], int(match["page"]), int(match["owner"], 36), match["args"])

    async def pages(self, interaction: discord.Interaction, args: str) -> list[discord.Embed]:
        """Re-run the lookup the list was made from and render all its pages."""
        raise NotImplementedError

    @classmethod
    def view_for(cls, *, count: int, index: int, owner_id: int, args: str, language: str | None) -> discord.ui.View:
        view = discord.ui.View(timeout=None)
        view.add_item(cls("p", max(index - 1, 0), owner_id, args, disabled=index == 0, language=language))
        view.add_item(
            discord.ui.Button(
                label=f"{index + 1} / {count}", style=discord.ButtonStyle.secondary, disabled=True, custom_id="pg:at"
            )
        )
        last = index >= count - 1
        view.add_item(cls("n", min(index + 1, count - 1), owner_id, args, disabled=last, language=language))
        return view

    @classmethod
    async def send(
        cls, interaction: discord.Interaction, pages: list[discord.Embed], *, args: str, ephemeral: bool = False
    ) -> None:
        """Answer with the first page; restart-proof buttons when there is more than one page and the
        arguments fit in a custom id, else the in-memory paginator."""
        owner_id = interaction.user.id
        if len(pages) > 1 and not cls.fits(owner_id, args):
            await Paginator.send(interaction, pages, ephemeral=ephemeral)
            return
        extra: dict[str, Any] = {}
        if len(pages) > 1:
            language = list_language(interaction, ephemeral=ephemeral)
            extra["view"] = cls.view_for(count=len(pages), index=0, owner_id=owner_id, args=args, language=language)
        await interaction.response.send_message(embed=pages[0], ephemeral=ephemeral, **extra)

    async def handle(self, interaction: discord.Interaction) -> None:
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message(for_member(interaction, NOT_YOURS), ephemeral=True)
            return
        pages = await self.pages(interaction, self.args)
        if not pages:
            await interaction.response.send_message(for_member(interaction, EXPIRED), ephemeral=True)
            return
        index = max(0, min(self.page, len(pages) - 1))
        ephemeral = interaction.message is not None and interaction.message.flags.ephemeral
        language = list_language(interaction, ephemeral=ephemeral)
        view = self.view_for(count=len(pages), index=index, owner_id=self.owner_id, args=self.args, language=language)
        await interaction.response.edit_message(embed=pages[index], view=view)
