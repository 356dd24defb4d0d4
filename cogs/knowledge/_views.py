"""Persistent buttons and the submission modal of the knowledge cog."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import discord

from bot.i18n import for_member, member_locale
from cogs._checks import coalition_bot, ensure_moderator
from cogs._views import ReportingItem, ReportingModal
from cogs.knowledge._embeds import platform_full_text, practice_full_text, review_card
from db.knowledge import Submission, decide_practice, practice_by_id, submit_practice
from db.members import member_locale as stored_locale
from db.members import remember_locale
from db.platforms import platform_by_id
from rules.i18n import N_, translate
from rules.text import record_id

if TYPE_CHECKING:
    from bot.client import CoalitionBot

log = logging.getLogger(__name__)


class FullTextButton(
    ReportingItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"kb:full:(?P<kind>platform|practice):(?P<ref_id>\d+)",
):
    """ "Show full text" on a card: the untrimmed record, only for the member who asked."""

    def __init__(self, kind: str, ref_id: int, language: str | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=translate(language, "Show full text"),
                style=discord.ButtonStyle.secondary,
                custom_id=f"kb:full:{kind}:{ref_id}",
            )
        )
        self.kind = kind
        self.ref_id = ref_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> FullTextButton:
        return cls(match["kind"], record_id(match["ref_id"], what=match["kind"]))

    async def handle(self, interaction: discord.Interaction) -> None:
        db = coalition_bot(interaction).db
        language = member_locale(interaction)
        if self.kind == "platform":
            embeds = platform_full_text(await db.read(platform_by_id, self.ref_id), language)
        else:
            embeds = practice_full_text(await db.read(practice_by_id, self.ref_id), language)
        await interaction.response.send_message(embeds=embeds, ephemeral=True)


def card_view(kind: str, ref_id: int, language: str | None = None) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(FullTextButton(kind, ref_id, language))
    return view


class ReviewButton(
    ReportingItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"kb:review:(?P<action>approve|reject):(?P<practice_id>\d+)",
):
    """Approve or Reject on a pending submission; moderators only; keeps working after restarts."""

    def __init__(self, action: str, practice_id: int, language: str | None = None) -> None:
        approve = action == "approve"
        super().__init__(
            discord.ui.Button(
                label=translate(language, "Approve" if approve else "Reject"),
                style=discord.ButtonStyle.success if approve else discord.ButtonStyle.danger,
                custom_id=f"kb:review:{action}:{practice_id}",
            )
        )
        self.approve = approve
        self.practice_id = practice_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ReviewButton:
        return cls(match["action"], record_id(match["practice_id"], what="practice"))

    async def handle(self, interaction: discord.Interaction) -> None:
        ensure_moderator(interaction)
        bot = coalition_bot(interaction)
        practice, waiting = await bot.db.transaction(
            decide_practice, practice_id=self.practice_id, moderator_id=interaction.user.id, approve=self.approve
        )
        verdict = N_("Approved — now searchable by {moderator}") if self.approve else N_("Rejected by {moderator}")
        decided = review_card(practice, waiting=waiting, language=member_locale(interaction))
        decided.colour = discord.Colour.green() if self.approve else discord.Colour.dark_grey()
        decided.set_author(name=for_member(interaction, verdict, moderator=interaction.user.display_name))
        await interaction.response.edit_message(embed=decided, view=None)
        if self.approve:
            done = for_member(interaction, "Submission #{number} approved — now searchable.", number=practice.id)
        else:
            done = for_member(interaction, "Submission #{number} rejected.", number=practice.id)
        if waiting:
            more = for_member(interaction, "{waiting} more waiting: run `/knowledge review` again.", waiting=waiting)
        else:
            more = for_member(interaction, "Nothing else is waiting.")
        await interaction.followup.send(f"{done} {more}", ephemeral=True)
        if practice.submitted_by:
            await tell_submitter(bot, practice.submitted_by, practice.title, self.approve)


async def tell_submitter(bot: CoalitionBot, user_id: int, title: str, approved: bool) -> None:
    """DM the member the verdict in the language they last acted in; a closed DM is not an error worth bothering
    the moderator with."""
    language = await bot.db.transaction(stored_locale, member_id=user_id)
    verdict = (
        N_(
            "Your practice submission “{title}” was approved and is now searchable with `/practice search`. "
            "Thank you for sharing!"
        )
        if approved
        else N_("Your practice submission “{title}” was not accepted this time. Thank you for sharing!")
    )
    try:
        user = bot.get_user(user_id) or await bot.fetch_user(user_id)
        await user.send(
            translate(language, verdict, title=discord.utils.escape_markdown(title)),
            allowed_mentions=discord.AllowedMentions.none(),
        )
    except discord.HTTPException as error:
        log.info("Could not DM submitter %s: %s", user_id, error)


def review_view(practice_id: int, language: str | None = None) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ReviewButton("approve", practice_id, language))
    view.add_item(ReviewButton("reject", practice_id, language))
    return view


# The custom id holds at most 100 characters: the prefix and as much of the query as fits.
SUGGEST_PREFIX = "kb:suggest:"
SUGGEST_QUERY_MAX = 100 - len(SUGGEST_PREFIX)


class SuggestPracticeButton(
    ReportingItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"kb:suggest:(?P<query>.*)",
):
    """ "Suggest a practice" under a lookup that found nothing good: the submission form, prefilled."""

    def __init__(self, query: str, language: str | None = None) -> None:
        self.query = " ".join(query.split())[:SUGGEST_QUERY_MAX]
        super().__init__(
            discord.ui.Button(
                label=translate(language, "Suggest a practice"),
                emoji="💡",
                style=discord.ButtonStyle.primary,
                custom_id=SUGGEST_PREFIX + self.query,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> SuggestPracticeButton:
        return cls(match["query"])

    async def handle(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(SubmitPracticeModal.prefilled(self.query, member_locale(interaction)))


def suggest_view(query: str, language: str | None = None) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(SuggestPracticeButton(query, language))
    return view


SHARE_A_PRACTICE = N_("Share a best practice")


class SubmitPracticeModal(ReportingModal, title=SHARE_A_PRACTICE):
    """The submission form, in the language of the member who opens it (labels and examples)."""

    def __init__(self, language: str | None = None) -> None:
        super().__init__(title=translate(language, SHARE_A_PRACTICE))

        def field(label: str, placeholder: str, **options: Any) -> discord.ui.TextInput[SubmitPracticeModal]:
            text = discord.ui.TextInput[SubmitPracticeModal](
                label=translate(language, label), placeholder=translate(language, placeholder), **options
            )
            self.add_item(text)
            return text

        self.practice_title = field(
            N_("Title"), N_("e.g. Regional teacher networks in Tromsø"), min_length=5, max_length=120
        )
        self.summary = field(
            N_("Summary"),
            N_("What is it, and why does it work? One or two sentences."),
            style=discord.TextStyle.paragraph,
            min_length=10,
            max_length=500,
        )
        self.details = field(
            N_("Details"),
            N_("How it is run, figures, what others should know"),
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=3000,
        )
        self.where = field(N_("Country or platform"), N_("e.g. Norway, or LUMA"), required=False, max_length=200)
        self.link = field(N_("Link"), "https://…", required=False, max_length=300)

    @classmethod
    def prefilled(cls, query: str, language: str | None = None) -> SubmitPracticeModal:
        """The form with the member's unanswered question as a starting title."""
        modal = cls(language)
        title = query.strip()[:120]
        # A title under the form's minimum would block sending; the placeholder then carries the question.
        if len(title) >= (modal.practice_title.min_length or 0):
            modal.practice_title.default = title
        else:
            modal.practice_title.placeholder = translate(language, "About “{title}”", title=title)[:100]
        return modal

    async def on_submit(self, interaction: discord.Interaction) -> None:
        submission = Submission(
            title=self.practice_title.value,
            summary=self.summary.value,
            details=self.details.value,
            where=self.where.value,
            link=self.link.value,
        )
        db = coalition_bot(interaction).db
        practice = await db.transaction(submit_practice, submission=submission, submitted_by=interaction.user.id)
        # The verdict comes later, by DM: in the language the member submitted in.
        await db.transaction(remember_locale, member_id=interaction.user.id, locale=member_locale(interaction))
        # Only now, after the commit, is the member told it is saved.
        await interaction.response.send_message(
            for_member(
                interaction,
                "Thank you! “{title}” is saved as submission #{number} and waits for a moderator's review. "
                "You'll get a DM when it is reviewed.",
                title=discord.utils.escape_markdown(practice.title),
                number=practice.id,
            ),
            ephemeral=True,
        )
