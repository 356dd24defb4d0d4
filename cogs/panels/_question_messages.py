"""A question's message in the panel's channel: posting it, keeping it current, and its vote button."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import discord

from bot.i18n import for_member
from cogs._checks import coalition_bot
from cogs._views import NO_MENTIONS, ReportingItem, answer
from cogs.panels._embeds import hidden_notice, question_embed
from db.models import Question
from db.models.panels import ANSWERED, HIDDEN, OPEN
from db.questions import question_by_id, set_question_message, toggle_vote
from rules.text import record_id

if TYPE_CHECKING:
    from bot.client import CoalitionBot

log = logging.getLogger(__name__)


async def post_question(bot: CoalitionBot, question: Question, votes: int = 0) -> bool:
    """Post a visible question in its panel's channel and remember the message; False if Discord refused."""
    channel = bot.get_partial_messageable(question.panel.channel_id)
    try:
        message = await channel.send(
            embed=question_embed(question, bot.settings.server_language),
            view=question_view(question, votes),
            allowed_mentions=NO_MENTIONS,
        )
    except discord.HTTPException as error:
        log.warning("Could not post question %s in channel %s: %s", question.id, question.panel.channel_id, error)
        return False
    await bot.db.transaction(set_question_message, question_id=question.id, message_id=message.id)
    question.message_id = message.id
    return True


async def show_in_channel(bot: CoalitionBot, question: Question, votes: int) -> None:
    """Bring a question's channel message up to date: post it once approved, mark it answered or hidden."""
    if question.message_id is None:
        if question.status == OPEN:
            await post_question(bot, question, votes)
        return
    message = bot.get_partial_messageable(question.panel.channel_id).get_partial_message(question.message_id)
    try:
        if question.status == HIDDEN:
            notice = hidden_notice(question, bot.settings.server_language)
            await message.edit(content=notice, embed=None, view=None, allowed_mentions=NO_MENTIONS)
        else:
            # content=None clears the "hidden" notice when a hidden question is approved again.
            embed = question_embed(question, bot.settings.server_language)
            await message.edit(content=None, embed=embed, view=question_view(question, votes))
    except discord.HTTPException as error:
        log.info("Could not update the message of question %s: %s", question.id, error)


VOTE_TEMPLATE = r"panel:vote:(?P<question_id>\d+)"


class VoteButton(ReportingItem, discord.ui.DynamicItem[discord.ui.Button[Any]], template=VOTE_TEMPLATE):
    """👍 under a question: one vote per member, a second click takes it back; the count is the database's."""

    def __init__(self, question_id: int, *, label: str | None = None, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                emoji="👍",
                style=discord.ButtonStyle.secondary if disabled else discord.ButtonStyle.primary,
                disabled=disabled,
                custom_id=f"panel:vote:{question_id}",
            )
        )
        self.question_id = question_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> VoteButton:
        return cls(record_id(match["question_id"], what="question"))

    async def handle(self, interaction: discord.Interaction) -> None:
        bot = coalition_bot(interaction)
        outcome = await bot.db.write(toggle_vote, question_id=self.question_id, member_id=interaction.user.id)
        note = for_member(
            interaction,
            "👍 You upvoted #{number}. Click again to take your vote back."
            if outcome.voted
            else "You took back your vote on #{number}.",
            number=outcome.number,
        )
        if interaction.message is not None and interaction.message.id == outcome.message_id:
            # Only the count changed, and it is on the button: the embed stays as it is.
            await interaction.response.edit_message(view=vote_view(outcome.question_id, outcome.votes))
            await interaction.followup.send(note, ephemeral=True)
        else:  # voted from elsewhere (a "similar question" prompt): bring the question's own message up to date
            await answer(interaction, note)
            await show_in_channel(bot, await bot.db.read(question_by_id, outcome.question_id), outcome.votes)


def vote_view(question_id: int, votes: int, *, answered: bool = False) -> discord.ui.View:
    """The vote button under a question, showing the count; frozen once the question is answered."""
    view = discord.ui.View(timeout=None)
    view.add_item(VoteButton(question_id, label=f"{votes}", disabled=answered))
    return view


def question_view(question: Question, votes: int) -> discord.ui.View:
    return vote_view(question.id, votes, answered=question.status == ANSWERED)
