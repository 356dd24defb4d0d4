"""Base classes for views, modals and persistent buttons that report errors the way commands do."""

from __future__ import annotations

import re
from typing import Any, ClassVar, Self

import discord

from bot.tree import report_error
from rules.text import check_storable, record_id

# Replies and posts never ping: member text is shown as typed (messages opt in where a ping is the point).
NO_MENTIONS = discord.AllowedMentions.none()


class ReportingView(discord.ui.View):
    """A view whose callbacks' errors reach the member as polite ephemeral messages."""

    async def on_error(self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]) -> None:
        await report_error(interaction, error)


class ReportingModal(discord.ui.Modal):
    """A modal whose submit errors reach the member as polite ephemeral messages."""

    async def on_error(self, interaction: discord.Interaction, error: Exception, /) -> None:  # type: ignore[override]
        await report_error(interaction, error)

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """Refuse a field with a character no database stores (NUL, a broken surrogate), saying which."""
        for item in self.walk_children():
            if isinstance(item, discord.ui.TextInput):
                check_storable(item.value, what=item.label or "?")
        return True


class ReportingItem:
    """Mixin for `DynamicItem`s: discord.py only logs their errors, so catch and report them here.

    Subclasses implement `handle` instead of `callback`.
    """

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await self.handle(interaction)
        except Exception as error:
            await report_error(interaction, error)

    async def handle(self, interaction: discord.Interaction) -> None:
        raise NotImplementedError


class IdButton(ReportingItem, discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"(?!)"):
    """A persistent button whose custom id is a fixed prefix and one database id (`ref_id`).

    Subclasses name the prefix (`class TopButton(IdButton, prefix="panel:top")`), set the button's look in
    class attributes and implement `handle`; the id survives restarts in the message, the state in the database.
    """

    prefix: ClassVar[str]
    button_label: ClassVar[str | None] = None
    button_emoji: ClassVar[str | None] = None
    button_style: ClassVar[discord.ButtonStyle] = discord.ButtonStyle.secondary

    def __init_subclass__(cls, *, prefix: str, **kwargs: Any) -> None:
        cls.prefix = prefix
        super().__init_subclass__(template=rf"{re.escape(prefix)}:(?P<ref_id>\d+)", **kwargs)

    def __init__(self, ref_id: int, *, label: str | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=label or self.button_label,
                emoji=self.button_emoji,
                style=self.button_style,
                custom_id=f"{self.prefix}:{ref_id}",
            )
        )
        self.ref_id = ref_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(record_id(match["ref_id"], what="record"))


async def answer(
    interaction: discord.Interaction,
    content: str,
    *,
    view: discord.ui.View | None = None,
    embed: discord.Embed | None = None,
    replace: bool = False,
) -> None:
    """Answer only the member who acted; `replace` edits the (ephemeral) message whose button they pressed."""
    if replace:
        await interaction.response.edit_message(content=content, embed=embed, view=view)
        return
    extra: dict[str, Any] = {"view": view} if view is not None else {}
    if embed is not None:
        extra["embed"] = embed
    if interaction.response.is_done():
        await interaction.followup.send(content, ephemeral=True, allowed_mentions=NO_MENTIONS, **extra)
    else:
        await interaction.response.send_message(content, ephemeral=True, allowed_mentions=NO_MENTIONS, **extra)
