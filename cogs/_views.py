"""Base classes for views, modals and persistent buttons that report errors the way commands do."""

from __future__ import annotations

from typing import Any

import discord

from bot.tree import report_error


class ReportingView(discord.ui.View):
    """A view whose callbacks' errors reach the member as polite ephemeral messages."""

    async def on_error(self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]) -> None:
        await report_error(interaction, error)


class ReportingModal(discord.ui.Modal):
    """A modal whose submit errors reach the member as polite ephemeral messages."""

    async def on_error(self, interaction: discord.Interaction, error: Exception, /) -> None:  # type: ignore[override]
        await report_error(interaction, error)


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
