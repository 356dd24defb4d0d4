"""Asking the panel: the question form, the near-duplicate prompt, and storing a question before it is shown."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from bot.i18n import for_member, member_locale
from cogs._checks import coalition_bot
from cogs._text import inert, trim
from cogs._views import ReportingItem, ReportingModal, ReportingView, answer
from cogs.panels._embeds import confirmation
from cogs.panels._moderating import send_for_review
from cogs.panels._question_messages import VoteButton, post_question
from db.models import Panel
from db.models.panels import PANEL_OPEN, PENDING
from db.open_questions import check_similar_question
from db.panels import channel_panel, panel_by_id
from db.questions import ask_question, next_pending_question
from rules.i18n import N_, translate
from rules.labels import panel_labels
from rules.question_text import QuestionRules, SimilarQuestion, SimilarQuestionError
from rules.text import record_id

if TYPE_CHECKING:
    from bot.settings import Settings


SUGGESTION_TIMEOUT_SECONDS = 10 * 60


def question_rules(settings: Settings) -> QuestionRules:
    return QuestionRules(
        min_length=settings.question_min_length,
        max_length=settings.question_max_length,
        cooldown_seconds=settings.question_cooldown_seconds,
        max_open_per_member=settings.question_max_open_per_member,
    )


async def submit_question(
    interaction: discord.Interaction,
    *,
    panel_id: int | None,
    text: str,
    to: str | None,
    anonymous: bool,
    allow_similar: bool = False,
    replace: bool = False,
    label: str | None = None,
) -> None:
    """Store a question, then (only after the commit) confirm it to the asker and post it or queue it."""
    bot = coalition_bot(interaction)
    waiting = 0
    try:
        if panel_id is None:
            assert interaction.channel_id is not None
            panel_id = (await bot.db.read(channel_panel, channel_id=interaction.channel_id, open_only=True)).id
        # Near-duplicates are looked for before the write, so the writer only compares what was stored since.
        checked_through = (
            0 if allow_similar else await bot.db.read(check_similar_question, panel_id=panel_id, text=text)
        )
        # Group-committed with whatever else is waiting, on disk before this returns.
        question = await bot.db.write(
            ask_question,
            panel_id=panel_id,
            author_id=interaction.user.id,
            text=text,
            anonymous=anonymous,
            rules=question_rules(bot.settings),
            to=to,
            allow_similar=allow_similar,
            label=label,
            checked_through=checked_through,
        )
        if question.status == PENDING:
            _first, waiting = await bot.db.read(next_pending_question, panel_id=panel_id)
    except SimilarQuestionError as similar:
        view = SimilarQuestionView(
            similar.similar,
            panel_id=panel_id,
            text=text,
            to=to,
            anonymous=anonymous,
            label=label,
            locale=member_locale(interaction),
        )
        await answer(interaction, similar_prompt(interaction, similar.similar), view=view, replace=replace)
        return
    pending = question.status == PENDING
    await answer(
        interaction,
        confirmation(question, posted_to_queue=pending, locale=member_locale(interaction)),
        replace=replace,
    )
    if pending:
        await send_for_review(bot, question, waiting=waiting)
    elif not await post_question(bot, question):
        await interaction.followup.send(
            for_member(
                interaction,
                "I could not post #{number} in the channel (missing permission?). It is saved; "
                "moderators see it with `/questions`.",
                number=question.number,
            ),
            ephemeral=True,
        )


def similar_prompt(interaction: discord.Interaction, similar: SimilarQuestion) -> str:
    return for_member(
        interaction,
        "A similar question exists: **#{number}** — “{text}”\n"
        "Upvote it instead? If yours asks something else, post it anyway.",
        number=similar.number,
        text=trim(inert(similar.text), 300),
    )


class SimilarQuestionView(ReportingView):
    """Upvote the similar question, or post one's own anyway; the text lives only in this short-lived view."""

    def __init__(
        self,
        similar: SimilarQuestion,
        *,
        panel_id: int | None,
        text: str,
        to: str | None,
        anonymous: bool,
        label: str | None = None,
        locale: str | None = None,
    ):
        super().__init__(timeout=SUGGESTION_TIMEOUT_SECONDS)
        self.panel_id = panel_id
        self.label = label
        self.text = text
        self.to = to
        self.anonymous = anonymous
        self.add_item(
            VoteButton(similar.id, label=translate(locale, "Upvote #{number} instead", number=similar.number))
        )
        self.post_anyway.label = translate(locale, "Post mine anyway")

    @discord.ui.button(label=N_("Post mine anyway"), style=discord.ButtonStyle.secondary)
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
            label=self.label,
        )


NAMED = "named"
ANONYMOUS = "anonymous"


class QuestionModal(ReportingModal):
    """The one form behind "Ask a question": the question, whom or what it is for, and (where the panel allows
    it) whether to show the asker's name."""

    def __init__(self, panel: Panel, *, anonymous: bool, rules: QuestionRules, locale: str | None = None) -> None:
        super().__init__(title=translate(locale, "Ask the panel"))
        self.panel_id = panel.id
        self.question: discord.ui.TextInput[QuestionModal] = discord.ui.TextInput(
            style=discord.TextStyle.paragraph,
            min_length=rules.min_length,
            max_length=rules.max_length,
            placeholder=translate(locale, "One clear question. Others can upvote it."),
        )
        self.add_item(discord.ui.Label(text=translate(locale, "Your question"), component=self.question))
        # A label is a topic or a panelist; picking a panelist addresses the question to them (db/panel_guards.py).
        self.labels = panel_labels(panel.topics, (panelist.name for panelist in panel.panelists))
        self.label: discord.ui.Select[QuestionModal] | None = None
        if self.labels:
            self.label = discord.ui.Select(
                placeholder=translate(locale, "Anyone on the panel"),
                required=False,
                options=[
                    discord.SelectOption(label=trim(label, 100), value=str(position))
                    for position, label in enumerate(self.labels)
                ],
            )
            self.add_item(
                discord.ui.Label(
                    text=translate(locale, "For a panelist or topic? (optional)"),
                    description=translate(locale, "Leave empty if it is for anyone on the panel."),
                    component=self.label,
                )
            )
        self.name: discord.ui.Select[QuestionModal] | None = None
        if panel.anonymous_allowed:
            self.name = discord.ui.Select(
                options=[
                    discord.SelectOption(label=translate(locale, "Show my name"), value=NAMED, default=not anonymous),
                    discord.SelectOption(
                        label=translate(locale, "Ask anonymously"), value=ANONYMOUS, default=anonymous
                    ),
                ],
            )
            self.add_item(discord.ui.Label(text=translate(locale, "Your name"), component=self.name))

    async def on_submit(self, interaction: discord.Interaction) -> None:
        chosen = self.label.values if self.label else []
        await submit_question(
            interaction,
            panel_id=self.panel_id,
            text=self.question.value,
            to=None,
            anonymous=bool(self.name and self.name.values == [ANONYMOUS]),
            label=self.labels[int(chosen[0])] if chosen else None,
        )


class AskButton(
    ReportingItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"panel:(?P<mode>ask|ask-anon):(?P<panel_id>\d+)",
):
    """ "Ask a question" on the panel card: opens the question form ("Ask anonymously", on cards posted before the
    form could choose, opens it with anonymity chosen)."""

    def __init__(
        self, panel_id: int, *, anonymous: bool = False, closed: bool = False, language: str | None = None
    ) -> None:
        label = translate(language, "Ask anonymously" if anonymous else "Ask a question")
        super().__init__(
            discord.ui.Button(
                label=translate(language, "Questions closed") if closed else label,
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
        panel = await bot.db.read(panel_by_id, self.panel_id)
        if panel.status != PANEL_OPEN:
            await answer(interaction, for_member(interaction, "This panel is closed: it no longer takes questions."))
            return
        if self.anonymous and not panel.anonymous_allowed:
            await answer(interaction, for_member(interaction, "This panel does not take anonymous questions."))
            return
        await interaction.response.send_modal(
            QuestionModal(
                panel, anonymous=self.anonymous, rules=question_rules(bot.settings), locale=member_locale(interaction)
            )
        )
