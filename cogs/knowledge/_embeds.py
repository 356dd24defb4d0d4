"""Pure renderers: knowledge records in, phone-readable embeds out."""

from __future__ import annotations

import discord
from babel.dates import format_date

from cogs._text import bullets, chunks, inert, trim
from db.gaps import Gap
from db.knowledge import PracticeListing
from db.models import Platform, Practice
from db.models.knowledge import MEMBER
from db.search import PanelSource, SearchHit
from db.shipped import SourceDocument
from rules.i18n import N_, language_for, translate, translate_plural

PLATFORM_COLOUR = discord.Colour.from_rgb(0, 84, 147)
PRACTICE_COLOUR = discord.Colour.from_rgb(0, 133, 102)
PENDING_COLOUR = discord.Colour.orange()
PAGE_SIZE = 8
KIND_LABELS = {
    "platform": N_("🏛️ Platform"),
    "practice": N_("💡 Practice"),
    "event": N_("📅 Event"),
    "answer": N_("💬 Q&A"),
}


UNLISTED_SOURCE = N_("a coalition document")


def cite(sources: list[str], documents: dict[str, SourceDocument], language: str | None = None) -> str:
    """Name the source documents by the titles members know them by, never by file name."""
    if not sources:
        return translate(language, "Source: submitted by a member")
    unlisted = translate(language, UNLISTED_SOURCE)
    named = dict.fromkeys(documents[s].title if s in documents else unlisted for s in sources)
    return trim(translate(language, "Source: {sources}", sources="; ".join(named)), 2000)


def _cite_links(
    embed: discord.Embed, sources: list[str], documents: dict[str, SourceDocument], language: str | None = None
) -> None:
    """Add the sources that are online as links (a footer cannot hold one)."""
    linked = [documents[s] for s in sources if s in documents and documents[s].url]
    if linked:
        value = "\n".join(f"[{trim(d.title, 150)}]({d.url})" for d in linked)
        embed.add_field(name=translate(language, "Read the source"), value=trim(value, 1000), inline=False)


def _text(value: str, origin: str) -> str:
    return inert(value) if origin == MEMBER else value


def platform_card(
    platform: Platform,
    *,
    sources: dict[str, SourceDocument],
    others: list[Platform] | None = None,
    language: str | None = None,
) -> discord.Embed:
    """One platform on one card: short fields first, long text trimmed (the full text is a button away); the
    field names in `language`, the coalition's own texts as written."""

    def field(name: str, value: str, *, inline: bool = False) -> None:
        embed.add_field(name=translate(language, name), value=value, inline=inline)

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
    field("Where", place, inline=True)
    field("Kind", platform.kind.capitalize(), inline=True)
    if platform.founded:
        field("Founded", trim(platform.founded, 200), inline=True)
    if platform.aliases:
        field("Also known as", trim(", ".join(platform.aliases), 300))
    if platform.funding:
        field("Funding", trim(platform.funding, 300))
    if platform.role:
        field("Role", trim(platform.role, 400))
    if platform.activities:
        field("Activities", bullets([trim(a, 160) for a in platform.activities], 500))
    if platform.impact:
        field("Impact and results", bullets([trim(i, 160) for i in platform.impact], 600))
    if platform.people:
        people = [f"{person.get('name', '')} — {person.get('role', '')}".strip(" —") for person in platform.people]
        field("People", bullets(people, 400))
    if platform.website:
        field("Website", platform.website)
    if platform.practices:
        practices = [practice.title for practice in platform.practices if practice.status == "published"]
        if practices:
            field("Related practices", bullets(practices, 500))
    if others:
        embed.add_field(
            name=translate(language, "Also in {country}", country=platform.country),
            value=trim(", ".join(other.name for other in others), 500),
            inline=False,
        )
    _cite_links(embed, platform.sources, sources, language)
    embed.set_footer(text=cite(platform.sources, sources, language))
    return embed


def practice_card(
    practice: Practice, *, sources: dict[str, SourceDocument], language: str | None = None
) -> discord.Embed:
    """One practice on one card, with its platforms, topics and source; the field names in `language`."""

    def field(name: str, value: str, *, inline: bool = False) -> None:
        embed.add_field(name=translate(language, name), value=value, inline=inline)

    embed = discord.Embed(
        title=trim(_text(practice.title, practice.origin), 256),
        url=practice.link or None,
        description=trim(_text(practice.summary, practice.origin), 500),
        colour=PRACTICE_COLOUR,
    )
    if practice.details:
        field("Details", trim(_text(practice.details, practice.origin), 700))
    if practice.platforms:
        field("Platforms", ", ".join(p.name for p in practice.platforms), inline=True)
    if practice.country:
        field("Country", practice.country, inline=True)
    if practice.topics:
        field("Topics", ", ".join(practice.topics))
    if practice.link:
        field("Link", practice.link)
    _cite_links(embed, practice.sources, sources, language)
    embed.set_footer(text=cite(practice.sources, sources, language))
    return embed


def full_text_embeds(
    title: str, sections: list[tuple[str, str]], colour: discord.Colour, language: str | None = None
) -> list[discord.Embed]:
    """Everything, in as many embeds as it takes (at most 10 per message, 6,000 characters each); the headings
    (English in `sections`) in `language`."""
    text = "\n\n".join(f"**{translate(language, heading)}**\n{body}" for heading, body in sections if body)
    pieces = chunks(text, 3900)
    embeds = [discord.Embed(title=trim(title, 256), description=pieces[0] if pieces else "", colour=colour)]
    embeds += [discord.Embed(description=piece, colour=colour) for piece in pieces[1:10]]
    return embeds


def platform_full_text(platform: Platform, language: str | None = None) -> list[discord.Embed]:
    people = "\n".join(f"• {p.get('name', '')} — {p.get('role', '')}" for p in platform.people)
    return full_text_embeds(
        platform.name,
        [
            (N_("Summary"), platform.summary),
            (N_("Founded"), platform.founded or ""),
            (N_("Funding"), platform.funding or ""),
            (N_("Role"), platform.role or ""),
            (N_("Activities"), "\n".join(f"• {a}" for a in platform.activities)),
            (N_("Impact and results"), "\n".join(f"• {i}" for i in platform.impact)),
            (N_("People"), people),
        ],
        PLATFORM_COLOUR,
        language,
    )


def practice_full_text(practice: Practice, language: str | None = None) -> list[discord.Embed]:
    return full_text_embeds(
        _text(practice.title, practice.origin),
        [
            (N_("Summary"), _text(practice.summary, practice.origin)),
            (N_("Details"), _text(practice.details, practice.origin)),
        ],
        PRACTICE_COLOUR,
        language,
    )


def platform_list_pages(
    platforms: list[Platform], *, country: str | None, language: str | None = None
) -> list[discord.Embed]:
    heading = (
        translate(language, "Platforms in {country} ({count})", country=country, count=len(platforms))
        if country
        else translate(language, "Member platforms and partners ({count})", count=len(platforms))
    )
    pages = []
    for start in range(0, len(platforms), PAGE_SIZE):
        page = platforms[start : start + PAGE_SIZE]
        embed = discord.Embed(title=heading, colour=PLATFORM_COLOUR)
        for platform in page:
            label = platform.name + (f" ({platform.acronym})" if platform.acronym else "")
            embed.add_field(
                name=trim(f"{label} — {platform.country}", 256), value=trim(platform.summary, 200) or "—", inline=False
            )
        embed.set_footer(text=translate(language, "Open one with /platform show"))
        pages.append(embed)
    return pages


def practice_result_pages(
    results: list[PracticeListing], *, query: str, filters: str, language: str | None = None
) -> list[discord.Embed]:
    heading = translate(language, "Practices for “{query}”", query=trim(inert(query), 80)) + (
        f" ({filters})" if filters else ""
    )
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
        embed.set_footer(
            text=translate_plural(
                language,
                "{count} practice, best first — open one with /practice show",
                "{count} practices, best first — open one with /practice show",
                len(results),
            )
        )
        pages.append(embed)
    return pages


def find_results(hits: list[SearchHit], *, query: str, language: str | None = None) -> discord.Embed:
    title = translate(language, "Best matches for “{query}”", query=inert(query))
    embed = discord.Embed(title=trim(title, 256), colour=PLATFORM_COLOUR)
    for hit in hits:
        if hit.source is not None:
            embed.add_field(
                name=trim(f"{translate(language, KIND_LABELS['answer'])}: {inert(hit.title)}", 256),
                value=_answer(hit, hit.source, language),
                inline=False,
            )
            continue
        kind = translate(language, KIND_LABELS[hit.kind]) if hit.kind in KIND_LABELS else hit.kind
        embed.add_field(
            name=trim(f"{kind}: {hit.title}", 256),
            value=trim(" ".join(hit.snippet.split()), 200) or "—",
            inline=False,
        )
    embed.set_footer(text=translate(language, "Open with /platform show, /practice show or /event show"))
    return embed


def _answer(hit: SearchHit, source: PanelSource, language: str | None = None) -> str:
    """A panel answer and where it was given; members wrote the question and moderators the answer, so both are
    inert, and the asker is never named."""
    where = translate(
        language,
        "Answered at the panel “{panel}”, {day}",
        panel=trim(inert(source.panel), 120),
        day=format_date(source.day, "d MMMM y", locale=language_for(language)),
    )
    return trim(inert(" ".join(hit.snippet.split())), 300) + f"\n*{where}*"


def review_card(practice: Practice, *, waiting: int, language: str | None = None) -> discord.Embed:
    """A pending submission as a moderator sees it, in the moderator's language; every member-written field is
    inert."""
    embed = discord.Embed(
        title=trim(inert(practice.title), 256),
        description=trim(inert(practice.summary), 1000),
        colour=PENDING_COLOUR,
    )
    if practice.details:
        embed.add_field(name=translate(language, "Details"), value=trim(inert(practice.details), 1000), inline=False)
    if practice.submitted_platform:
        where = trim(inert(practice.submitted_platform), 200)
        embed.add_field(name=translate(language, "Country / platform"), value=where, inline=True)
    if practice.link:
        embed.add_field(name=translate(language, "Link"), value=trim(inert(practice.link), 300), inline=True)
    # None once the submitter asked the bot to forget them; the submission itself stays.
    submitter = f"<@{practice.submitted_by}>" if practice.submitted_by else translate(language, "not kept")
    embed.add_field(name=translate(language, "Submitted by"), value=submitter, inline=True)
    embed.set_footer(
        text=translate_plural(
            language,
            "Submission #{number} · {count} waiting for review",
            "Submission #{number} · {count} waiting for review",
            waiting,
            number=practice.id,
        )
    )
    return embed


GAPS_SHOWN = 20


def gaps_embed(gaps: list[Gap], language: str | None = None) -> discord.Embed:
    """The knowledge gaps as moderators see them: what was asked, how often, first and last seen."""
    embed = discord.Embed(title=translate(language, "Knowledge gaps: asked, not found well"), colour=PENDING_COLOUR)
    if not gaps:
        embed.description = translate(language, "No lookup has come up empty yet.")
        return embed
    lines = [
        translate(
            language,
            "**{misses}×** “{query}” — first {first}, last {last}",
            misses=gap.misses,
            query=trim(inert(gap.query), 90),
            first=f"<t:{int(gap.first_seen.timestamp())}:d>",
            last=f"<t:{int(gap.last_seen.timestamp())}:R>",
        )
        for gap in gaps
    ]
    embed.description = trim("\n".join(lines), 4000)
    embed.set_footer(text=translate(language, "Who asked is never kept. Fill a gap with /practice submit."))
    return embed
