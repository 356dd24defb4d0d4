"""The forget confirmation: persistent buttons that only the member who asked may press, for a short while."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import discord

from bot.i18n import for_member, member_locale
from cogs._checks import coalition_bot
from cogs._views import ReportingItem
from cogs.events._notices import NoticeSender
from cogs.events._views import refresh_announcement
from cogs.panels._question_messages import show_in_channel
from cogs.privacy._embeds import forget_report
from db.events import events_by_id
from db.models.base import utcnow
from db.privacy import ForgetReport, forget_member
from db.questions import questions_with_votes
from rules.i18n import N_, translate
from rules.text import LARGEST_SNOWFLAKE, LATEST_TIMESTAMP, record_id

if TYPE_CHECKING:
    from bot.client import CoalitionBot

log = logging.getLogger(__name__)

# A confirmation older than this no longer describes what would be deleted: ask again.
CONFIRMATION_LIFETIME = timedelta(minutes=15)
FORGET_BUTTONS = {
    "yes": (N_("Yes, forget me"), discord.ButtonStyle.danger),
    "cancel": (N_("Cancel"), discord.ButtonStyle.secondary),
}
NOT_YOURS = N_("This confirmation belongs to another member. Run `/privacy forget` to forget yourself.")
EXPIRED = N_("This confirmation has expired and nothing was deleted. Run `/privacy forget` again.")
CANCELLED = N_("Cancelled: nothing was deleted.")


class ForgetButton(
    ReportingItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"privacy:forget:(?P<action>yes|cancel):(?P<member_id>\d+):(?P<asked_at>\d+)",
):
    """Yes / Cancel under the forget warning; the custom_id carries who asked and when, nothing else."""

    def __init__(self, action: str, member_id: int, asked_at: int, *, locale: str | None = None) -> None:
        label, style = FORGET_BUTTONS[action]
        super().__init__(
            discord.ui.Button(
                label=translate(locale, label), style=style, custom_id=f"privacy:forget:{action}:{member_id}:{asked_at}"
            )
        )
        self.action = action
        self.member_id = member_id
        self.asked_at = asked_at

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ForgetButton:
        member_id = record_id(match["member_id"], what="member", largest=LARGEST_SNOWFLAKE)
        return cls(match["action"], member_id, record_id(match["asked_at"], what="button", largest=LATEST_TIMESTAMP))

    async def handle(self, interaction: discord.Interaction) -> None:
        if interaction.user.id != self.member_id:
            await interaction.response.send_message(for_member(interaction, NOT_YOURS), ephemeral=True)
            return
        if self.action == "cancel":
            await interaction.response.edit_message(content=for_member(interaction, CANCELLED), view=None)
            return
        if utcnow() - datetime.fromtimestamp(self.asked_at, UTC) > CONFIRMATION_LIFETIME:
            await interaction.response.edit_message(content=for_member(interaction, EXPIRED), view=None)
            return
        bot = coalition_bot(interaction)
        report = await bot.db.transaction(forget_member, member_id=self.member_id)
        # No member id in the log: the point of the request is that the bot stops holding it.
        log.info("A member asked to be forgotten: %d record(s) deleted or anonymised", report.total)
        await interaction.response.edit_message(content=forget_report(report, member_locale(interaction)), view=None)
        await refresh_posted_messages(bot, report)


def forget_view(member_id: int, *, asked_at: datetime, locale: str | None) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for action in FORGET_BUTTONS:
        view.add_item(ForgetButton(action, member_id, int(asked_at.timestamp()), locale=locale))
    return view


async def refresh_posted_messages(bot: CoalitionBot, report: ForgetReport) -> None:
    """Edit posted questions and announcements that named the member or counted them, and tell whoever moved up
    to the seat they freed; after the commit."""
    for item in await bot.db.read(questions_with_votes, report.changed_question_ids):
        await show_in_channel(bot, item.question, item.votes)
    notices = NoticeSender(bot, bot.db)
    for event in await bot.db.transaction(events_by_id, report.changed_event_ids):
        await refresh_announcement(bot, event)
        # A seat the member held went to the first in line, who is told now.
        await notices.send_pending(event_id=event.id)
