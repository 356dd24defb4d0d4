"""Paginated embeds with Previous / Next buttons, usable by any cog."""

from __future__ import annotations

import contextlib

import discord

from cogs._views import ReportingView

PAGE_TIMEOUT_SECONDS = 15 * 60


class Paginator(ReportingView):
    """Flip through prepared embeds; only the member who asked can flip, others are told so."""

    def __init__(self, pages: list[discord.Embed], *, owner_id: int) -> None:
        super().__init__(timeout=PAGE_TIMEOUT_SECONDS)
        self.pages = pages
        self.owner_id = owner_id
        self.index = 0
        self.message: discord.InteractionMessage | None = None
        self._update_buttons()

    @classmethod
    async def send(
        cls, interaction: discord.Interaction, pages: list[discord.Embed], *, ephemeral: bool = False
    ) -> None:
        """Answer with the first page; buttons only when there is more than one."""
        if len(pages) == 1:
            await interaction.response.send_message(embed=pages[0], ephemeral=ephemeral)
            return
        view = cls(pages, owner_id=interaction.user.id)
        await interaction.response.send_message(embed=pages[0], view=view, ephemeral=ephemeral)
        view.message = await interaction.original_response()

    def _update_buttons(self) -> None:
        self.previous_page.disabled = self.index == 0
        self.next_page.disabled = self.index >= len(self.pages) - 1
        self.position.label = f"{self.index + 1} / {len(self.pages)}"

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(
            "These pages belong to someone else's search; run the command yourself to browse.", ephemeral=True
        )
        return False

    async def _show(self, interaction: discord.Interaction, index: int) -> None:
        self.index = max(0, min(index, len(self.pages) - 1))
        self._update_buttons()
        await interaction.response.edit_message(embed=self.pages[self.index], view=self)

    @discord.ui.button(label="◀ Previous", style=discord.ButtonStyle.secondary)
    async def previous_page(self, interaction: discord.Interaction, _button: discord.ui.Button[Paginator]) -> None:
        await self._show(interaction, self.index - 1)

    @discord.ui.button(label="1 / 1", style=discord.ButtonStyle.secondary, disabled=True)
    async def position(self, interaction: discord.Interaction, _button: discord.ui.Button[Paginator]) -> None:
        await interaction.response.defer()

    @discord.ui.button(label="Next ▶", style=discord.ButtonStyle.secondary)
    async def next_page(self, interaction: discord.Interaction, _button: discord.ui.Button[Paginator]) -> None:
        await self._show(interaction, self.index + 1)

    async def on_timeout(self) -> None:
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        if self.message is not None:
            with contextlib.suppress(discord.HTTPException):
                await self.message.edit(view=self)
