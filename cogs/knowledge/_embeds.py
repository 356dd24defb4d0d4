"""Pure renderers: knowledge records in, phone-readable embeds out."""

from __future__ import annotations

import discord

from cogs._text import bullets, chunks, inert, trim
from db.gaps import Gap
from db.knowledge import PracticeListing
from db.models import Platform, Practice
from db.models.knowledge import MEMBER
from db.search import PanelSource, SearchHit
from db.shipped import SourceDocument

PLATFORM_COLOUR = discord.Colour.from_rgb(0, 84, 147)
PRACTICE_COLOUR = discord.Colour.from_rgb(0, 133, 102)
PENDING_COLOUR = discord.Colour.orange()
PAGE_SIZE = 8
KIND_LABELS = {"platform": "🏛️ Platform", "practice": "💡 Practice", "event": "📅 Event", "answer": "💬 Q&A"}


UNLISTED_SOURCE = "a coalition document"


def cite(sources: list[str], documents: dict[str, SourceDocument]) -> str:
    """Name the source documents by the titles members know them by, never by file name."""
    if not sources:
        return "Source: submitted by a member"
    named = dict.fromkeys(documents[s].title if s in documents else UNLISTED_SOURCE for s in sources)
    return trim("Source: " + "; ".join(named), 2000)


def _cite_links(embed: discord.Embed, sources: list[str], documents: dict[str, SourceDocument]) -> None:
    """Add the sources that are online as links (a footer cannot hold one)."""
    linked = [documents[s] for s in sources if s in documents and documents[s].url]
    if linked:
        value = "\n".join(f"[{trim(d.title, 150)}]({d.url})" for d in linked)
        embed.add_field(name="Read the source", value=trim(value, 1000), inline=False)


def _text(value: str, origin: str) -> str:
    return inert(value) if origin == MEMBER else value


def platform_card(
    platform: Platform, *, sources: dict[str, SourceDocument], others: list[Platform] | None = None
) -> discord.Embed:
    """One platform on one card: short fields first, long text trimmed (the full text is a button away)."""
    name = platform.name + (
        f" ({platform.acronym})" if platform.acronym and platform.acronym not in platform.name else ""
    )
    embed = discord.Embed(
        title=trim(name, 256),
        url=platform.website or None,
        description=trim(platform.summary, 600),
        colour=PLATFORM_COLOUR,
    )
    place = platform.country + (f" — {platform.region}" if platform.region else "")
    embed.add_field(name="Where", value=place, inline=True)
    embed.add_field(name="Kind", value=platform.kind.capitalize(), inline=True)
    if platform.founded:
        embed.add_field(name="Founded", value=trim(platform.founded, 200), inline=True)
    if platform.aliases:
        embed.add_field(name="Also known as", value=trim(", ".join(platform.aliases), 300), inline=False)
    if platform.funding:
        embed.add_field(name="Funding", value=trim(platform.funding, 300), inline=False)
    if platform.role:
        embed.add_field(name="Role", value=trim(platform.role, 400), inline=False)
    if platform.activities:
        embed.add_field(
            name="Activities", value=bullets([trim(a, 160) for a in platform.activities], 500), inline=False
        )
    if platform.impact:
        embed.add_field(
            name="Impact and results", value=bullets([trim(i, 160) for i in platform.impact], 600), inline=False
        )
    if platform.people:
        people = [f"{person.get('name', '')} — {person.get('role', '')}".strip(" —") for person in platform.people]
        embed.add_field(name="People", value=bullets(people, 400), inline=False)
    if platform.website:
        embed.add_field(name="Website", value=platform.website, inline=False)
    if platform.practices:
        practices = [practice.title for practice in platform.practices if practice.status == "published"]
        if practices:
            embed.add_field(name="Related practices", value=bullets(practices, 500), inline=False)
    if others:
        embed.add_field(
            name=f"Also in {platform.country}",
            value=trim(", ".join(other.name for other in others), 500),
            inline=False,
        )
    _cite_links(embed, platform.sources, sources)
    embed.set_footer(text=cite(platform.sources, sources))
    return embed


def practice_card(practice: Practice, *, sources: dict[str, SourceDocument]) -> discord.Embed:
    """One practice on one card, with its platforms, topics and source."""
    embed = discord.Embed(
        title=trim(_text(practice.title, practice.origin), 256),
        url=practice.link or None,
        description=trim(_text(practice.summary, practice.origin), 500),
        colour=PRACTICE_COLOUR,
    )
    if practice.details:
        embed.add_field(name="Details", value=trim(_text(practice.details, practice.origin), 700), inline=False)
    if practice.platforms:
        embed.add_field(name="Platforms", value=", ".join(p.name for p in practice.platforms), inline=True)
    if practice.country:
        embed.add_field(name="Country", value=practice.country, inline=True)
    if practice.topics:
        embed.add_field(name="Topics", value=", ".join(practice.topics), inline=False)
    if practice.link:
        embed.add_field(name="Link", value=practice.link, inline=False)
    _cite_links(embed, practice.sources, sources)
    embed.set_footer(text=cite(practice.sources, sources))
    return embed


def full_text_embeds(title: str, sections: list[tuple[str, str]], colour: discord.Colour) -> list[discord.Embed]:
    """Everything, in as many embeds as it takes (at most 10 per message, 6,000 characters each)."""
    text = "\n\n".join(f"**{heading}**\n{body}" for heading, body in sections if body)
    pieces = chunks(text, 3900)
    embeds = [discord.Embed(title=trim(title, 256), description=pieces[0] if pieces else "", colour=colour)]
    embeds += [discord.Embed(description=piece, colour=colour) for piece in pieces[1:10]]
    return embeds


def platform_full_text(platform: Platform) -> list[discord.Embed]:
    people = "\n".join(f"• {p.get('name', '')} — {p.get('role', '')}" for p in platform.people)
    return full_text_embeds(
        platform.name,
        [
            ("Summary", platform.summary),
            ("Founded", platform.founded or ""),
            ("Funding", platform.funding or ""),
            ("Role", platform.role or ""),
            ("Activities", "\n".join(f"• {a}" for a in platform.activities)),
            ("Impact and results", "\n".join(f"• {i}" for i in platform.impact)),
            ("People", people),
        ],
        PLATFORM_COLOUR,
    )


def practice_full_text(practice: Practice) -> list[discord.Embed]:
    return full_text_embeds(
        _text(practice.title, practice.origin),
        [("Summary", _text(practice.summary, practice.origin)), ("Details", _text(practice.details, practice.origin))],
        PRACTICE_COLOUR,
    )


def platform_list_pages(platforms: list[Platform], *, country: str | None) -> list[discord.Embed]:
    heading = f"Platforms in {country}" if country else "Member platforms and partners"
    pages = []
    for start in range(0, len(platforms), PAGE_SIZE):
        page = platforms[start : start + PAGE_SIZE]
        embed = discord.Embed(title=f"{heading} ({len(platforms)})", colour=PLATFORM_COLOUR)
        for platform in page:
            label = platform.name + (f" ({platform.acronym})" if platform.acronym else "")
            embed.add_field(
                name=trim(f"{label} — {platform.country}", 256), value=trim(platform.summary, 200) or "—", inline=False
            )
        embed.set_footer(text="Open one with /platform show")
        pages.append(embed)
    return pages


def practice_result_pages(results: list[PracticeListing], *, query: str, filters: str) -> list[discord.Embed]:
    heading = f"Practices for “{trim(inert(query), 80)}”" + (f" ({filters})" if filters else "")
    pages = []
    for start in range(0, len(results), PAGE_SIZE):
        embed = discord.Embed(title=trim(heading, 256), colour=PRACTICE_COLOUR)
        for rank, practice in enumerate(results[start : start + PAGE_SIZE], start=start + 1):
            where = ", ".join(p.acronym or p.name for p in practice.platforms) or practice.country or ""
            embed.add_field(
                name=trim(f"{rank}. {_text(practice.title, practice.origin)}", 256),
                value=trim(f"{_text(practice.summary, practice.origin)}" + (f"\n*{where}*" if where else ""), 300),
                inline=False,
            )
        found = "1 practice" if len(results) == 1 else f"{len(results)} practices"
        embed.set_footer(text=f"{found}, best first — open one with /practice show")
        pages.append(embed)
    return pages


def find_results(hits: list[SearchHit], *, query: str) -> discord.Embed:
    embed = discord.Embed(title=trim(f"Best matches for “{inert(query)}”", 256), colour=PLATFORM_COLOUR)
    for hit in hits:
        if hit.source is not None:
            embed.add_field(
                name=trim(f"{KIND_LABELS['answer']}: {inert(hit.title)}", 256),
                value=_answer(hit, hit.source),
                inline=False,
            )
            continue
        embed.add_field(
            name=trim(f"{KIND_LABELS.get(hit.kind, hit.kind)}: {hit.title}", 256),
            value=trim(" ".join(hit.snippet.split()), 200) or "—",
            inline=False,
        )
    embed.set_footer(text="Open with /platform show, /practice show or /event show")
    return embed


def _answer(hit: SearchHit, source: PanelSource) -> str:
    """A panel answer and where it was given; members wrote the question and moderators the answer, so both are
    inert, and the asker is never named."""
    where = f"\n*Answered at the panel “{trim(inert(source.panel), 120)}”, {source.day.day} {source.day:%B %Y}*"
    return trim(inert(" ".join(hit.snippet.split())), 300) + where


def review_card(practice: Practice, *, waiting: int) -> discord.Embed:
    """A pending submission as a moderator sees it; every member-written field is inert."""
    embed = discord.Embed(
        title=trim(inert(practice.title), 256),
        description=trim(inert(practice.summary), 1000),
        colour=PENDING_COLOUR,
    )
    if practice.details:
        embed.add_field(name="Details", value=trim(inert(practice.details), 1000), inline=False)
    if practice.submitted_platform:
        embed.add_field(name="Country / platform", value=trim(inert(practice.submitted_platform), 200), inline=True)
    if practice.link:
        embed.add_field(name="Link", value=trim(inert(practice.link), 300), inline=True)
    # None once the submitter asked the bot to forget them; the submission itself stays.
    submitter = f"<@{practice.submitted_by}>" if practice.submitted_by else "not kept"
    embed.add_field(name="Submitted by", value=submitter, inline=True)
    embed.set_footer(text=f"Submission #{practice.id} · {waiting} waiting for review")
    return embed


GAPS_SHOWN = 20


def gaps_embed(gaps: list[Gap]) -> discord.Embed:
    """The knowledge gaps as moderators see them: what was asked, how often, first and last seen."""
    embed = discord.Embed(title="Knowledge gaps: asked, not found well", colour=PENDING_COLOUR)
    if not gaps:
        embed.description = "No lookup has come up empty yet."
        return embed
    lines = [
        f"**{gap.misses}×** “{trim(inert(gap.query), 90)}” — first <t:{int(gap.first_seen.timestamp())}:d>, "
        f"last <t:{int(gap.last_seen.timestamp())}:R>"
        for gap in gaps
    ]
    embed.description = trim("\n".join(lines), 4000)
    embed.set_footer(text="Who asked is never kept. Fill a gap with /practice submit.")
    return embed
