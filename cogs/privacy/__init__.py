"""/privacy: members see and erase what the bot holds about them (export as a file, forget after confirming)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.i18n import for_member, member_locale
from cogs.privacy._embeds import (
    NOTHING_HELD,
    data_summary,
    export_file_content,
    export_filename,
    export_message,
    forget_warning,
)
from cogs.privacy._views import ForgetButton, forget_view
from db.models.base import utcnow
from db.privacy import export_member_data

if TYPE_CHECKING:
    from bot.client import CoalitionBot


class Privacy(commands.Cog):
    privacy = app_commands.Group(
        name="privacy",
        description="See or erase what the bot holds about you",
        # A member may not want to ask in front of others: the commands work in DMs with the bot too.
        allowed_contexts=app_commands.AppCommandContext(guild=True, dm_channel=True, private_channel=True),
    )

    def __init__(self, bot: CoalitionBot) -> None:
        self.bot = bot

    @privacy.command(name="export")
    async def export_data(self, interaction: discord.Interaction) -> None:
        """Get a file with everything the bot holds about you (only you see it)."""
        data = await self.bot.db.transaction(export_member_data, member_id=interaction.user.id)
        await interaction.response.send_message(
            export_message(data, member_locale(interaction)),
            file=discord.File(io.BytesIO(export_file_content(data)), filename=export_filename(interaction.user.id)),
            ephemeral=True,
        )

    @privacy.command(name="forget")
    async def forget(self, interaction: discord.Interaction) -> None:
        """Erase what the bot holds about you, after you confirm (only you see it)."""
        data = await self.bot.db.transaction(export_member_data, member_id=interaction.user.id)
        locale = member_locale(interaction)
        held = data_summary(data, locale)
        if not held:
            await interaction.response.send_message(for_member(interaction, NOTHING_HELD), ephemeral=True)
            return
        await interaction.response.send_message(
            forget_warning(held, locale),
            view=forget_view(interaction.user.id, asked_at=utcnow(), locale=locale),
            ephemeral=True,
        )


async def setup(bot: CoalitionBot) -> None:
    bot.add_dynamic_items(ForgetButton)
    await bot.add_cog(Privacy(bot))
