"""/about: who the EU STEM Coalition is and how it works, from its About page, with the next General Assembly."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import discord

from cogs._text import trim
from cogs.knowledge._embeds import PLATFORM_COLOUR, cite
from db.events import UpcomingEvent
from db.shipped import SourceDocument
from rules.i18n import format_when, translate

ABOUT_SOURCE = "004_14d094faee740765.txt"

WHO_WE_ARE = (
    "The EU STEM Coalition is an EU-wide network that works to build better STEM (science, technology, "
    "engineering, mathematics) education in Europe. Together with policy makers, education providers and "
    "industry, it promotes new ways of delivering education and finds and shares evidence-based solutions to "
    "skills mismatch in STEM."
)
MEMBERS = (
    "National and regional STEM platforms: organisations tasked with coordinating and implementing STEM "
    "strategies and policies — dedicated platforms, ministries, regional authorities, research councils, "
    "innovation agencies, university networks and more."
)
HOW_WE_WORK = (
    "The main goal is best-practice sharing between countries and regions.\n"
    "• **General Assemblies**: members meet once or twice a year, for two days, to discuss and decide on "
    "important issues, exchange progress and welcome new members. The coalition partner of the organising "
    "country is responsible for (hosts) the General Assembly.\n"
    "• **Open meeting**: besides the General Assembly, an open meeting for all partners, associated partners "
    "and EU Commission representatives."
)
APPROACHES = (
    "• **Taskforces**: direct support in developing new initiatives, (triple-helix) organisations and "
    "strategies in a region or country, based on partners' best practices.\n"
    "• **Roundtables**: key stakeholders identify bottlenecks in the STEM education pipeline and develop "
    "recommendations (e.g. teacher shortage, girls and women in STEM, data).\n"
    "• **Policy briefings**: tailored, bottom-up recommendations shared with the EU Commission and other "
    "policy organisations.\n"
    "Also: annual conferences, thematic working groups, webinars, peer-learning activities, online repositories."
)


def next_assembly_text(upcoming: UpcomingEvent | None, language: str) -> str:
    """The next General Assembly as members see it, or where to look when none is planned, in `language`; its
    date in words is in the event's own zone, beside the Discord timestamps that show the reader's."""
    if upcoming is None:
        return translate(
            language, "None is planned yet. Moderators announce it with `/event-admin create`; see `/event list`."
        )
    event = upcoming.event
    start = int(upcoming.starts_at.timestamp())
    when = format_when(upcoming.starts_at.astimezone(ZoneInfo(event.timezone)), language)
    parts = [f"**{trim(event.title, 150)}** — {when} ({event.timezone}) · <t:{start}:D> (<t:{start}:R>)"]
    if event.location:
        parts.append(translate(language, "Where: {location}", location=trim(event.location, 150)))
    if event.host is not None:
        parts.append(translate(language, "Hosted by: {host}", host=trim(event.host.name, 150)))
    parts.append(translate(language, "Details: `/event show`"))
    return "\n".join(parts)


def about_embed(
    next_assembly: UpcomingEvent | None, *, sources: dict[str, SourceDocument], language: str
) -> discord.Embed:
    """Who the coalition is and how it works, on one card; the coalition's own About text stays as it is
    cited, the next General Assembly reads in `language` (the server's: everyone sees the card)."""
    title = translate(language, "About the EU STEM Coalition")
    embed = discord.Embed(title=title, description=WHO_WE_ARE, colour=PLATFORM_COLOUR)
    embed.add_field(name=translate(language, "Members"), value=MEMBERS, inline=False)
    embed.add_field(name=translate(language, "How we work"), value=HOW_WE_WORK, inline=False)
    embed.add_field(name=translate(language, "Approaches and activities"), value=APPROACHES, inline=False)
    embed.add_field(
        name=translate(language, "Next General Assembly"),
        value=next_assembly_text(next_assembly, language),
        inline=False,
    )
    embed.set_footer(text=cite([ABOUT_SOURCE], sources, language))
    return embed
