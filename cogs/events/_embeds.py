"""Pure renderers for events: cards, lists, reminders and replies, readable on a phone.

Times are Discord timestamps (`<t:unix:F>`), so every reader sees their own local time.
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
RSVP_LABELS = {"going": "✅ Going", "maybe": "🤔 Maybe", "not_going": "❌ Not going"}
STATUS_LABELS = {
    "pending": "⏳ planned",
    "sending": "📤 sending",
    "sent": "✅ sent",
    "failed": "⚠️ failed",
    "skipped": "⏭️ skipped",
    "cancelled": "✖️ cancelled",
}


def stamp(moment: datetime, style: str = "F") -> str:
    return f"<t:{int(moment.timestamp())}:{style}>"


def kind_label(kind: str) -> str:
    return f"{KIND_EMOJI.get(kind, '📅')} {KINDS.get(kind, kind)}"


def when_text(start: datetime, end: datetime) -> str:
    """Start in full and relative, then the end: only the time when it ends within a day."""
    until = stamp(end, "t") if end - start < timedelta(days=1) else stamp(end, "F")
    return f"{stamp(start)} ({stamp(start, 'R')})\nuntil {until}"


def repeat_text(rule: str | None, zone: str) -> str | None:
    if not rule:
        return None
    simple = {"FREQ=WEEKLY": "Every week", "FREQ=MONTHLY": "Every month", "FREQ=DAILY": "Every day"}
    return f"{simple.get(rule, f'`RRULE:{rule}`')}, at the same local time in {zone}"


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


def counts_text(counts: dict[str, int], *, capacity: int | None = None) -> str:
    parts = [f"{RSVP_LABELS[choice]} **{counts.get(choice, 0)}**" for choice in RSVP_LABELS]
    if capacity is not None:
        parts[0] += f" of {capacity}"
    if counts.get("waiting"):
        parts.append(f"⏳ Waiting **{counts['waiting']}**")
    return " · ".join(parts)


def mentions(member_ids: Sequence[int], shown: int = NAMES_SHOWN) -> str:
    """Members as mentions (an embed never pings), the first few then "+N more"."""
    names = ", ".join(f"<@{member_id}>" for member_id in member_ids[:shown])
    rest = len(member_ids) - shown
    return names + (f" +{rest} more" if rest > 0 else "")


def who_is_coming(event: Event, counts: dict[str, int], going: Sequence[int]) -> str:
    lines = [counts_text(counts, capacity=event.capacity)]
    if going:
        lines.append(f"Going: {mentions(going)}")
    if event.rsvp_role_id:
        lines.append(f"Open to <@&{event.rsvp_role_id}> only")
    return "\n".join(lines)


def event_card(
    event: Event, *, counts: dict[str, int], next_start: datetime | None, going: Sequence[int] = ()
) -> discord.Embed:
    """The announcement: what, when, where, who hosts, who's coming; greyed out once cancelled."""
    cancelled = event.status == "cancelled"
    title = f"{KIND_EMOJI.get(event.kind, '📅')} {event.title}"
    embed = discord.Embed(
        title=trim(("CANCELLED — " if cancelled else "") + title, 256),
        description=trim(inert(event.description), 1000) or None,
        colour=CANCELLED_COLOUR if cancelled else EVENT_COLOUR,
    )
    start = next_start or event.starts_at
    when = when_text(start, start + (event.ends_at - event.starts_at))
    if event.moved_from and event.moved_from != start and not cancelled:
        when = f"Moved: ~~{stamp(event.moved_from)}~~\n{when}"
    embed.add_field(name="When", value=when, inline=False)
    repeats = repeat_text(event.rrule, event.timezone)
    if repeats:
        embed.add_field(name="Repeats", value=repeats, inline=False)
    where = where_text(event)
    if where:
        embed.add_field(name="Where", value=where, inline=False)
    host = host_text(event)
    if host:
        embed.add_field(name="Host", value=trim(host, 200), inline=True)
    embed.add_field(name="Kind", value=kind_label(event.kind), inline=True)
    if cancelled:
        reason = inert(event.cancel_reason) if event.cancel_reason else "No reason given."
        embed.add_field(name="Cancelled", value=trim(reason, 500), inline=False)
    else:
        embed.add_field(name="Who's coming", value=trim(who_is_coming(event, counts, going), 1000), inline=False)
    footer = f"Event #{event.id} · times are shown in your own time zone"
    embed.set_footer(text=footer if cancelled else footer + " · reminders: /event remind")
    return embed


def event_details_card(
    details: EventDetails, *, reminders: list[ReminderStatus] | None, attendees: Sequence[tuple[str, str]] = ()
) -> discord.Embed:
    """/event show: the card, who answered by name, what this member answered, for moderators the reminders."""
    event = details.event
    embed = event_card(event, counts=details.counts, next_start=details.next_start)
    for name, value in attendees:
        embed.add_field(name=name, value=value, inline=True)
    attendee = details.attendee
    answer = RSVP_LABELS.get(attendee.rsvp, "⏳ On the waiting list") if attendee and attendee.rsvp else "No answer yet"
    dms = "on" if attendee and attendee.reminders else "off"
    if event.status == "scheduled":
        embed.add_field(name="You", value=f"{answer} · DM reminders {dms}", inline=False)
    if reminders is not None:
        embed.add_field(name="Reminders (moderators)", value=reminder_status_text(event, reminders), inline=False)
    if reminders is not None and details.series_problem:
        fix = f"Fix it with `/event-admin edit event:{event.id} repeat:`."
        problem = f"Not planned: {trim(details.series_problem, 900)} {fix}"
        embed.add_field(name="⚠️ Series skipped (moderators)", value=problem, inline=False)
    return embed


def reminder_status_text(event: Event, reminders: list[ReminderStatus]) -> str:
    lines = [f"Offsets: {format_offsets(event.reminder_offsets)}"]
    for reminder in reminders:
        counts = ", ".join(f"{count} {status}" for status, count in sorted(reminder.deliveries.items()))
        line = (
            f"{format_offset(reminder.offset_seconds)} before {stamp(reminder.occurrence_start, 'd')}: "
            f"{STATUS_LABELS.get(reminder.status, reminder.status)} {stamp(reminder.due_at, 'R')}"
        )
        line += f" ({counts})" if counts else ""
        line += f" — {trim(reminder.note, 80)}" if reminder.note and reminder.status != "pending" else ""
        lines.append(line)
    if len(lines) == 1:
        lines.append("None planned (all past, or none set).")
    return bullets(lines, 1000)


def event_list_pages(upcoming: list[UpcomingEvent], *, kind: str | None) -> list[discord.Embed]:
    heading = f"Upcoming: {KINDS[kind]}" if kind else "Upcoming events"
    if not upcoming:
        return [discord.Embed(title=heading, description="Nothing planned yet.", colour=EVENT_COLOUR)]
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
                lines.append(f"Host: {host}")
            lines.append(counts_text(item.counts))
            embed.add_field(
                name=trim(f"{KIND_EMOJI.get(event.kind, '📅')} {event.title} (#{event.id})", 256),
                value=trim("\n".join(lines), 1000),
                inline=False,
            )
        embed.set_footer(text="Details: /event show · calendar file: /event calendar")
        pages.append(embed)
    return pages


def reminder_text(notice: ReminderNotice, *, now: datetime, in_channel: bool) -> str:
    """A reminder written at the moment it is sent, so "starts in …" is true however late it goes out."""
    starts = stamp(notice.starts_at, "R") if notice.starts_at > now else "now"
    lines = [
        f"⏰ **{inert(notice.title)}** ({KINDS.get(notice.kind, notice.kind)}) starts {starts}",
        f"🗓️ {stamp(notice.starts_at)} – {stamp(notice.ends_at, 't')}",
    ]
    if notice.location:
        lines.append(f"📍 {trim(inert(notice.location), 300)}")
    if notice.url:
        lines.append(f"🔗 {notice.url}")
    if in_channel and notice.ping_role_id:
        lines.insert(0, f"<@&{notice.ping_role_id}>")
    if not in_channel:
        lines.append("-# You get this because you're going or asked for reminders · stop: `/event remind on:False`")
    return "\n".join(lines)


def saved_reply(saved: SavedEvent, verb: str, notes: list[str]) -> str:
    """Echo what was understood, so a misread time is caught before anyone is reminded of it."""
    event = saved.event
    local = event.starts_at.astimezone(ZoneInfo(event.timezone))
    changed = f" ({', '.join(saved.changed)})" if saved.changed else ""
    lines = [
        f"✅ {verb} **{inert(event.title)}** (event #{event.id}){changed}.",
        f"🗓️ Starts {stamp(event.starts_at)} ({stamp(event.starts_at, 'R')}), read as "
        f"{local:%A %-d %B %Y %H:%M} {local:%Z} in {event.timezone}.",
        f"🏁 Ends {stamp(event.ends_at)}.",
        f"⏰ Reminders: {describe_reminders(event.reminder_offsets)}"
        + (f" ({len(saved.plan.added)} newly planned)." if saved.plan.added else "."),
    ]
    lines += [f"⚠️ {note}" for note in saved.notes]
    lines += notes
    lines.append(f"-# Wrong? Fix it with `/event-admin edit event:{event.id}`.")
    return "\n".join(lines)
