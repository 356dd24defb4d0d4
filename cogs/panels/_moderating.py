"""The moderators' side of a panel: reviewing questions, approve / hide / answered, and moving on to the next one."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import discord

from bot.i18n import for_member, member_locale
from cogs._checks import coalition_bot, ensure_moderator
from cogs._views import NO_MENTIONS, IdButton, ReportingItem, answer
from cogs.panels._embeds import decided_embed, now_answering_embed, queue_embed
from cogs.panels._question_messages import show_in_channel
from db.models import Question
from db.question_moderation import block_asker
from db.questions import advance_panel, moderate_question
from rules.i18n import N_, translate
from rules.text import record_id

if TYPE_CHECKING:
    from bot.client import CoalitionBot

log = logging.getLogger(__name__)


async def send_for_review(bot: CoalitionBot, question: Question, *, waiting: int) -> bool:
    """Put a pending question in front of moderators, in the panel's or the configured moderators' channel."""
    channel_id = question.panel.moderator_channel_id or bot.settings.moderator_channel_id
    if not channel_id:
        return False
    try:
        await bot.get_partial_messageable(channel_id).send(
            embed=queue_embed(question, waiting=waiting, language=bot.settings.server_language),
            view=review_view(question, bot.settings.server_language),
            allowed_mentions=NO_MENTIONS,
        )
    except discord.HTTPException as error:
        log.warning("Could not send question %s for review to channel %s: %s", question.id, channel_id, error)
        return False
    return True


async def moderate(bot: CoalitionBot, *, action: str, question_id: int, moderator_id: int) -> tuple[Question, int]:
    """Apply a moderator's verdict and return the question with its votes (committed)."""
    decided = await bot.db.transaction(
        moderate_question, action=action, question_id=question_id, moderator_id=moderator_id
    )
    return decided.question, decided.votes


MODERATOR_BUTTONS = {
    "approve": (N_("Approve"), "✅", discord.ButtonStyle.success),
    "hide": (N_("Hide"), "🙈", discord.ButtonStyle.danger),
    "answered": (N_("Answered"), "✅", discord.ButtonStyle.success),
}


class ModerateButton(
    ReportingItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"panel:mod:(?P<action>approve|hide|answered):(?P<question_id>\d+)",
):
    """Approve / Hide / Answered for moderators, on review messages and on the "now answering" controls."""

    def __init__(
        self, action: str, question_id: int, *, number: int | None = None, language: str | None = None
    ) -> None:
        label, emoji, style = MODERATOR_BUTTONS[action]
        label = translate(language, label)
        super().__init__(
            discord.ui.Button(
                label=f"{label} #{number}" if number else label,
                emoji=emoji,
                style=style,
                custom_id=f"panel:mod:{action}:{question_id}",
            )
        )
        self.action = action
        self.question_id = question_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ModerateButton:
        return cls(match["action"], record_id(match["question_id"], what="question"))

    async def handle(self, interaction: discord.Interaction) -> None:
        ensure_moderator(interaction)
        bot = coalition_bot(interaction)
        question, votes = await moderate(
            bot, action=self.action, question_id=self.question_id, moderator_id=interaction.user.id
        )
        follow_on = next_view(question.panel_id, bot.settings.server_language) if self.action == "answered" else None
        await interaction.response.edit_message(
            embed=decided_embed(
                question,
                votes,
                verdict=self.action,
                moderator=interaction.user.display_name,
                language=bot.settings.server_language,
            ),
            view=follow_on,
        )
        await show_in_channel(bot, question, votes)


class BlockButton(IdButton, prefix="panel:mod:block"):
    """ "Block asker" for moderators: the asker of this question can no longer ask or vote on its panel."""

    button_label = N_("Block asker")
    button_emoji = "⛔"
    button_style = discord.ButtonStyle.secondary

    async def handle(self, interaction: discord.Interaction) -> None:
        ensure_moderator(interaction)
        await block(interaction, self.ref_id)


async def block(interaction: discord.Interaction, question_id: int) -> None:
    """Block the asker of a question on its panel, telling the moderator by question number only."""
    bot = coalition_bot(interaction)
    question = await bot.db.transaction(block_asker, question_id=question_id, moderator_id=interaction.user.id)
    await answer(
        interaction,
        for_member(
            interaction,
            "⛔ The asker of #{number} can no longer ask or vote on this panel; nobody was told who it is. "
            "`/panel unblock question:{number}` lets them back.",
            number=question.number,
        ),
    )


def review_view(question: Question, language: str | None = None) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ModerateButton("approve", question.id, language=language))
    view.add_item(ModerateButton("hide", question.id, language=language))
    view.add_item(BlockButton(question.id, label=translate(language, "Block asker")))
    return view


class NextButton(IdButton, prefix="panel:mod:next"):
    """ "Next question" for moderators: answers the current question and puts the top open one up."""

    button_label = N_("Next question")
    button_emoji = "⏭️"
    button_style = discord.ButtonStyle.primary

    async def handle(self, interaction: discord.Interaction) -> None:
        ensure_moderator(interaction)
        await run_next(interaction, self.ref_id, replace=True)


def next_view(panel_id: int, language: str | None = None) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(NextButton(panel_id, label=translate(language, "Next question")))
    return view


def controls_view(question: Question, language: str | None = None) -> discord.ui.View:
    """A moderator's controls while a question is being answered."""
    view = discord.ui.View(timeout=None)
    view.add_item(ModerateButton("answered", question.id, number=question.number, language=language))
    view.add_item(NextButton(question.panel_id, label=translate(language, "Next question")))
    view.add_item(ModerateButton("hide", question.id, number=question.number, language=language))
    view.add_item(BlockButton(question.id, label=translate(language, "Block asker")))
    return view


async def run_next(interaction: discord.Interaction, panel_id: int, *, replace: bool = False) -> None:
    """Move the panel on: the current question counts as answered, the most upvoted open one is up."""
    bot = coalition_bot(interaction)
    advance = await bot.db.transaction(advance_panel, panel_id=panel_id, moderator_id=interaction.user.id)
    answered = advance.answered.question.number if advance.answered else None
    if advance.answered:
        await show_in_channel(bot, advance.answered.question, advance.answered.votes)
    if advance.current is None:
        if answered is None:
            left = for_member(interaction, "No open questions are left.")
        else:
            left = for_member(
                interaction, "#{answered} is marked answered. No open questions are left.", answered=answered
            )
        await answer(interaction, left, replace=replace)
        return
    current = advance.current
    await show_in_channel(bot, current.question, current.votes)
    number = current.question.number
    if answered is None:
        now = for_member(interaction, "Now answering #{number}.", number=number)
    else:
        now = for_member(
            interaction, "#{answered} is marked answered. Now answering #{number}.", answered=answered, number=number
        )
    await answer(
        interaction,
        now,
        view=controls_view(current.question, member_locale(interaction)),
        replace=replace,
    )
    try:
        await bot.get_partial_messageable(current.question.panel.channel_id).send(
            embed=now_answering_embed(current, bot.settings.server_language), allowed_mentions=NO_MENTIONS
        )
    except discord.HTTPException as error:
        log.warning("Could not announce question %s: %s", current.question.id, error)
