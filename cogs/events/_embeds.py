"""Pure renderers for events: cards, lists, reminders and replies, readable on a phone.

Times are Discord timestamps (`<t:unix:F>`), so every reader sees their own local time. Each renderer takes the
reader's `language` (a Discord locale or a catalogue language; None reads English): the member's own for what only
they see, the server's for what a channel reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import discord

from cogs._text import bullets, inert, trim
from db.deliveries import ReminderNotice
from db.events import KINDS, EventDetails, SavedEvent, UpcomingEvent, describe_reminders
from db.models import Event
from db.reminders import ReminderStatus
from rules.i18n import N_, SOURCE_LANGUAGE, command_text, format_when, language_for, translate
from rules.timeparse import format_offset, format_offsets

EVENT_COLOUR = discord.Colour.from_rgb(38, 110, 190)
CANCELLED_COLOUR = discord.Colour.dark_grey()
PAGE_SIZE = 6
# Names shown under an announcement before "+N more".
NAMES_SHOWN = 10
KIND_EMOJI = {
    "general_assembly": "🏛️",
    "webinar": "💻",
    "open_meeting": "🤝",
    "taskforce": "🛠️",
    "roundtable": "🗣️",
    "conference": "🎤",
    "working_group": "🧩",
    "peer_learning": "🔁",
    "panel": "🎙️",
    "other": "📅",
}
RSVP_LABELS = {"going": N_("✅ Going"), "maybe": N_("🤔 Maybe"), "not_going": N_("❌ Not going")}
STATUS_LABELS = {
    "pending": N_("⏳ planned"),
    "sending": N_("📤 sending"),
    "sent": N_("✅ sent"),
    "failed": N_("⚠️ failed"),
    "skipped": N_("⏭️ skipped"),
    "cancelled": N_("✖️ cancelled"),
}
# How a reminder's DMs went, each with its count.
DELIVERY_COUNTS = {
    "pending": N_("{count} waiting"),
    "sending": N_("{count} sending"),
    "sent": N_("{count} sent"),
    "failed": N_("{count} failed"),
    "skipped": N_("{count} skipped"),
    "unconfirmed": N_("{count} unconfirmed"),
}


def stamp(moment: datetime, style: str = "F") -> str:
    return f"<t:{int(moment.timestamp())}:{style}>"


def kind_name(kind: str, language: str | None) -> str:
    """The kind as the /event-admin create choice reads in the language (the commands catalogue has it)."""
    english = KINDS.get(kind, kind)
    return (command_text(language, english, name=False) if language else None) or english


def kind_label(kind: str, language: str | None = None) -> str:
    return f"{KIND_EMOJI.get(kind, '📅')} {kind_name(kind, language)}"


def when_text(start: datetime, end: datetime, language: str | None = None) -> str:
    """Start in full and relative, then the end: only the time when it ends within a day."""
    until = stamp(end, "t") if end - start < timedelta(days=1) else stamp(end, "F")
    return f"{stamp(start)} ({stamp(start, 'R')})\n" + translate(language, "until {end}", end=until)


def repeat_text(rule: str | None, zone: str, language: str | None = None) -> str | None:
    if not rule:
        return None
    simple = {"FREQ=WEEKLY": N_("Every week"), "FREQ=MONTHLY": N_("Every month"), "FREQ=DAILY": N_("Every day")}
    repeats = translate(language, simple[rule]) if rule in simple else f"`RRULE:{rule}`"
    return translate(language, "{repeats}, at the same local time in {zone}", repeats=repeats, zone=zone)


def where_text(event: Event) -> str | None:
    parts = []
    if event.location:
        parts.append(trim(inert(event.location), 300))
    if event.url:
        parts.append(event.url)
    return "\n".join(parts) or None


def host_text(event: Event) -> str | None:
    host = event.host
    if host is None:
        return None
    acronym = f" ({host.acronym})" if host.acronym and host.acronym not in host.name else ""
    return f"{host.name}{acronym}, {host.country}"


def counts_text(counts: dict[str, int], *, capacity: int | None = None, language: str | None = None) -> str:
    parts = [f"{translate(language, RSVP_LABELS[choice])} **{counts.get(choice, 0)}**" for choice in RSVP_LABELS]
    if capacity is not None:
        parts[0] += " " + translate(language, "of {capacity}", capacity=capacity)
    if counts.get("waiting"):
        parts.append(translate(language, "⏳ Waiting **{count}**", count=counts["waiting"]))
    return " · ".join(parts)


def mentions(member_ids: Sequence[int], shown: int = NAMES_SHOWN, language: str | None = None) -> str:
    """Members as mentions (an embed never pings), the first few then "+N more"."""
    names = ", ".join(f"<@{member_id}>" for member_id in member_ids[:shown])
    rest = len(member_ids) - shown
    return names + (" " + translate(language, "+{count} more", count=rest) if rest > 0 else "")


def who_is_coming(event: Event, counts: dict[str, int], going: Sequence[int], language: str | None = None) -> str:
    lines = [counts_text(counts, capacity=event.capacity, language=language)]
    if going:
        lines.append(translate(language, "Going: {names}", names=mentions(going, language=language)))
    if event.rsvp_role_id:
        lines.append(translate(language, "Open to {role} only", role=f"<@&{event.rsvp_role_id}>"))
    return "\n".join(lines)


def event_card(
    event: Event,
    *,
    counts: dict[str, int],
    next_start: datetime | None,
    going: Sequence[int] = (),
    language: str | None = None,
) -> discord.Embed:
    """The announcement: what, when, where, who hosts, who's coming; greyed out once cancelled."""
    cancelled = event.status == "cancelled"
    title = f"{KIND_EMOJI.get(event.kind, '📅')} {event.title}"
    embed = discord.Embed(
        title=trim((translate(language, "CANCELLED — ") if cancelled else "") + title, 256),
        description=trim(inert(event.description), 1000) or None,
        colour=CANCELLED_COLOUR if cancelled else EVENT_COLOUR,
    )
    start = next_start or event.starts_at
    when = when_text(start, start + (event.ends_at - event.starts_at), language)
    if event.moved_from and event.moved_from != start and not cancelled:
        when = translate(language, "Moved: {before}", before=f"~~{stamp(event.moved_from)}~~") + f"\n{when}"
    embed.add_field(name=translate(language, "When"), value=when, inline=False)
    repeats = repeat_text(event.rrule, event.timezone, language)
    if repeats:
        embed.add_field(name=translate(language, "Repeats"), value=repeats, inline=False)
    where = where_text(event)
    if where:
        embed.add_field(name=translate(language, "Where"), value=where, inline=False)
    host = host_text(event)
    if host:
        embed.add_field(name=translate(language, "Host"), value=trim(host, 200), inline=True)
    embed.add_field(name=translate(language, "Kind"), value=kind_label(event.kind, language), inline=True)
    if cancelled:
        reason = inert(event.cancel_reason) if event.cancel_reason else translate(language, "No reason given.")
        embed.add_field(name=translate(language, "Cancelled"), value=trim(reason, 500), inline=False)
    else:
        coming = trim(who_is_coming(event, counts, going, language), 1000)
        embed.add_field(name=translate(language, "Who's coming"), value=coming, inline=False)
    footer = translate(language, "Event #{number} · times are shown in your own time zone", number=event.id)
    reminders = translate(language, " · reminders: /event remind")
    embed.set_footer(text=footer if cancelled else footer + reminders)
    return embed


def event_details_card(
    details: EventDetails,
    *,
    reminders: list[ReminderStatus] | None,
    attendees: Sequence[tuple[str, str]] = (),
    language: str | None = None,
) -> discord.Embed:
    """/event show: the card, who answered by name, what this member answered, for moderators the reminders."""
    event = details.event
    embed = event_card(event, counts=details.counts, next_start=details.next_start, language=language)
    for name, value in attendees:
        embed.add_field(name=name, value=value, inline=True)
    attendee = details.attendee
    answer = (
        RSVP_LABELS.get(attendee.rsvp, N_("⏳ On the waiting list"))
        if attendee and attendee.rsvp
        else N_("No answer yet")
    )
    dms = N_("DM reminders on" if attendee and attendee.reminders else "DM reminders off")
    if event.status == "scheduled":
        you = f"{translate(language, answer)} · {translate(language, dms)}"
        embed.add_field(name=translate(language, "You"), value=you, inline=False)
    if reminders is not None:
        embed.add_field(
            name=translate(language, "Reminders (moderators)"),
            value=reminder_status_text(event, reminders, language),
            inline=False,
        )
    if reminders is not None and details.series_problem:
        problem = translate(
            language,
            "Not planned: {problem} Fix it with `/event-admin edit event:{event_id} repeat:`.",
            problem=trim(details.series_problem, 900),
            event_id=event.id,
        )
        embed.add_field(name=translate(language, "⚠️ Series skipped (moderators)"), value=problem, inline=False)
    return embed


def _delivery_counts(deliveries: dict[str, int], language: str | None) -> str:
    return ", ".join(
        translate(language, DELIVERY_COUNTS[status], count=count) if status in DELIVERY_COUNTS else f"{count} {status}"
        for status, count in sorted(deliveries.items())
    )


def reminder_status_text(event: Event, reminders: list[ReminderStatus], language: str | None = None) -> str:
    """The moderators' view of an event's reminders, in the moderator's language."""
    lines = [translate(language, "Offsets: {offsets}", offsets=format_offsets(event.reminder_offsets))]
    for reminder in reminders:
        status = STATUS_LABELS.get(reminder.status)
        line = translate(
            language,
            "{offset} before {day}: {status} {due}",
            offset=format_offset(reminder.offset_seconds),
            day=stamp(reminder.occurrence_start, "d"),
            status=translate(language, status) if status else reminder.status,
            due=stamp(reminder.due_at, "R"),
        )
        counts = _delivery_counts(reminder.deliveries, language)
        line += f" ({counts})" if counts else ""
        # Notes are the English texts marked in db/ (translated here); an older free-text note stays as written.
        note = translate(language, reminder.note) if reminder.note else ""
        line += f" — {trim(note, 80)}" if note and reminder.status != "pending" else ""
        lines.append(line)
    if len(lines) == 1:
        lines.append(translate(language, "None planned (all past, or none set)."))
    return bullets(lines, 1000)


def event_list_pages(
    upcoming: list[UpcomingEvent], *, kind: str | None, language: str | None = None
) -> list[discord.Embed]:
    heading = (
        translate(language, "Upcoming: {kind}", kind=kind_name(kind, language))
        if kind
        else translate(language, "Upcoming events")
    )
    if not upcoming:
        nothing = translate(language, "Nothing planned yet.")
        return [discord.Embed(title=heading, description=nothing, colour=EVENT_COLOUR)]
    pages = []
    for first in range(0, len(upcoming), PAGE_SIZE):
        embed = discord.Embed(title=f"{heading} ({len(upcoming)})", colour=EVENT_COLOUR)
        for item in upcoming[first : first + PAGE_SIZE]:
            event = item.event
            lines = [f"{stamp(item.starts_at)} ({stamp(item.starts_at, 'R')})"]
            where = where_text(event)
            if where:
                lines.append("📍 " + where.replace("\n", " · "))
            host = host_text(event)
            if host:
                lines.append(translate(language, "Host: {host}", host=host))
            lines.append(counts_text(item.counts, language=language))
            embed.add_field(
                name=trim(f"{KIND_EMOJI.get(event.kind, '📅')} {event.title} (#{event.id})", 256),
                value=trim("\n".join(lines), 1000),
                inline=False,
            )
        embed.set_footer(text=translate(language, "Details: /event show · calendar file: /event calendar"))
        pages.append(embed)
    return pages


def reminder_text(notice: ReminderNotice, *, now: datetime, in_channel: bool, language: str | None = None) -> str:
    """A reminder written at the moment it is sent, so "starts in …" is true however late it goes out."""
    title, kind = inert(notice.title), kind_name(notice.kind, language)
    lines = [
        translate(
            language, "⏰ **{title}** ({kind}) starts {when}", title=title, kind=kind, when=stamp(notice.starts_at, "R")
        )
        if notice.starts_at > now
        else translate(language, "⏰ **{title}** ({kind}) starts now", title=title, kind=kind),
        f"🗓️ {stamp(notice.starts_at)} – {stamp(notice.ends_at, 't')}",
    ]
    if notice.location:
        lines.append(f"📍 {trim(inert(notice.location), 300)}")
    if notice.url:
        lines.append(f"🔗 {notice.url}")
    if in_channel and notice.ping_role_id:
        lines.insert(0, f"<@&{notice.ping_role_id}>")
    if not in_channel:
        lines.append(
            translate(
                language, "-# You get this because you're going or asked for reminders · stop: `/event remind on:False`"
            )
        )
    return "\n".join(lines)


def read_as(local: datetime, language: str | None) -> str:
    """The start in words on the event's own wall clock: Babel's wording in the reader's language."""
    if language_for(language) == SOURCE_LANGUAGE:
        return f"{local:%A %-d %B %Y %H:%M}"
    return format_when(local, language)


def saved_reply(saved: SavedEvent, created: bool, notes: list[str], language: str | None = None) -> str:
    """Echo what was understood, so a misread time is caught before anyone is reminded of it."""
    event = saved.event
    local = event.starts_at.astimezone(ZoneInfo(event.timezone))
    changed = f" ({', '.join(saved.changed)})" if saved.changed else ""
    headline = N_(
        "✅ Created **{title}** (event #{number}){changed}."
        if created
        else "✅ Updated **{title}** (event #{number}){changed}."
    )
    reminders = describe_reminders(event.reminder_offsets)
    lines = [
        translate(language, headline, title=inert(event.title), number=event.id, changed=changed),
        translate(
            language,
            "🗓️ Starts {start} ({relative}), read as {when} {abbreviation} in {zone}.",
            start=stamp(event.starts_at),
            relative=stamp(event.starts_at, "R"),
            when=read_as(local, language),
            abbreviation=f"{local:%Z}",
            zone=event.timezone,
        ),
        translate(language, "🏁 Ends {end}.", end=stamp(event.ends_at)),
        translate(
            language,
            "⏰ Reminders: {reminders} ({count} newly planned).",
            reminders=reminders,
            count=len(saved.plan.added),
        )
        if saved.plan.added
        else translate(language, "⏰ Reminders: {reminders}.", reminders=reminders),
    ]
    lines += [f"⚠️ {note.in_language(language)}" for note in saved.notes]
    lines += notes
    lines.append(translate(language, "-# Wrong? Fix it with `/event-admin edit event:{number}`.", number=event.id))
    return "\n".join(lines)
