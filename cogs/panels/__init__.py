"""Panel Q&A: /panel for moderators running a panel, /ask for the audience, upvotes as buttons."""

from __future__ import annotations

import asyncio
import io
import logging
import re
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.i18n import for_member, member_locale, plural_for_member
from cogs._checks import member_is_moderator, moderator_only
from cogs._choices import choices
from cogs._pagination import Paginator
from cogs._text import inert, trim
from cogs._views import answer
from cogs.panels._asking import AskButton, submit_question
from cogs.panels._blocks import UnblockButton, show_blocks
from cogs.panels._card import PlatformButton, TopButton, panel_view, refresh_panel_card
from cogs.panels._embeds import panel_card, question_pages, queue_embed, summary_embed
from cogs.panels._moderating import BlockButton, ModerateButton, NextButton, block, moderate, review_view, run_next
from cogs.panels._question_messages import VOTE_TEMPLATE, VoteButton, post_question, show_in_channel
from db.models import Panel, Question
from db.models.panels import ANSWERED, HIDDEN, OPEN, PENDING
from db.panel_export import export_panel
from db.panel_summary import close_panel_with_summary
from db.panels import (
    autocomplete_labels,
    autocomplete_panelists,
    autocomplete_panels,
    channel_panel,
    guild_panel,
    open_panel,
    pick_panel,
    reopen_panel,
    set_panel_message,
)
from db.question_moderation import answer_question, edit_question, unblock_asker
from db.questions import (
    autocomplete_questions,
    channel_question,
    channel_questions,
    next_pending_question,
    set_question_message,
    unposted_questions,
)
from db.screens import open_screen, revoke_screens
from rules.errors import InvalidInputError
from rules.i18n import N_, translate

if TYPE_CHECKING:
    from bot.client import CoalitionBot

log = logging.getLogger(__name__)

Status = Literal["open", "answered", "pending", "hidden", "all"]
STATUSES: dict[str, tuple[str, ...]] = {
    "open": (OPEN,),
    "answered": (ANSWERED,),
    "pending": (PENDING,),
    "hidden": (HIDDEN,),
    "all": (PENDING, OPEN, ANSWERED, HIDDEN),
}
VISIBLE = (OPEN, ANSWERED)
# What a moderator is told after /panel approve, hide or answered.
MODERATED = {
    "approve": N_("Question #{number} is approved and shown."),
    "hide": N_("Question #{number} is hidden."),
    "answered": N_("Question #{number} is marked answered."),
}
VOTE_ID = re.compile(VOTE_TEMPLATE)
# How far back a restart looks for questions it posted but could not record.
RECOVERY_HISTORY = 100
# Which questions each moderator command can act on, for its autocomplete.
ACTIONABLE = {
    "approve": (PENDING, HIDDEN),
    "hide": (PENDING, OPEN, ANSWERED),
    "answered": (OPEN,),
    "answer": (OPEN, ANSWERED),
    "any": (PENDING, OPEN, ANSWERED, HIDDEN),
}


def _channel_id(interaction: discord.Interaction) -> int:
    assert interaction.channel_id is not None
    return interaction.channel_id


def _guild_id(interaction: discord.Interaction) -> int:
    assert interaction.guild_id is not None
    return interaction.guild_id


class Panels(commands.Cog):
    # Every /panel subcommand is for moderators, so Discord can hide the whole group from members; what members
    # use (/ask, /questions) is top level.
    panel = app_commands.Group(
        name="panel",
        description="Run panel Q&A: open, moderate, answer, close (moderators)",
        guild_only=True,
        default_permissions=discord.Permissions(manage_messages=True),
    )
    screen = app_commands.Group(name="screen", description="The panel's questions live on a big screen", parent=panel)

    def __init__(self, bot: CoalitionBot) -> None:
        self.bot = bot
        self.recovery: asyncio.Task[None] | None = None

    async def cog_load(self) -> None:
        self.recovery = asyncio.create_task(self.post_unposted_questions())

    async def cog_unload(self) -> None:
        if self.recovery is not None:
            self.recovery.cancel()

    async def post_unposted_questions(self) -> None:
        """Post questions saved but not posted because the bot stopped in between, without posting twice.

        A stop between posting a question and saving its message id leaves a posted question that looks
        unposted; its message is found in the channel's recent history by its vote button and adopted.
        """
        await self.bot.wait_until_ready()
        questions = await self.bot.db.read(unposted_questions)
        if not questions:
            return
        already_posted = await self.posted_vote_messages({item.question.panel.channel_id for item in questions})
        adopted = 0
        for question, votes in ((item.question, item.votes) for item in questions):
            message_id = already_posted.get(question.id)
            if message_id is None:
                await post_question(self.bot, question, votes)
                continue
            await self.bot.db.transaction(set_question_message, question_id=question.id, message_id=message_id)
            question.message_id = message_id
            await show_in_channel(self.bot, question, votes)
            adopted += 1
        log.info("Recovered %d question(s) saved before a restart (%d found already posted)", len(questions), adopted)

    async def posted_vote_messages(self, channel_ids: set[int]) -> dict[int, int]:
        """Question id → id of a recent bot message carrying that question's vote button."""
        found: dict[int, int] = {}
        for channel_id in channel_ids:
            try:
                async for message in self.bot.get_partial_messageable(channel_id).history(limit=RECOVERY_HISTORY):
                    if self.bot.user is None or message.author.id != self.bot.user.id:
                        continue
                    for row in message.components:
                        for child in getattr(row, "children", []):
                            matched = VOTE_ID.fullmatch(getattr(child, "custom_id", None) or "")
                            if matched:
                                found.setdefault(int(matched["question_id"]), message.id)
            except discord.HTTPException as error:
                log.info("Could not read recent messages of channel %s: %s", channel_id, error)
        return found

    async def _pick_panel(self, interaction: discord.Interaction, panel_id: int | None) -> Panel:
        """The panel a moderator picked (autocomplete), else the channel's."""
        return await self.bot.db.read(
            pick_panel, guild_id=_guild_id(interaction), channel_id=_channel_id(interaction), panel_id=panel_id
        )

    # --- autocomplete -------------------------------------------------------------------------------------

    # Autocompletes and listings read through the reader: during a live panel they do not wait for the
    # write connection that questions and votes keep busy.
    async def panelists(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        found = await self.bot.db.read(autocomplete_panelists, channel_id=_channel_id(interaction), current=current)
        return choices(found)

    async def labels(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        found = await self.bot.db.read(autocomplete_labels, channel_id=_channel_id(interaction), current=current)
        return choices(found)

    async def panels(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[int]]:
        found = await self.bot.db.read(autocomplete_panels, guild_id=_guild_id(interaction), current=current)
        return choices(found)

    async def _questions(
        self, interaction: discord.Interaction, current: str, action: str
    ) -> list[app_commands.Choice[int]]:
        found = await self.bot.db.read(
            autocomplete_questions, channel_id=_channel_id(interaction), current=current, statuses=ACTIONABLE[action]
        )
        return choices(found)

    async def approvable(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[int]]:
        return await self._questions(interaction, current, "approve")

    async def hideable(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[int]]:
        return await self._questions(interaction, current, "hide")

    async def answerable(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[int]]:
        return await self._questions(interaction, current, "answered")

    async def writable(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[int]]:
        return await self._questions(interaction, current, "answer")

    async def any_question(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[int]]:
        return await self._questions(interaction, current, "any")

    # --- /ask ---------------------------------------------------------------------------------------------

    @app_commands.command(name="ask")
    @app_commands.guild_only()
    @app_commands.describe(
        question="Your question for the panel",
        to="A panelist the question is for (optional)",
        anonymous="Hide your name from everyone (if the panel allows it)",
        label="A topic or panelist of the panel the question is about (optional)",
    )
    @app_commands.autocomplete(to=panelists, label=labels)
    async def ask(
        self,
        interaction: discord.Interaction,
        question: str,
        to: str | None = None,
        anonymous: bool = False,
        label: str | None = None,
    ) -> None:
        """Ask the panel in this channel a question; others can upvote it."""
        await submit_question(interaction, panel_id=None, text=question, to=to, anonymous=anonymous, label=label)

    # --- /panel: running a panel --------------------------------------------------------------------------

    @panel.command(name="open")
    @moderator_only("manage_messages")
    @app_commands.describe(
        title="e.g. EU STEM Coalition and STEM platforms across Europe",
        panelists="Name (Organisation); … — e.g. Jan Lundell (LUMA Centre Finland); Mikkel Bohm (Astra)",
        topics="Optional: topics separated by ; — e.g. Industry involvement; Urgent challenges",
        moderated="Questions wait for a moderator's approval before they appear (default: off)",
        anonymous="Members may ask anonymously (default: yes)",
        channel="Where the audience asks (default: this channel)",
        moderator_channel="Where moderators review questions of a moderated panel (default: MODERATOR_CHANNEL_ID)",
        word_filter="Rude words in nine languages: shown as *** (censor), held for approval (review), or off",
        panelist_role="Members with this role may write answers to the questions with /answer",
    )
    async def panel_open(
        self,
        interaction: discord.Interaction,
        title: str,
        panelists: str,
        topics: str | None = None,
        moderated: bool = False,
        anonymous: bool = True,
        channel: discord.TextChannel | None = None,
        moderator_channel: discord.TextChannel | None = None,
        word_filter: Literal["censor", "review", "off"] = "censor",
        panelist_role: discord.Role | None = None,
    ) -> None:
        """Open audience questions for a panel and post its card (moderators only)."""
        channel_id = channel.id if channel else _channel_id(interaction)
        panel = await self.bot.db.transaction(
            open_panel,
            guild_id=_guild_id(interaction),
            channel_id=channel_id,
            title=title,
            panelists=panelists,
            topics=topics,
            moderated=moderated,
            anonymous_allowed=anonymous,
            created_by=interaction.user.id,
            moderator_channel_id=moderator_channel.id if moderator_channel else None,
            word_filter=word_filter,
            panelist_role_id=panelist_role.id if panelist_role else None,
        )
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            card = await self.bot.get_partial_messageable(channel_id).send(
                embed=panel_card(panel, self.bot.settings.server_language),
                view=panel_view(panel, self.bot.settings.server_language),
            )
        except discord.HTTPException:
            await answer(
                interaction,
                for_member(
                    interaction,
                    "The panel is open, but I cannot post in <#{channel_id}>. Give me Send Messages and Embed Links "
                    "there; members can already use `/ask`.",
                    channel_id=channel_id,
                ),
            )
            return
        await self.bot.db.transaction(set_panel_message, panel_id=panel.id, message_id=card.id)
        opened = N_("Panel “{title}” is open in <#{channel_id}>.")
        if moderated and not (moderator_channel or self.bot.settings.moderator_channel_id):
            opened = N_(
                "Panel “{title}” is open in <#{channel_id}>. Questions wait for approval: review them with "
                "`/panel queue`."
            )
        await answer(interaction, for_member(interaction, opened, title=inert(panel.title), channel_id=channel_id))

    @app_commands.command(name="questions")
    @app_commands.guild_only()
    @app_commands.describe(
        sort="Most upvoted or newest first",
        status="Which questions to list",
        label="Only questions with this topic or for this panelist",
    )
    @app_commands.autocomplete(label=labels)
    async def panel_questions(
        self,
        interaction: discord.Interaction,
        sort: Literal["top", "new"] = "top",
        status: Status = "open",
        label: str | None = None,
    ) -> None:
        """List this channel's panel questions, a page at a time."""
        moderator = member_is_moderator(interaction)
        if status in ("pending", "hidden") and not moderator:
            raise InvalidInputError("Only moderators can list pending or hidden questions.")
        statuses = STATUSES[status] if moderator else tuple(s for s in STATUSES[status] if s in VISIBLE)
        panel, ranked = await self.bot.db.read(
            channel_questions, channel_id=_channel_id(interaction), statuses=statuses, sort=sort, label=label
        )
        pages = question_pages(ranked, panel=panel, sort=sort, status=status, language=member_locale(interaction))
        await Paginator.send(interaction, pages, ephemeral=True)

    @panel.command(name="next")
    @moderator_only("manage_messages")
    async def panel_next(self, interaction: discord.Interaction) -> None:
        """Mark the current question answered and put the most upvoted open one up (moderators only)."""
        panel = await self.bot.db.read(channel_panel, channel_id=_channel_id(interaction), open_only=True)
        await run_next(interaction, panel.id)

    async def _numbered_question(self, interaction: discord.Interaction, number: int) -> Question:
        """Question #number of this channel's panel, as a moderator named it."""
        return await self.bot.db.read(channel_question, channel_id=_channel_id(interaction), number=number)

    async def _moderate_number(self, interaction: discord.Interaction, action: str, number: int) -> None:
        target = await self._numbered_question(interaction, number)
        question, votes = await moderate(
            self.bot, action=action, question_id=target.id, moderator_id=interaction.user.id
        )
        await answer(interaction, for_member(interaction, MODERATED[action], number=question.number))
        await show_in_channel(self.bot, question, votes)

    @panel.command(name="answered")
    @moderator_only("manage_messages")
    @app_commands.describe(question="The question's number, e.g. 12")
    @app_commands.autocomplete(question=answerable)
    async def panel_answered(self, interaction: discord.Interaction, question: app_commands.Range[int, 1]) -> None:
        """Mark a question answered (moderators only)."""
        await self._moderate_number(interaction, "answered", question)

    @panel.command(name="hide")
    @moderator_only("manage_messages")
    @app_commands.describe(question="The question's number, e.g. 12")
    @app_commands.autocomplete(question=hideable)
    async def panel_hide(self, interaction: discord.Interaction, question: app_commands.Range[int, 1]) -> None:
        """Hide a question from everyone; it stays in the export (moderators only)."""
        await self._moderate_number(interaction, "hide", question)

    @panel.command(name="approve")
    @moderator_only("manage_messages")
    @app_commands.describe(question="The question's number, e.g. 12")
    @app_commands.autocomplete(question=approvable)
    async def panel_approve(self, interaction: discord.Interaction, question: app_commands.Range[int, 1]) -> None:
        """Show a question waiting for approval, or one hidden by mistake (moderators only)."""
        await self._moderate_number(interaction, "approve", question)

    # Top level and not moderator_only: the panel's panelists answer too (the service decides), and Discord hides
    # every /panel subcommand from members without Manage Messages.
    @app_commands.command(name="answer")
    @app_commands.guild_only()
    @app_commands.describe(question="The question's number, e.g. 12", text="A short written answer (1,000 characters)")
    @app_commands.autocomplete(question=writable)
    async def panel_answer(
        self, interaction: discord.Interaction, question: app_commands.Range[int, 1], text: str
    ) -> None:
        """Attach a short written answer to a question, shown under it and in the export (moderators, panelists)."""
        target = await self._numbered_question(interaction, question)
        answered = await self.bot.db.transaction(
            answer_question,
            question_id=target.id,
            member_id=interaction.user.id,
            text=text,
            moderator=member_is_moderator(interaction),
            role_ids=[role.id for role in getattr(interaction.user, "roles", ())],
        )
        await answer(
            interaction, for_member(interaction, "Question #{number} now carries your written answer.", number=question)
        )
        await show_in_channel(self.bot, answered.question, answered.votes)

    @panel.command(name="edit")
    @moderator_only("manage_messages")
    @app_commands.describe(question="The question's number, e.g. 12", text="The question's new text")
    @app_commands.autocomplete(question=any_question)
    async def panel_edit(
        self, interaction: discord.Interaction, question: app_commands.Range[int, 1], text: str
    ) -> None:
        """Fix a question's text (a typo, a name removed); the original stays in the export (moderators only)."""
        target = await self._numbered_question(interaction, question)
        edited = await self.bot.db.transaction(
            edit_question, question_id=target.id, moderator_id=interaction.user.id, text=text
        )
        await answer(
            interaction,
            for_member(
                interaction,
                "Question #{number} now reads: “{text}”.",
                number=question,
                text=inert(trim(edited.question.text, 300)),
            ),
        )
        await show_in_channel(self.bot, edited.question, edited.votes)

    @panel.command(name="block")
    @moderator_only("manage_messages")
    @app_commands.describe(question="A question of the member to block, e.g. 12")
    @app_commands.autocomplete(question=any_question)
    async def panel_block(self, interaction: discord.Interaction, question: app_commands.Range[int, 1]) -> None:
        """Stop whoever asked a question from asking and voting on this panel, even if anonymous (moderators only)."""
        target = await self._numbered_question(interaction, question)
        await block(interaction, target.id)

    @panel.command(name="unblock")
    @moderator_only("manage_messages")
    @app_commands.describe(question="The question the member was blocked for (or any other of theirs)")
    @app_commands.autocomplete(question=any_question)
    async def panel_unblock(self, interaction: discord.Interaction, question: app_commands.Range[int, 1]) -> None:
        """Let the asker of a question ask and vote on this panel again (moderators only)."""
        target = await self._numbered_question(interaction, question)
        await self.bot.db.transaction(unblock_asker, question_id=target.id)
        await answer(
            interaction,
            for_member(interaction, "The asker of #{number} can ask and vote on this panel again.", number=question),
        )

    @panel.command(name="blocked")
    @moderator_only("manage_messages")
    @app_commands.describe(panel="Which panel (default: the one in this channel)")
    @app_commands.autocomplete(panel=panels)
    async def panel_blocked(self, interaction: discord.Interaction, panel: int | None = None) -> None:
        """Who is blocked on the panel, with a button to let each back; anonymous askers stay unnamed (moderators)."""
        chosen = await self._pick_panel(interaction, panel)
        await show_blocks(interaction, panel_id=chosen.id, title=chosen.title)

    @panel.command(name="queue")
    @moderator_only("manage_messages")
    @app_commands.describe(panel="Which panel (default: the one in this channel)")
    @app_commands.autocomplete(panel=panels)
    async def panel_queue(self, interaction: discord.Interaction, panel: int | None = None) -> None:
        """Review the next question waiting for approval (moderators only)."""
        chosen = await self._pick_panel(interaction, panel)
        question, waiting = await self.bot.db.read(next_pending_question, panel_id=chosen.id)
        if question is None:
            await answer(
                interaction,
                for_member(
                    interaction, "No question of “{title}” is waiting for approval. 🎉", title=inert(chosen.title)
                ),
            )
            return
        await interaction.response.send_message(
            embed=queue_embed(question, waiting=waiting, language=member_locale(interaction)),
            view=review_view(question, member_locale(interaction)),
            ephemeral=True,
        )

    @panel.command(name="close")
    @moderator_only("manage_messages")
    async def panel_close(self, interaction: discord.Interaction) -> None:
        """Stop taking questions and post a summary (moderators only)."""
        summary = await self.bot.db.transaction(close_panel_with_summary, channel_id=_channel_id(interaction))
        await interaction.response.send_message(embed=summary_embed(summary, self.bot.settings.server_language))
        await refresh_panel_card(self.bot, summary.panel)

    @panel.command(name="reopen")
    @moderator_only("manage_messages")
    async def panel_reopen(self, interaction: discord.Interaction) -> None:
        """Take questions again on this channel's last panel (moderators only)."""
        panel = await self.bot.db.transaction(reopen_panel, channel_id=_channel_id(interaction))
        await interaction.response.send_message(
            translate(
                self.bot.settings.server_language,
                "🔓 Questions are open again for “{title}”.",
                title=inert(panel.title),
            )
        )
        await refresh_panel_card(self.bot, panel)

    @panel.command(name="export")
    @moderator_only("manage_messages")
    @app_commands.describe(panel="Which panel (start typing its title)", format="File format")
    @app_commands.autocomplete(panel=panels)
    async def panel_export(
        self, interaction: discord.Interaction, panel: int, format: Literal["csv", "markdown", "json"] = "csv"
    ) -> None:
        """Download every question of a panel as a file (moderators only)."""
        chosen = await self.bot.db.read(guild_panel, panel_id=panel, guild_id=_guild_id(interaction))
        export = await self.bot.db.transaction(
            export_panel,
            panel_id=chosen.id,
            fmt=format,
            name_of=self.display_name,
            zone=self.bot.settings.default_timezone,
        )
        await interaction.response.send_message(
            plural_for_member(
                interaction,
                "{count} question from “{title}”. Anonymous questions show no author.",
                "{count} questions from “{title}”. Anonymous questions show no author.",
                export.count,
                title=inert(chosen.title),
            ),
            file=discord.File(io.BytesIO(export.content), filename=export.filename),
            ephemeral=True,
        )

    def display_name(self, member_id: int) -> str | None:
        """The name the bot knows for a member (from its cache: no lookup per row), for readable exports."""
        user = self.bot.get_user(member_id)
        return user.display_name if user else None

    # --- /panel screen: the presenter view ------------------------------------------------------------------

    @screen.command(name="open")
    @moderator_only("manage_messages")
    @app_commands.describe(panel="Which panel (default: the one in this channel)")
    @app_commands.autocomplete(panel=panels)
    async def screen_open(self, interaction: discord.Interaction, panel: int | None = None) -> None:
        """A private link that shows the panel's questions live on a projector (moderators only)."""
        base_url = self.bot.settings.web_base_url
        if base_url is None:
            raise InvalidInputError("The web views are off. An admin can turn them on with WEB_PORT (see docs/web.md).")
        chosen = await self._pick_panel(interaction, panel)
        token = await self.bot.db.transaction(open_screen, panel_id=chosen.id, created_by=interaction.user.id)
        await answer(
            interaction,
            for_member(
                interaction,
                "Presenter screen for “{title}” — open it on the projector's computer:\n<{link}>\n"
                "It shows the question being answered and the top questions, live, and never who asked. Anyone with "
                "the link can watch: keep it private. `/panel screen revoke` turns off every link of this panel.",
                title=inert(chosen.title),
                link=f"{base_url}/screen/{token}",
            ),
        )

    @screen.command(name="revoke")
    @moderator_only("manage_messages")
    @app_commands.describe(panel="Which panel (default: the one in this channel)")
    @app_commands.autocomplete(panel=panels)
    async def screen_revoke(self, interaction: discord.Interaction, panel: int | None = None) -> None:
        """Turn off every presenter link of the panel; open screens go blank (moderators only)."""
        chosen = await self._pick_panel(interaction, panel)
        revoked = await self.bot.db.transaction(revoke_screens, panel_id=chosen.id)
        if not revoked:
            await answer(
                interaction, for_member(interaction, "“{title}” had no working screen link.", title=inert(chosen.title))
            )
            return
        await answer(
            interaction,
            plural_for_member(
                interaction,
                "Revoked {count} screen link of “{title}”; it shows nothing now.",
                "Revoked {count} screen links of “{title}”; they show nothing now.",
                revoked,
                title=inert(chosen.title),
            ),
        )


# Every button is a DynamicItem whose custom_id carries ids only (`panel:vote:<question_id>`); the state lives
# in the database, so buttons keep working after a restart.
DYNAMIC_ITEMS = (
    AskButton,
    TopButton,
    PlatformButton,
    VoteButton,
    ModerateButton,
    NextButton,
    BlockButton,
    UnblockButton,
)


async def setup(bot: CoalitionBot) -> None:
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    await bot.add_cog(Panels(bot))
