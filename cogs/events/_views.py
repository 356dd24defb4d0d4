"""Persistent RSVP and calendar buttons of event announcements: ids in the custom_id, state in the database."""

from __future__ import annotations

import io
import logging
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import discord

from bot.calendar import build_calendar
from bot.i18n import for_member, member_locale
from cogs._checks import coalition_bot
from cogs._text import inert, trim
from cogs._views import IdButton, ReportingItem
from cogs.events._embeds import event_card, stamp
from cogs.events._notices import NoticeSender
from db.answers import answer_event
from db.attendance import WAITING, event_attendees
from db.events import get_event, next_occurrence
from db.members import remember_locale
from db.models import Event
from db.models.base import utcnow
from db.occurrences import OCCURRENCE_FORMAT
from rules.calendar_links import google_calendar_link, is_meeting_link, outlook_calendar_link
from rules.i18n import N_, translate
from rules.text import record_id

if TYPE_CHECKING:
    from bot.client import CoalitionBot

log = logging.getLogger(__name__)

RSVP_BUTTONS = {
    "going": (N_("Going"), "✅", discord.ButtonStyle.success),
    "maybe": (N_("Maybe"), "🤔", discord.ButtonStyle.secondary),
    "not_going": (N_("Not going"), "❌", discord.ButtonStyle.secondary),
}
CONFIRMATIONS = {
    "going": N_("You're going to **{title}**. You'll get its reminders by DM (turn them off with `/event remind`)."),
    "maybe": N_("You might come to **{title}**. DM reminders are {dms} for you; change that with `/event remind`."),
    "not_going": N_("Noted: you're not going to **{title}**. You won't get DM reminders for it."),
    WAITING: N_(
        "**{title}** is full: you're number {position} on the waiting list. If a seat frees up, you'll get it "
        "and a DM saying so."
    ),
}


class RsvpButton(
    ReportingItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"event:rsvp:(?P<choice>going|maybe|not_going):(?P<event_id>\d+)(?::(?P<occurrence>\d+))?",
):
    """Going / Maybe / Not going under an announcement (a series: its next occurrence still open) or under one
    occurrence picked in /event show (its rule's start, in Unix seconds, in the custom_id); works after restarts,
    counts come from the database."""

    def __init__(
        self,
        choice: str,
        event_id: int,
        count: int = 0,
        language: str | None = None,
        occurrence: datetime | None = None,
    ) -> None:
        label, emoji, style = RSVP_BUTTONS[choice]
        suffix = f":{int(occurrence.timestamp())}" if occurrence is not None else ""
        super().__init__(
            discord.ui.Button(
                label=f"{translate(language, label)} · {count}",
                emoji=emoji,
                style=style,
                custom_id=f"event:rsvp:{choice}:{event_id}{suffix}",
            )
        )
        self.choice = choice
        self.event_id = event_id
        self.occurrence = occurrence

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> RsvpButton:
        occurrence = datetime.fromtimestamp(int(match["occurrence"]), UTC) if match["occurrence"] else None
        return cls(match["choice"], record_id(match["event_id"], what="event"), occurrence=occurrence)

    async def handle(self, interaction: discord.Interaction) -> None:
        bot = coalition_bot(interaction)
        now = utcnow()
        await bot.db.transaction(remember_locale, member_id=interaction.user.id, locale=member_locale(interaction))
        roles = [role.id for role in getattr(interaction.user, "roles", [])]
        answered = await bot.db.transaction(
            answer_event,
            event_id=self.event_id,
            member_id=interaction.user.id,
            choice=self.choice,
            role_ids=roles,
            now=now,
            occurrence=f"{self.occurrence:{OCCURRENCE_FORMAT}}" if self.occurrence else None,
        )
        event, counts, attendee = answered.event, answered.counts, answered.attendee
        confirmation = for_member(
            interaction,
            CONFIRMATIONS[attendee.rsvp or self.choice],
            title=inert(event.title),
            dms=for_member(interaction, "on" if attendee.reminders else "off"),
            position=answered.waiting_position,
        )
        occurrence = answered.attendees.starts_at
        if occurrence is not None:
            # A series is answered one occurrence at a time: say which.
            confirmation += "\n" + for_member(
                interaction,
                "-# This answer is for the occurrence on {when} only; other dates are answered on their own.",
                when=stamp(occurrence),
            )
        going = answered.attendees.going
        message = interaction.message
        if message is not None and message.id == event.announcement_message_id:
            # The announcement is public: it stays in the server's language whoever clicked.
            language = bot.settings.server_language
            shown = occurrence or next_occurrence(event, now)
            card = event_card(event, counts=counts, next_start=shown, going=going, language=language)
            await interaction.response.edit_message(embed=card, view=event_view(event, counts, language))
            await interaction.followup.send(confirmation, ephemeral=True)
        else:
            await interaction.response.send_message(confirmation, ephemeral=True)
            await refresh_announcement(bot, event)
        if event.capacity is not None and self.choice != "going":
            # A Going member who stepped back freed a seat: whoever was moved up is told now.
            await NoticeSender(bot, bot.db).send_pending(event_id=event.id)


class CalendarButton(IdButton, prefix="event:ics"):
    """ "Add to calendar": the event as an .ics file, only for the member who asked."""

    button_label = N_("Add to calendar")
    button_emoji = "📅"

    async def handle(self, interaction: discord.Interaction) -> None:
        event = await coalition_bot(interaction).db.transaction(get_event, self.ref_id)
        await interaction.response.send_message(
            for_member(
                interaction,
                "Tap Google or Outlook to add the event there, or open the file for any calendar app "
                "(its reminders come along).",
            ),
            file=calendar_file([event], f"event-{event.id}.ics"),
            view=calendar_links_view(event),
            ephemeral=True,
        )


def link_label(url: str, language: str | None = None) -> str:
    """Join for a video call, Register for any other page (sign-up form, agenda, venue)."""
    return translate(language, "Join") if is_meeting_link(url) else translate(language, "Register")


def event_view(
    event: Event, counts: dict[str, int], language: str | None = None, occurrence: datetime | None = None
) -> discord.ui.View:
    """RSVP, calendar and link buttons; the RSVP buttons answer `occurrence` of a series when one is given."""
    view = discord.ui.View(timeout=None)
    for choice in RSVP_BUTTONS:
        view.add_item(RsvpButton(choice, event.id, counts.get(choice, 0), language, occurrence))
    view.add_item(CalendarButton(event.id, label=translate(language, CalendarButton.button_label)))
    if event.url:
        view.add_item(discord.ui.Button(label=link_label(event.url, language), emoji="🔗", url=event.url))
    return view


def calendar_links_view(event: Event) -> discord.ui.View:
    """Google Calendar and Outlook buttons for the next occurrence (Google also gets the series' rule)."""
    start = next_occurrence(event, utcnow()) or event.starts_at
    end = start + (event.ends_at - event.starts_at)
    details = "\n\n".join(part for part in (trim(event.description or "", 300), event.url or "") if part)
    place = trim(event.location or event.url or "", 100)
    google = google_calendar_link(
        title=event.title, start=start, end=end, details=details, location=place, rule=event.rrule
    )
    outlook = outlook_calendar_link(title=event.title, start=start, end=end, details=details, location=place)
    links = [("Google Calendar", google), ("Outlook", outlook)]
    view = discord.ui.View(timeout=None)
    for label, url in links:
        if url:
            view.add_item(discord.ui.Button(label=label, emoji="📅", url=url))
    return view


def calendar_file(events: list[Event], filename: str) -> discord.File:
    return discord.File(io.BytesIO(build_calendar(events, now=utcnow())), filename=filename)


async def refresh_announcement(bot: CoalitionBot, event: Event) -> bool:
    """Bring the announcement in line with the database; False when it could not be edited."""
    if not (event.announcement_channel_id and event.announcement_message_id):
        return False
    now = utcnow()
    # Of a series, the announcement shows the occurrence its buttons answer.
    attendees = await bot.db.transaction(event_attendees, event_id=event.id, now=now, answering=True)
    counts = attendees.counts()
    language = bot.settings.server_language
    shown = attendees.starts_at or next_occurrence(event, now)
    card = event_card(event, counts=counts, next_start=shown, going=attendees.going, language=language)
    view = event_view(event, counts, language) if event.status == "scheduled" else None
    message = bot.get_partial_messageable(event.announcement_channel_id).get_partial_message(
        event.announcement_message_id
    )
    try:
        await message.edit(embed=card, view=view)
    except discord.HTTPException as error:
        log.warning("Could not update the announcement of event %s: %s", event.id, error)
        return False
    return True
