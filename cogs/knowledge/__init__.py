"""Lookups: /platform, /practice and /find over the coalition's knowledge base."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.i18n import for_member, member_locale
from cogs._checks import moderator_only
from cogs._choices import choices
from cogs._text import trim
from cogs.knowledge._about import about_embed
from cogs.knowledge._embeds import (
    GAPS_SHOWN,
    find_results,
    gaps_embed,
    platform_card,
    practice_card,
    review_card,
)
from cogs.knowledge._pages import (
    PlatformListPages,
    PracticeSearchPages,
    platform_pages,
    practice_pages,
    practice_search_args,
)
from cogs.knowledge._views import (
    FullTextButton,
    ReviewButton,
    SubmitPracticeModal,
    SuggestPracticeButton,
    card_view,
    review_view,
    suggest_view,
)
from db.events import list_upcoming_events
from db.gaps import record_gap, top_gaps
from db.knowledge import (
    autocomplete_practices,
    get_practice,
    graded_find,
    graded_practice_search,
    next_pending_practice,
)
from db.models.base import utcnow
from db.platforms import autocomplete_platforms, find_platform, list_countries
from db.shipped import TOPICS, source_documents

if TYPE_CHECKING:
    from bot.client import CoalitionBot

Choices = list[app_commands.Choice[str]]


class Knowledge(commands.Cog):
    platform = app_commands.Group(name="platform", description="Member platforms and partners of the coalition")
    practice = app_commands.Group(name="practice", description="Best practices shared in the coalition")
    knowledge = app_commands.Group(
        name="knowledge",
        description="The knowledge base as moderators see it",
        default_permissions=discord.Permissions(manage_guild=True),
        guild_only=True,
    )

    def __init__(self, bot: CoalitionBot) -> None:
        self.bot = bot

    # --- autocomplete -------------------------------------------------------------------------------------

    async def platform_names(self, _interaction: discord.Interaction, current: str) -> Choices:
        return choices(await self.bot.db.read(autocomplete_platforms, current))

    async def countries(self, _interaction: discord.Interaction, current: str) -> Choices:
        known = await self.bot.db.read(list_countries)
        wanted = current.casefold().strip()
        return choices([(f"{c} ({n})", c) for c, n in known if not wanted or wanted in c.casefold()])

    async def topics(self, _interaction: discord.Interaction, current: str) -> Choices:
        wanted = current.casefold().strip()
        return choices([(topic, topic) for topic in TOPICS if wanted in topic])

    async def practice_titles(self, _interaction: discord.Interaction, current: str) -> Choices:
        return choices(await self.bot.db.read(autocomplete_practices, current))

    # --- /platform ------------------------------------------------------------------------------------------

    @platform.command(name="show")
    @app_commands.describe(name="Name, acronym, alias or country — e.g. LUMA, Teknikcollege, Óbuda, Norway")
    @app_commands.autocomplete(name=platform_names)
    async def platform_show(self, interaction: discord.Interaction, name: str) -> None:
        """Show one member platform: who they are, what they do, their impact and people."""
        found = await self.bot.db.read(find_platform, name)
        # A public answer: the channel reads it, so it follows the server's language.
        language = self.bot.settings.server_language
        card = platform_card(
            found.platform, sources=source_documents(), others=found.others_in_country, language=language
        )
        await interaction.response.send_message(embed=card, view=card_view("platform", found.platform.id, language))

    @platform.command(name="list")
    @app_commands.describe(country="Only this country's platforms")
    @app_commands.autocomplete(country=countries)
    async def platform_list(self, interaction: discord.Interaction, country: str | None = None) -> None:
        """List the coalition's platforms, or one country's."""
        pages = await platform_pages(self.bot.db, country, self.bot.settings.server_language)
        await PlatformListPages.send(interaction, pages, args=(country or "").replace(":", " "))

    # --- /practice ------------------------------------------------------------------------------------------

    @practice.command(name="search")
    @app_commands.describe(
        query="What you are looking for, e.g. teacher training, role models, decision-makers",
        topic="Only practices on this topic",
        country="Only practices from this country",
    )
    @app_commands.autocomplete(topic=topics, country=countries)
    async def practice_search(
        self, interaction: discord.Interaction, query: str, topic: str | None = None, country: str | None = None
    ) -> None:
        """Search the best practices shared in the coalition, best match first."""
        if topic and topic not in TOPICS:
            await interaction.response.send_message(
                for_member(
                    interaction,
                    "“{topic}” is not a topic. Pick one from the list: {topics}.",
                    topic=trim(topic, 60),
                    topics=", ".join(TOPICS),
                ),
                ephemeral=True,
            )
            return
        searched = await self.bot.db.read(graded_practice_search, query, topic=topic, country=country)
        if not searched.results:
            await interaction.response.send_message(
                for_member(
                    interaction,
                    "No practice matches that. Try fewer or other words, or drop the topic/country filter. "
                    "Know one? Suggest it:",
                ),
                view=suggest_view(query, member_locale(interaction)),
                ephemeral=True,
            )
        else:
            language = self.bot.settings.server_language
            pages = practice_pages(searched.results, query=query, topic=topic, country=country, language=language)
            args = practice_search_args(query, topic=topic, country=country)
            await PracticeSearchPages.send(interaction, pages, args=args)
        if searched.weak:
            await self.bot.db.write(record_gap, query=query)

    @practice.command(name="show")
    @app_commands.describe(title="The practice's title (start typing to pick one)")
    @app_commands.autocomplete(title=practice_titles)
    async def practice_show(self, interaction: discord.Interaction, title: str) -> None:
        """Show one best practice with its source and the platforms behind it."""
        practice = await self.bot.db.read(get_practice, title)
        language = self.bot.settings.server_language
        card = practice_card(practice, sources=source_documents(), language=language)
        await interaction.response.send_message(embed=card, view=card_view("practice", practice.id, language))

    @practice.command(name="submit")
    async def practice_submit(self, interaction: discord.Interaction) -> None:
        """Share a best practice from your platform; moderators review it before it is searchable."""
        await interaction.response.send_modal(SubmitPracticeModal(member_locale(interaction)))

    @knowledge.command(name="review")
    @moderator_only("manage_guild")
    async def practice_review(self, interaction: discord.Interaction) -> None:
        """Review the next practice submitted by a member (moderators only)."""
        practice, waiting = await self.bot.db.transaction(next_pending_practice)
        if practice is None:
            await interaction.response.send_message(
                for_member(interaction, "Nothing is waiting for review. 🎉"), ephemeral=True
            )
            return
        language = member_locale(interaction)
        await interaction.response.send_message(
            embed=review_card(practice, waiting=waiting, language=language),
            view=review_view(practice.id, language),
            ephemeral=True,
        )

    # --- /about ---------------------------------------------------------------------------------------------

    @app_commands.command(name="about")
    async def about(self, interaction: discord.Interaction) -> None:
        """Who the EU STEM Coalition is and how it works, and the next General Assembly."""
        upcoming = await self.bot.db.transaction(list_upcoming_events, now=utcnow(), kind="general_assembly", limit=1)
        embed = about_embed(
            upcoming[0] if upcoming else None,
            sources=source_documents(),
            language=self.bot.settings.server_language,
        )
        await interaction.response.send_message(embed=embed)

    # --- /find ----------------------------------------------------------------------------------------------

    @app_commands.command(name="find")
    @app_commands.describe(query="Anything: a platform, a country, a topic, an event")
    async def find(self, interaction: discord.Interaction, query: str) -> None:
        """Search everything the bot knows: platforms, practices and events."""
        found = await self.bot.db.read(graded_find, query, limit=10)
        if not found.hits:
            await interaction.response.send_message(
                for_member(
                    interaction,
                    "Nothing matches that. Try other words, or browse with `/platform list`. "
                    "If the coalition should know this, suggest a practice:",
                ),
                view=suggest_view(query, member_locale(interaction)),
                ephemeral=True,
            )
        else:
            language = self.bot.settings.server_language
            embed = find_results(found.hits, query=query, language=language)
            if found.weak:
                await interaction.response.send_message(embed=embed, view=suggest_view(query, language))
            else:
                await interaction.response.send_message(embed=embed)
        if found.weak:
            await self.bot.db.write(record_gap, query=query)

    # --- /knowledge gaps ------------------------------------------------------------------------------------

    @knowledge.command(name="gaps")
    @moderator_only("manage_guild")
    async def knowledge_gaps(self, interaction: discord.Interaction) -> None:
        """What members looked up and did not find well, most asked first (moderators only)."""
        gaps = await self.bot.db.read(top_gaps, limit=GAPS_SHOWN)
        await interaction.response.send_message(embed=gaps_embed(gaps, member_locale(interaction)), ephemeral=True)


async def setup(bot: CoalitionBot) -> None:
    bot.add_dynamic_items(FullTextButton, ReviewButton, SuggestPracticeButton, PracticeSearchPages, PlatformListPages)
    await bot.add_cog(Knowledge(bot))
