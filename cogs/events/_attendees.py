"""Who is coming, by name: member names for /event show and the moderators' attendee list (CSV or Markdown)."""

from __future__ import annotations

import csv
import io
import logging

import discord

from cogs._text import bullets
from db.attendance import GOING, MAYBE, WAITING, Attendees
from rules.i18n import N_, translate

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
    """(field name, names) for /event show: Going and Maybe always, the waiting list when someone is on it."""
    fields = []
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
