"""Who is coming, by name: member names for /event show and the moderators' attendee list (CSV or Markdown).

Of a series, the names are those of one occurrence (the one under way or next, unless another was picked).
"""

from __future__ import annotations

import csv
import io
import logging
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import discord

from bot.i18n import for_member, member_locale
from cogs._text import bullets, inert
from cogs.events._embeds import stamp
from db.attendance import GOING, MAYBE, WAITING, Attendees, event_attendees
from db.events import find_event
from db.models.base import utcnow
from rules.i18n import N_, translate

if TYPE_CHECKING:
    from bot.client import CoalitionBot

log = logging.getLogger(__name__)

FORMER_MEMBER = "(no longer in the server)"
# The answer column of the CSV export.
SECTIONS = ((GOING, N_("Going")), (MAYBE, N_("Maybe")), (WAITING, N_("Waiting list")))
CSV_HEADER = (N_("Answer"), N_("Position"), N_("Display name"), N_("Member ID"))


async def display_names(client: discord.Client, guild: discord.Guild | None, member_ids: list[int]) -> dict[int, str]:
    """Each member's server display name: from the cache, else asked of Discord; someone who left is said so."""
    names: dict[int, str] = {}
    for member_id in dict.fromkeys(member_ids):
        member = guild.get_member(member_id) if guild else None
        if member is None and guild is not None:
            try:
                member = await guild.fetch_member(member_id)
            except discord.HTTPException as error:
                log.info("No member %s in the server: %s", member_id, error)
        user = member or client.get_user(member_id)
        names[member_id] = user.display_name if user else FORMER_MEMBER
    return names


def _groups(attendees: Attendees) -> dict[str, list[int]]:
    return {GOING: attendees.going, MAYBE: attendees.maybe, WAITING: attendees.waiting}


SHOWN_SECTIONS = (
    (GOING, N_("Going ({count})")),
    (MAYBE, N_("Maybe ({count})")),
    (WAITING, N_("Waiting list ({count})")),
)


def attendee_lines(attendees: Attendees, names: dict[int, str], language: str | None = None) -> list[tuple[str, str]]:
    """(field name, names) for /event show: Going and Maybe always, the waiting list when someone is on it; of a
    series, first which occurrence they answered."""
    fields = []
    if attendees.starts_at is not None:
        fields.append((translate(language, "Answers for the occurrence"), stamp(attendees.starts_at)))
    for key, label in SHOWN_SECTIONS:
        members = _groups(attendees)[key]
        if key == WAITING and not members:
            continue
        listed = (
            bullets([discord.utils.escape_markdown(names[m]) for m in members], 1000)
            if members
            else translate(language, "Nobody yet")
        )
        fields.append((translate(language, label, count=len(members)), listed))
    return fields


def _csv_cell(value: str) -> str:
    # A cell starting with = + - @ is run as a formula by spreadsheet apps; a leading quote keeps it text.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def attendees_csv(attendees: Attendees, names: dict[int, str], language: str | None = None) -> str:
    """One row per member: answer, position (the waiting list's order), display name and member id; the header
    and answers in the language of the moderator who asked (the file is theirs alone)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([translate(language, column) for column in CSV_HEADER])
    for key, label in SECTIONS:
        for position, member_id in enumerate(_groups(attendees)[key], start=1):
            writer.writerow([translate(language, label), position, _csv_cell(names[member_id]), str(member_id)])
    return buffer.getvalue()


def attendees_markdown(attendees: Attendees, names: dict[int, str], language: str | None = None) -> str:
    """A readable list by answer, names only (no ids), for badges, catering and rooms, in the moderator's
    language."""
    event = attendees.event
    lines = [f"# {event.title}", ""]
    if attendees.starts_at is not None:
        local = attendees.starts_at.astimezone(ZoneInfo(event.timezone))
        lines += [f"Occurrence: {local:%A %-d %B %Y %H:%M} ({event.timezone})", ""]
    if event.capacity is not None:
        lines += [translate(language, "Capacity: {capacity}", capacity=event.capacity), ""]
    for key, label in SHOWN_SECTIONS:
        members = _groups(attendees)[key]
        lines.append(f"## {translate(language, label, count=len(members))}")
        numbered = enumerate(members, start=1)
        nobody = [translate(language, "Nobody yet")]
        lines += [f"{n}. {discord.utils.escape_markdown(names[m])}" for n, m in numbered] or nobody
        lines.append("")
    return "\n".join(lines)


async def send_attendees(
    bot: CoalitionBot, interaction: discord.Interaction, key: str, format: str, occurrence: str | None
) -> None:
    """Reply to a moderator with the attendee list as a file (of a series: one occurrence's)."""
    await interaction.response.defer(ephemeral=True, thinking=True)
    found = await bot.db.transaction(find_event, key)
    listed = await bot.db.transaction(event_attendees, event_id=found.id, now=utcnow(), occurrence=occurrence)
    names = await display_names(bot, interaction.guild, listed.going + listed.maybe + listed.waiting)
    writer = attendees_csv if format == "csv" else attendees_markdown
    content = writer(listed, names, member_locale(interaction))
    day = f"-{listed.starts_at.astimezone(ZoneInfo(found.timezone)):%Y-%m-%d}" if listed.starts_at else ""
    filename = f"event-{found.id}{day}-attendees.{'csv' if format == 'csv' else 'md'}"
    counts = {"going": len(listed.going), "maybe": len(listed.maybe), "waiting": len(listed.waiting)}
    title = inert(found.title)
    summary = (
        for_member(
            interaction,
            "Attendees of **{title}** on {when}: {going} going, {maybe} maybe, {waiting} waiting.",
            title=title,
            when=stamp(listed.starts_at),
            **counts,
        )
        if listed.starts_at is not None
        else for_member(
            interaction,
            "Attendees of **{title}**: {going} going, {maybe} maybe, {waiting} waiting.",
            title=title,
            **counts,
        )
    )
    file = discord.File(io.BytesIO(content.encode()), filename=filename)
    await interaction.followup.send(summary, file=file, ephemeral=True)
