"""The panel card in the channel: Ask, Top questions and a button per linked platform, kept in step with the panel."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot.i18n import member_locale
from cogs._checks import coalition_bot
from cogs._text import trim
from cogs._views import IdButton
from cogs.knowledge._embeds import platform_card
from cogs.panels._asking import AskButton
from cogs.panels._embeds import panel_card, top_questions_embed
from db.models import Panel
from db.models.panels import PANEL_OPEN
from db.panels import panelist_platform
from db.questions import top_questions
from db.shipped import source_documents
from rules.i18n import N_, translate

if TYPE_CHECKING:
    from bot.client import CoalitionBot

log = logging.getLogger(__name__)


TOP_LIMIT = 10


async def refresh_panel_card(bot: CoalitionBot, panel: Panel) -> None:
    """Show on the panel card whether questions are open (the Ask buttons say so)."""
    if panel.message_id is None:
        return
    message = bot.get_partial_messageable(panel.channel_id).get_partial_message(panel.message_id)
    try:
        language = bot.settings.server_language
        await message.edit(embed=panel_card(panel, language), view=panel_view(panel, language))
    except discord.HTTPException as error:
        log.info("Could not update the card of panel %s: %s", panel.id, error)


class TopButton(IdButton, prefix="panel:top"):
    """ "Top questions" on the panel card: the most upvoted open questions, for the member who asked."""

    button_label = N_("Top questions")
    button_emoji = "🏆"

    async def handle(self, interaction: discord.Interaction) -> None:
        panel, top = await coalition_bot(interaction).db.read(top_questions, panel_id=self.ref_id, limit=TOP_LIMIT)
        embed = top_questions_embed(panel, top, member_locale(interaction))
        await interaction.response.send_message(embed=embed, ephemeral=True)


class PlatformButton(IdButton, prefix="panel:platform"):
    """A panelist's organisation on the panel card: shows its platform card to the member who asked."""

    button_label = N_("Platform")
    button_emoji = "🏛️"

    async def handle(self, interaction: discord.Interaction) -> None:
        platform = await coalition_bot(interaction).db.read(panelist_platform, panelist_id=self.ref_id)
        card = platform_card(platform, sources=source_documents(), language=member_locale(interaction))
        await interaction.response.send_message(embed=card, ephemeral=True)


def panel_view(panel: Panel, language: str | None = None) -> discord.ui.View:
    """The card's buttons: ask (one form, named or anonymous), top questions, and one per linked platform."""
    view = discord.ui.View(timeout=None)
    view.add_item(AskButton(panel.id, closed=panel.status != PANEL_OPEN, language=language))
    view.add_item(TopButton(panel.id, label=translate(language, "Top questions")))
    linked = [panelist for panelist in panel.panelists if panelist.platform_slug]
    for panelist in linked[:5]:
        button = PlatformButton(panelist.id, label=trim(panelist.organisation or panelist.name, 80))
        button.item.row = 1
        view.add_item(button)
    return view
