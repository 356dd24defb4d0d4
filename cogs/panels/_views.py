"""Persistent panel buttons, the question modal, and the Discord side of asking, voting and moderating.

Every button is a DynamicItem whose custom_id carries ids only (`panel:vote:<question_id>`); the state
lives in the database, so buttons keep working after a restart. Discord I/O happens only after the
transaction that changed the state has committed.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import discord

from cogs._checks import coalition_bot, ensure_moderator
from cogs._text import inert, trim
from cogs._views import IdButton, ReportingItem, ReportingModal, ReportingView
from cogs.knowledge._embeds import platform_card
from cogs.panels._embeds import (
    confirmation,
    decided_embed,
    hidden_notice,
    now_answering_embed,
    panel_card,
    question_embed,
    queue_embed,
    top_questions_embed,
)
from db.models import Panel, Question
from db.models.panels import ANSWERED, HIDDEN, OPEN, PANEL_OPEN, PENDING
from db.panels import (
    QuestionRules,
    SimilarQuestion,
    SimilarQuestionError,
    advance_panel,
    approve_question,
    ask_question,
    channel_panel,
    hide_question,
    mark_answered,
    next_pending_question,
    panel_by_id,
    panelist_platform,
    question_by_id,
    set_question_message,
    toggle_vote,
    top_questions,
    vote_count,
)
from db.shipped import source_titles
from rules.text import record_id

if TYPE_CHECKING:
    from bot.client import CoalitionBot
    from bot.settings import Settings

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
SUGGESTION_TIMEOUT_SECONDS = 10 * 60
TOP_LIMIT = 10
MODERATION = {
    "approve": (approve_question, "Approved"),
    "hide": (hide_question, "Hidden"),
    "answered": (mark_answered, "Marked answered"),
}


def question_rules(settings: Settings) -> QuestionRules:
    return QuestionRules(
        min_length=settings.question_min_length,
        max_length=settings.question_max_length,
        cooldown_seconds=settings.question_cooldown_seconds,
        max_open_per_member=settings.question_max_open_per_member,
    )


async def answer(
    interaction: discord.Interaction,
    content: str,
    *,
    view: discord.ui.View | None = None,
    embed: discord.Embed | None = None,
    replace: bool = False,
) -> None:
    """Answer only the member who acted; `replace` edits the (ephemeral) message whose button they pressed."""
    if replace:
        await interaction.response.edit_message(content=content, embed=embed, view=view)
        return
    extra: dict[str, Any] = {"view": view} if view is not None else {}
    if embed is not None:
        extra["embed"] = embed
    if interaction.response.is_done():
        await interaction.followup.send(content, ephemeral=True, allowed_mentions=NO_MENTIONS, **extra)
    else:
        await interaction.response.send_message(content, ephemeral=True, allowed_mentions=NO_MENTIONS, **extra)


# --- messages in the channels ---------------------------------------------------------------------------


async def post_question(bot: CoalitionBot, question: Question, votes: int = 0) -> bool:
    """Post a visible question in its panel's channel and remember the message; False if Discord refused."""
    channel = bot.get_partial_messageable(question.panel.channel_id)
    try:
        message = await channel.send(
            embed=question_embed(question), view=question_view(question, votes), allowed_mentions=NO_MENTIONS
        )
    except discord.HTTPException as error:
        log.warning("Could not post question %s in channel %s: %s", question.id, question.panel.channel_id, error)
        return False
    async with bot.sessions.begin() as session:
        await set_question_message(session, question_id=question.id, message_id=message.id)
    question.message_id = message.id
    return True


async def send_for_review(bot: CoalitionBot, question: Question, *, waiting: int) -> bool:
    """Put a pending question in front of moderators, in the panel's or the configured moderators' channel."""
    channel_id = question.panel.moderator_channel_id or bot.settings.moderator_channel_id
    if not channel_id:
        return False
    try:
        await bot.get_partial_messageable(channel_id).send(
            embed=queue_embed(question, waiting=waiting), view=review_view(question), allowed_mentions=NO_MENTIONS
        )
    except discord.HTTPException as error:
        log.warning("Could not send question %s for review to channel %s: %s", question.id, channel_id, error)
        return False
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
            await message.edit(content=hidden_notice(question), embed=None, view=None, allowed_mentions=NO_MENTIONS)
        else:
            # content=None clears the "hidden" notice when a hidden question is approved again.
            await message.edit(content=None, embed=question_embed(question), view=question_view(question, votes))
    except discord.HTTPException as error:
        log.info("Could not update the message of question %s: %s", question.id, error)


async def refresh_panel_card(bot: CoalitionBot, panel: Panel) -> None:
    """Show on the panel card whether questions are open (the Ask buttons say so)."""
    if panel.message_id is None:
        return
    message = bot.get_partial_messageable(panel.channel_id).get_partial_message(panel.message_id)
    try:
        await message.edit(embed=panel_card(panel), view=panel_view(panel))
    except discord.HTTPException as error:
        log.info("Could not update the card of panel %s: %s", panel.id, error)


# --- asking ---------------------------------------------------------------------------------------------


async def submit_question(
    interaction: discord.Interaction,
    *,
    panel_id: int | None,
    text: str,
    to: str | None,
    anonymous: bool,
    allow_similar: bool = False,
    replace: bool = False,
) -> None:
    """Store a question, then (only after the commit) confirm it to the asker and post it or queue it."""
    bot = coalition_bot(interaction)
    waiting = 0
    try:
        if panel_id is None:
            assert interaction.channel_id is not None
            panel_id = (await bot.reader.run(channel_panel, channel_id=interaction.channel_id, open_only=True)).id
        # The writer commits it (with whatever else is waiting) before this returns.
        question = await bot.writer.run(
            ask_question,
            panel_id=panel_id,
            author_id=interaction.user.id,
            text=text,
            anonymous=anonymous,
            rules=question_rules(bot.settings),
            to=to,
            allow_similar=allow_similar,
        )
        if question.status == PENDING:
            async with bot.sessions() as session:
                _first, waiting = await next_pending_question(session, panel_id=panel_id)
    except SimilarQuestionError as similar:
        view = SimilarQuestionView(similar.similar, panel_id=panel_id, text=text, to=to, anonymous=anonymous)
        await answer(interaction, similar_prompt(similar.similar), view=view, replace=replace)
        return
    bot.screens.panel_changed(question.panel_id)
    pending = question.status == PENDING
    await answer(interaction, confirmation(question, posted_to_queue=pending), replace=replace)
    if pending:
        await send_for_review(bot, question, waiting=waiting)
    elif not await post_question(bot, question):
        await interaction.followup.send(
            f"I could not post #{question.number} in the channel (missing permission?). It is saved; "
            "moderators see it with `/panel questions`.",
            ephemeral=True,
        )


def similar_prompt(similar: SimilarQuestion) -> str:
    return (
        f"A similar question exists: **#{similar.number}** — “{trim(inert(similar.text), 300)}”\n"
        "Upvote it instead? If yours asks something else, post it anyway."
    )


class SimilarQuestionView(ReportingView):
    """Upvote the similar question, or post one's own anyway; the text lives only in this short-lived view."""

    def __init__(self, similar: SimilarQuestion, *, panel_id: int | None, text: str, to: str | None, anonymous: bool):
        super().__init__(timeout=SUGGESTION_TIMEOUT_SECONDS)
        self.panel_id = panel_id
        self.text = text
        self.to = to
        self.anonymous = anonymous
        self.add_item(VoteButton(similar.id, label=f"Upvote #{similar.number} instead"))

    @discord.ui.button(label="Post mine anyway", style=discord.ButtonStyle.secondary)
    async def post_anyway(
        self, interaction: discord.Interaction, _button: discord.ui.Button[SimilarQuestionView]
    ) -> None:
        self.stop()
        await submit_question(
            interaction,
            panel_id=self.panel_id,
            text=self.text,
            to=self.to,
            anonymous=self.anonymous,
            allow_similar=True,
            replace=True,
        )


class QuestionModal(ReportingModal):
    """The form behind "Ask a question": the question and, optionally, which panelist it is for."""

    def __init__(self, panel: Panel, *, anonymous: bool, rules: QuestionRules) -> None:
        super().__init__(title="Ask anonymously" if anonymous else "Ask the panel")
        self.panel_id = panel.id
        self.anonymous = anonymous
        self.question: discord.ui.TextInput[QuestionModal] = discord.ui.TextInput(
            label="Your question",
            style=discord.TextStyle.paragraph,
            min_length=rules.min_length,
            max_length=rules.max_length,
            placeholder="One clear question. Others can upvote it.",
        )
        names = ", ".join(panelist.name for panelist in panel.panelists)
        self.to: discord.ui.TextInput[QuestionModal] = discord.ui.TextInput(
            label="For a panelist? (optional)",
            required=False,
            max_length=100,
            placeholder=trim(f"Leave empty for anyone, or: {names}", 100),
        )
        self.add_item(self.question)
        self.add_item(self.to)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await submit_question(
            interaction, panel_id=self.panel_id, text=self.question.value, to=self.to.value, anonymous=self.anonymous
        )


class AskButton(
    ReportingItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"panel:(?P<mode>ask|ask-anon):(?P<panel_id>\d+)",
):
    """ "Ask a question" / "Ask anonymously" on the panel card: opens the question form."""

    def __init__(self, panel_id: int, *, anonymous: bool = False, closed: bool = False) -> None:
        label = "Ask anonymously" if anonymous else "Ask a question"
        super().__init__(
            discord.ui.Button(
                label="Questions closed" if closed else label,
                emoji=None if closed else ("🕶️" if anonymous else "✋"),
                style=discord.ButtonStyle.secondary if anonymous or closed else discord.ButtonStyle.primary,
                disabled=closed,
                custom_id=f"panel:{'ask-anon' if anonymous else 'ask'}:{panel_id}",
            )
        )
        self.panel_id = panel_id
        self.anonymous = anonymous

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> AskButton:
        return cls(record_id(match["panel_id"], what="panel"), anonymous=match["mode"] == "ask-anon")

    async def handle(self, interaction: discord.Interaction) -> None:
        bot = coalition_bot(interaction)
        panel = await bot.reader.run(panel_by_id, self.panel_id)
        if panel.status != PANEL_OPEN:
            await answer(interaction, "This panel is closed: it no longer takes questions.")
            return
        if self.anonymous and not panel.anonymous_allowed:
            await answer(interaction, "This panel does not take anonymous questions.")
            return
        await interaction.response.send_modal(
            QuestionModal(panel, anonymous=self.anonymous, rules=question_rules(bot.settings))
        )


class TopButton(IdButton, prefix="panel:top"):
    """ "Top questions" on the panel card: the most upvoted open questions, for the member who asked."""

    button_label = "Top questions"
    button_emoji = "🏆"

    async def handle(self, interaction: discord.Interaction) -> None:
        panel, top = await coalition_bot(interaction).reader.run(top_questions, panel_id=self.ref_id, limit=TOP_LIMIT)
        await interaction.response.send_message(embed=top_questions_embed(panel, top), ephemeral=True)


class PlatformButton(IdButton, prefix="panel:platform"):
    """A panelist's organisation on the panel card: shows its platform card to the member who asked."""

    button_label = "Platform"
    button_emoji = "🏛️"

    async def handle(self, interaction: discord.Interaction) -> None:
        async with coalition_bot(interaction).sessions.begin() as session:
            platform = await panelist_platform(session, panelist_id=self.ref_id)
        await interaction.response.send_message(embed=platform_card(platform, titles=source_titles()), ephemeral=True)


def panel_view(panel: Panel) -> discord.ui.View:
    """The card's buttons: ask (named or anonymous), top questions, and one per linked platform."""
    view = discord.ui.View(timeout=None)
    closed = panel.status != PANEL_OPEN
    view.add_item(AskButton(panel.id, closed=closed))
    if panel.anonymous_allowed and not closed:
        view.add_item(AskButton(panel.id, anonymous=True))
    view.add_item(TopButton(panel.id))
    linked = [panelist for panelist in panel.panelists if panelist.platform_slug]
    for panelist in linked[:5]:
        button = PlatformButton(panelist.id, label=trim(panelist.organisation or panelist.name, 80))
        button.item.row = 1
        view.add_item(button)
    return view


# --- voting ---------------------------------------------------------------------------------------------


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
        outcome = await bot.writer.run(toggle_vote, question_id=self.question_id, member_id=interaction.user.id)
        bot.screens.panel_changed(outcome.panel_id)
        note = (
            f"👍 You upvoted #{outcome.number}. Click again to take your vote back."
            if outcome.voted
            else f"You took back your vote on #{outcome.number}."
        )
        if interaction.message is not None and interaction.message.id == outcome.message_id:
            # Only the count changed, and it is on the button: the embed stays as it is.
            await interaction.response.edit_message(view=vote_view(outcome.question_id, outcome.votes))
            await interaction.followup.send(note, ephemeral=True)
        else:  # voted from elsewhere (a "similar question" prompt): bring the question's own message up to date
            await answer(interaction, note)
            await show_in_channel(bot, await bot.reader.run(question_by_id, outcome.question_id), outcome.votes)


def vote_view(question_id: int, votes: int, *, answered: bool = False) -> discord.ui.View:
    """The vote button under a question, showing the count; frozen once the question is answered."""
    view = discord.ui.View(timeout=None)
    view.add_item(VoteButton(question_id, label=f"{votes}", disabled=answered))
    return view


def question_view(question: Question, votes: int) -> discord.ui.View:
    return vote_view(question.id, votes, answered=question.status == ANSWERED)


# --- moderating -----------------------------------------------------------------------------------------


async def moderate(bot: CoalitionBot, *, action: str, question_id: int, moderator_id: int) -> tuple[Question, int]:
    """Apply a moderator's verdict and return the question with its votes (committed)."""
    change, _verdict = MODERATION[action]
    async with bot.sessions.begin() as session:
        question = await change(session, question_id=question_id, moderator_id=moderator_id)
        votes = await session.run_sync(vote_count, question.id)
    bot.screens.panel_changed(question.panel_id)
    return question, votes


MODERATOR_BUTTONS = {
    "approve": ("Approve", "✅", discord.ButtonStyle.success),
    "hide": ("Hide", "🙈", discord.ButtonStyle.danger),
    "answered": ("Answered", "✅", discord.ButtonStyle.success),
}


class ModerateButton(
    ReportingItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"panel:mod:(?P<action>approve|hide|answered):(?P<question_id>\d+)",
):
    """Approve / Hide / Answered for moderators, on review messages and on the "now answering" controls."""

    def __init__(self, action: str, question_id: int, *, number: int | None = None) -> None:
        label, emoji, style = MODERATOR_BUTTONS[action]
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
        verdict = MODERATION[self.action][1]
        follow_on = next_view(question.panel_id) if self.action == "answered" else None
        await interaction.response.edit_message(
            embed=decided_embed(question, votes, verdict=verdict, moderator=interaction.user.display_name),
            view=follow_on,
        )
        await show_in_channel(bot, question, votes)


def review_view(question: Question) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ModerateButton("approve", question.id))
    view.add_item(ModerateButton("hide", question.id))
    return view


class NextButton(IdButton, prefix="panel:mod:next"):
    """ "Next question" for moderators: answers the current question and puts the top open one up."""

    button_label = "Next question"
    button_emoji = "⏭️"
    button_style = discord.ButtonStyle.primary

    async def handle(self, interaction: discord.Interaction) -> None:
        ensure_moderator(interaction)
        await run_next(interaction, self.ref_id, replace=True)


def next_view(panel_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(NextButton(panel_id))
    return view


def controls_view(question: Question) -> discord.ui.View:
    """A moderator's controls while a question is being answered."""
    view = discord.ui.View(timeout=None)
    view.add_item(ModerateButton("answered", question.id, number=question.number))
    view.add_item(NextButton(question.panel_id))
    view.add_item(ModerateButton("hide", question.id, number=question.number))
    return view


async def run_next(interaction: discord.Interaction, panel_id: int, *, replace: bool = False) -> None:
    """Move the panel on: the current question counts as answered, the most upvoted open one is up."""
    bot = coalition_bot(interaction)
    async with bot.sessions.begin() as session:
        advance = await advance_panel(session, panel_id=panel_id, moderator_id=interaction.user.id)
    bot.screens.panel_changed(panel_id)
    done = f"#{advance.answered.question.number} is marked answered. " if advance.answered else ""
    if advance.answered:
        await show_in_channel(bot, advance.answered.question, advance.answered.votes)
    if advance.current is None:
        await answer(interaction, f"{done}No open questions are left.", replace=replace)
        return
    current = advance.current
    await show_in_channel(bot, current.question, current.votes)
    await answer(
        interaction,
        f"{done}Now answering #{current.question.number}.",
        view=controls_view(current.question),
        replace=replace,
    )
    try:
        await bot.get_partial_messageable(current.question.panel.channel_id).send(
            embed=now_answering_embed(current), allowed_mentions=NO_MENTIONS
        )
    except discord.HTTPException as error:
        log.warning("Could not announce question %s: %s", current.question.id, error)


DYNAMIC_ITEMS = (AskButton, TopButton, PlatformButton, VoteButton, ModerateButton, NextButton)
