"""The knowledge cog's paginated lists, re-run from their button's custom id after a restart."""

from __future__ import annotations

import discord

from cogs._checks import coalition_bot
from cogs._pagination import PageButton
from cogs.knowledge._embeds import platform_list_pages, practice_result_pages
from db.database import Database
from db.knowledge import PracticeResult, search_practices
from db.platforms import list_platforms
from db.shipped import TOPICS


def practice_pages(
    results: list[PracticeResult], *, query: str, topic: str | None, country: str | None, language: str | None
) -> list[discord.Embed]:
    """The result pages of a practice search."""
    filters = ", ".join(part for part in (topic, results[0].practice.country if country else None) if part)
    listings = [result.practice for result in results]
    return practice_result_pages(listings, query=query, filters=filters, language=language)


async def practice_search_pages(
    db: Database, query: str, *, topic: str | None, country: str | None, language: str | None
) -> list[discord.Embed]:
    """The result pages of a practice search; empty when nothing matches."""
    results = await db.read(search_practices, query, topic=topic, country=country)
    if not results:
        return []
    return practice_pages(results, query=query, topic=topic, country=country, language=language)


def practice_search_args(query: str, *, topic: str | None, country: str | None) -> str:
    """The search as a custom id carries it: topic number, country, then the query (which may hold colons)."""
    topic_number = str(TOPICS.index(topic)) if topic in TOPICS else ""
    return f"{topic_number}:{(country or '').replace(':', ' ')}:{query}"


class PracticeSearchPages(PageButton, kind="ps"):
    async def pages(self, interaction: discord.Interaction, args: str) -> list[discord.Embed]:
        topic_number, country, query = args.split(":", 2)
        topic = TOPICS[int(topic_number)] if topic_number.isdigit() and int(topic_number) < len(TOPICS) else None
        bot = coalition_bot(interaction)
        language = bot.settings.server_language
        return await practice_search_pages(bot.db, query, topic=topic, country=country or None, language=language)


async def platform_pages(db: Database, country: str | None, language: str | None) -> list[discord.Embed]:
    """The pages of the platform list, all of them or one country's."""
    platforms = await db.read(list_platforms, country=country)
    resolved = platforms[0].country if country and platforms else None
    return platform_list_pages(platforms, country=resolved, language=language)


class PlatformListPages(PageButton, kind="pl"):
    async def pages(self, interaction: discord.Interaction, args: str) -> list[discord.Embed]:
        bot = coalition_bot(interaction)
        return await platform_pages(bot.db, args or None, bot.settings.server_language)
