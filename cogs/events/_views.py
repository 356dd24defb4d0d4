"""Persistent RSVP and calendar buttons of event announcements: ids in the custom_id, state in the database."""

from __future__ import annotations

import io
import logging
import re
from typing import TYPE_CHECKING, Any

import discord

from bot.calendar import build_calendar
from cogs._checks import coalition_bot
from cogs._text import inert
from cogs._views import IdButton, ReportingItem
from cogs.events._embeds import event_card
from db.events import get_event, next_occurrence, rsvp_counts, set_rsvp
from db.models import Event
from db.models.base import utcnow
from rules.text import record_id

if TYPE_CHECKING:
    from bot.client import CoalitionBot

log = logging.getLogger(__name__)

RSVP_BUTTONS = {
    "going": ("Going", "✅", discord.ButtonStyle.success),
    "maybe": ("Maybe", "🤔", discord.ButtonStyle.secondary),
    "not_going": ("Not going", "❌", discord.ButtonStyle.secondary),
}
CONFIRMATIONS = {
    "going": "You're going to **{title}**. You'll get its reminders by DM (turn them off with `/event remind`).",
    "maybe": "You might come to **{title}**. DM reminders are {dms} for you; change that with `/event remind`.",
    "not_going": "Noted: you're not going to **{title}**. You won't get DM reminders for it.",
}


class RsvpButton(
    ReportingItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"event:rsvp:(?P<choice>going|maybe|not_going):(?P<event_id>\d+)",
):
    """Going / Maybe / Not going under an announcement; works after restarts, counts come from the database."""

    def __init__(self, choice: str, event_id: int, count: int = 0) -> None:
        label, emoji, style = RSVP_BUTTONS[choice]
        super().__init__(
            discord.ui.Button(
                label=f"{label} · {count}", emoji=emoji, style=style, custom_id=f"event:rsvp:{choice}:{event_id}"
            )
        )
        self.choice = choice
        self.event_id = event_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> RsvpButton:
        return cls(match["choice"], record_id(match["event_id"], what="event"))

    async def handle(self, interaction: discord.Interaction) -> None:
        bot = coalition_bot(interaction)
        now = utcnow()
        event, counts, attendee = await bot.db.transaction(
            set_rsvp, event_id=self.event_id, member_id=interaction.user.id, choice=self.choice, now=now
        )
        confirmation = CONFIRMATIONS[self.choice].format(
            title=inert(event.title), dms="on" if attendee.reminders else "off"
        )
        card = event_card(event, counts=counts, next_start=next_occurrence(event, now))
        message = interaction.message
        if message is not None and message.id == event.announcement_message_id:
            await interaction.response.edit_message(embed=card, view=event_view(event.id, counts))
            await interaction.followup.send(confirmation, ephemeral=True)
        else:
            await interaction.response.send_message(confirmation, ephemeral=True)
            await refresh_announcement(bot, event, counts=counts)


class CalendarButton(IdButton, prefix="event:ics"):
    """ "Add to calendar": the event as an .ics file, only for the member who asked."""

    button_label = "Add to calendar"
    button_emoji = "📅"

    async def handle(self, interaction: discord.Interaction) -> None:
        event = await coalition_bot(interaction).db.transaction(get_event, self.ref_id)
        await interaction.response.send_message(
            "Open the file to add the event to your calendar; its reminders come along.",
            file=calendar_file([event], f"event-{event.id}.ics"),
            ephemeral=True,
        )


def event_view(event_id: int, counts: dict[str, int]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for choice in RSVP_BUTTONS:
        view.add_item(RsvpButton(choice, event_id, counts.get(choice, 0)))
    view.add_item(CalendarButton(event_id))
    return view


def calendar_file(events: list[Event], filename: str) -> discord.File:
    return discord.File(io.BytesIO(build_calendar(events, now=utcnow())), filename=filename)


async def refresh_announcement(bot: CoalitionBot, event: Event, *, counts: dict[str, int] | None = None) -> bool:
    """Bring the announcement in line with the database; False when it could not be edited."""
    if not (event.announcement_channel_id and event.announcement_message_id):
        return False
    if counts is None:
        counts = (await bot.db.transaction(rsvp_counts, event_ids=[event.id]))[event.id]
    card = event_card(event, counts=counts, next_start=next_occurrence(event, utcnow()))
    view = event_view(event.id, counts) if event.status == "scheduled" else None
    message = bot.get_partial_messageable(event.announcement_channel_id).get_partial_message(
        event.announcement_message_id
    )
    try:
        await message.edit(embed=card, view=view)
    except discord.HTTPException as error:
        log.warning("Could not update the announcement of event %s: %s", event.id, error)
        return False
    return True
