"""Pure renderers: panels and questions in, embeds readable on a phone and on a projector out.

Member-written text (questions) always goes through `inert`, so it shows as typed and never pings.
"""

from __future__ import annotations

import discord

from cogs._text import bullets, inert, trim
from db.models import Panel, Panelist, Question
from db.models.panels import ANSWERED, HIDDEN, OPEN, PANEL_OPEN, PENDING
from db.panel_summary import PanelSummary
from db.panels import RankedQuestion, panelist_label, shown_author
from rules.i18n import N_, translate

PANEL_COLOUR = discord.Colour.from_rgb(0, 84, 147)
OPEN_COLOUR = discord.Colour.from_rgb(0, 133, 102)
NOW_COLOUR = discord.Colour.gold()
ANSWERED_COLOUR = discord.Colour.dark_grey()
PENDING_COLOUR = discord.Colour.orange()
CLOSED_COLOUR = discord.Colour.light_grey()
PAGE_SIZE = 6
WORD_FILTER_NOTES = {
    "off": "no word filter",
    "censor": "rude words shown as ***",
    "review": "questions with rude words wait for a moderator",
}
STATUS_LABELS = {
    "open": "Open questions",
    "answered": "Answered questions",
    "pending": "Questions waiting for approval",
    "hidden": "Hidden questions",
    "all": "All questions",
}


def asker(question: Question) -> str:
    """Who asked, as a mention that renders a name but never pings; "anonymous" hides them from everyone."""
    author = shown_author(question)
    return "anonymous" if author is None else f"<@{author}>"


def addressed(question: Question) -> str:
    """Who the question is for and its other labels (topics), for the question's heading."""
    to = f" · to {inert(question.panelist.name)}" if question.panelist else ""
    topics = [label for label in question.labels or () if not question.panelist or label != question.panelist.name]
    return to + (f" · 🏷️ {inert(', '.join(topics))}" if topics else "")


def _panelist_line(panelist: Panelist) -> str:
    line = f"**{inert(panelist.name)}**"
    if panelist.organisation:
        line += f" — {inert(panelist.organisation)}"
    if panelist.platform_slug:
        line += f" · `/platform show {panelist.platform_slug}`"
    return line


def panel_card(panel: Panel) -> discord.Embed:
    """The panel's card: title, panelists (linked to platform cards), topics, and how to take part."""
    is_open = panel.status == PANEL_OPEN
    embed = discord.Embed(
        title=trim(inert(panel.title), 256),
        description=(
            "Questions from the audience are open. Press **Ask a question** or use `/ask` here, "
            "and upvote the questions you want answered."
            if is_open
            else "🔒 Questions are closed. Thank you for taking part!"
        ),
        colour=PANEL_COLOUR if is_open else CLOSED_COLOUR,
    )
    embed.add_field(
        name="Panelists", value=trim("\n".join(_panelist_line(p) for p in panel.panelists), 1024), inline=False
    )
    if panel.topics:
        embed.add_field(name="Topics", value=bullets([trim(inert(t), 200) for t in panel.topics], 1024), inline=False)
    rules = ["moderated: questions appear after approval" if panel.moderated else "questions appear at once"]
    rules.append("anonymous questions welcome" if panel.anonymous_allowed else "questions show who asked")
    rules.append(WORD_FILTER_NOTES[panel.word_filter])
    embed.set_footer(text=f"Panel #{panel.id} · " + " · ".join(rules))
    return embed


def is_now_answering(question: Question) -> bool:
    return question.status == OPEN and question.highlighted_at is not None


def question_embed(question: Question) -> discord.Embed:
    """One question as posted in the channel; its state shows in the colour and the heading.

    The vote count is on the button under it, so a vote only has to change the button.
    """
    heading = f"Question #{question.number}{addressed(question)}"
    colour = OPEN_COLOUR
    if is_now_answering(question):
        heading, colour = f"🎙️ Now answering · {heading}", NOW_COLOUR
    elif question.status == ANSWERED:
        heading, colour = f"✅ Answered · {heading}", ANSWERED_COLOUR
    elif question.status == PENDING:
        heading, colour = f"⏳ Waiting for approval · {heading}", PENDING_COLOUR
    embed = discord.Embed(description=f"{trim(inert(question.text), 3900)}\n\n— {asker(question)}", colour=colour)
    embed.set_author(name=trim(heading, 256))
    if question.answer_text:
        embed.add_field(name="💬 Answer", value=trim(inert(question.answer_text), 1024), inline=False)
    return embed


def hidden_notice(question: Question) -> str:
    return f"*Question #{question.number} was hidden by a moderator.*"


def now_answering_embed(current: RankedQuestion) -> discord.Embed:
    """The projector view: the question in large type, who it is for and how many wanted it."""
    question = current.question
    embed = discord.Embed(
        title=f"🎙️ Now answering: #{question.number}",
        description=f"## {trim(inert(question.text), 3900)}",
        colour=NOW_COLOUR,
    )
    if question.panelist:
        embed.add_field(name="For", value=inert(panelist_label(question.panelist)), inline=True)
    embed.add_field(name="Votes", value=f"👍 {current.votes}", inline=True)
    embed.add_field(name="Asked by", value=asker(question), inline=True)
    return embed


def _question_line(item: RankedQuestion, *, limit: int = 300) -> tuple[str, str]:
    question = item.question
    state = {ANSWERED: " · ✅ answered", PENDING: " · ⏳ pending", HIDDEN: " · 🙈 hidden"}.get(question.status, "")
    name = trim(f"#{question.number} · 👍 {item.votes}{addressed(question)}{state}", 256)
    return name, f"{trim(inert(question.text), limit)}\n— {asker(question)}"


def question_pages(ranked: list[RankedQuestion], *, panel: Panel, sort: str, status: str) -> list[discord.Embed]:
    """Questions, a few per page, each with its number, votes, state and asker."""
    heading = f"{STATUS_LABELS[status]} · {'most upvoted' if sort == 'top' else 'newest'} first"
    if not ranked:
        empty = discord.Embed(title=trim(inert(panel.title), 256), description=f"{heading}: none yet.")
        return [empty]
    pages = []
    for start in range(0, len(ranked), PAGE_SIZE):
        embed = discord.Embed(title=trim(inert(panel.title), 256), description=heading, colour=PANEL_COLOUR)
        for item in ranked[start : start + PAGE_SIZE]:
            name, value = _question_line(item)
            embed.add_field(name=name, value=value, inline=False)
        embed.set_footer(text=f"{len(ranked)} question(s) · upvote with the 👍 button under each question")
        pages.append(embed)
    return pages


def top_questions_embed(panel: Panel, ranked: list[RankedQuestion]) -> discord.Embed:
    embed = discord.Embed(title=f"Top questions · {trim(inert(panel.title), 200)}", colour=PANEL_COLOUR)
    if not ranked:
        embed.description = "No open questions yet. Be the first to ask!"
    for item in ranked:
        name, value = _question_line(item, limit=200)
        embed.add_field(name=name, value=value, inline=False)
    return embed


def summary_embed(summary: PanelSummary) -> discord.Embed:
    """The closing summary: how many asked, voted and were answered, and the five most wanted questions."""
    embed = discord.Embed(
        title=f"🔒 Questions closed · {trim(inert(summary.panel.title), 200)}",
        description="Thank you for your questions!",
        colour=PANEL_COLOUR,
    )
    embed.add_field(name="Questions", value=str(summary.asked), inline=True)
    embed.add_field(name="Answered", value=str(summary.answered), inline=True)
    embed.add_field(name="Voters", value=str(summary.voters), inline=True)
    if summary.top:
        lines = [
            f"**#{item.question.number}** · 👍 {item.votes}"
            + (" · ✅" if item.question.status == ANSWERED else "")
            + f"\n{trim(inert(item.question.text), 180)}"
            for item in summary.top
        ]
        embed.add_field(name=f"Top {len(summary.top)}", value=trim("\n".join(lines), 1024), inline=False)
    if summary.written_answers:
        lines = [
            f"**#{question.number}** {trim(inert(question.text), 120)}"
            f"\n💬 {trim(inert(question.answer_text or ''), 240)}"
            for question in summary.written_answers
        ]
        embed.add_field(name="Written answers", value=trim("\n".join(lines), 1024), inline=False)
    if summary.pending:
        embed.set_footer(text=f"{summary.pending} question(s) were still waiting for approval.")
    return embed


def add_moderator_fields(embed: discord.Embed, question: Question) -> discord.Embed:
    """What only moderators see: the words the filter found and the text as the member wrote it."""
    if question.filter_hits:
        embed.add_field(name="Word filter", value=trim(inert(question.filter_hits), 1024), inline=False)
    if question.original_text:
        embed.add_field(name="As asked", value=trim(inert(question.original_text), 1024), inline=False)
    return embed


def queue_embed(question: Question, *, waiting: int) -> discord.Embed:
    """A question waiting for a moderator's Approve or Hide."""
    embed = add_moderator_fields(question_embed(question), question)
    embed.set_author(
        name=trim(f"⏳ For review · #{question.number}{addressed(question)} · {question.panel.title}", 256)
    )
    embed.set_footer(text=f"{waiting} question(s) waiting" if waiting > 1 else "Only this one is waiting")
    return embed


def decided_embed(question: Question, votes: int, *, verdict: str, moderator: str) -> discord.Embed:
    """A review message after the verdict, so other moderators see it was handled and by whom."""
    embed = question_embed(question)
    embed.set_footer(text=f"{verdict} by {moderator} · 👍 {votes}")
    if question.status == HIDDEN:
        embed.colour = ANSWERED_COLOUR
    return embed


# What the asker sees once their question is safely stored: (queued for review, anonymous) → text.
CONFIRMATIONS = {
    (True, False): N_("✅ Your question is **#{number}**, saved. A moderator will review it before it appears."),
    (True, True): N_(
        "✅ Your question is **#{number}**, saved anonymously. A moderator will review it before it appears."
    ),
    (False, False): N_("✅ Your question is **#{number}**, saved and posted. Others can now upvote it."),
    (False, True): N_("✅ Your question is **#{number}**, saved anonymously and posted. Others can now upvote it."),
}


def confirmation(question: Question, *, posted_to_queue: bool, locale: str | None = None) -> str:
    """What the asker sees once their question is safely stored, in their language."""
    return translate(locale, CONFIRMATIONS[(posted_to_queue, question.anonymous)], number=question.number)
