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
from rules.i18n import N_, translate, translate_plural

PANEL_COLOUR = discord.Colour.from_rgb(0, 84, 147)
OPEN_COLOUR = discord.Colour.from_rgb(0, 133, 102)
NOW_COLOUR = discord.Colour.gold()
ANSWERED_COLOUR = discord.Colour.dark_grey()
PENDING_COLOUR = discord.Colour.orange()
CLOSED_COLOUR = discord.Colour.light_grey()
PAGE_SIZE = 6
WORD_FILTER_NOTES = {
    "off": N_("no word filter"),
    "censor": N_("rude words shown as ***"),
    "review": N_("questions with rude words wait for a moderator"),
}
STATUS_LABELS = {
    "open": N_("Open questions"),
    "answered": N_("Answered questions"),
    "pending": N_("Questions waiting for approval"),
    "hidden": N_("Hidden questions"),
    "all": N_("All questions"),
}
# Renderers take the reader's language: the server's for what the channel sees, the member's for their own lists.


def asker(question: Question, language: str | None = None) -> str:
    """Who asked, as a mention that renders a name but never pings; "anonymous" hides them from everyone."""
    author = shown_author(question)
    return translate(language, "anonymous") if author is None else f"<@{author}>"


def addressed(question: Question, language: str | None = None) -> str:
    """Who the question is for and its other labels (topics), for the question's heading."""
    to = translate(language, " · to {name}", name=inert(question.panelist.name)) if question.panelist else ""
    topics = [label for label in question.labels or () if not question.panelist or label != question.panelist.name]
    return to + (f" · 🏷️ {inert(', '.join(topics))}" if topics else "")


def _panelist_line(panelist: Panelist) -> str:
    line = f"**{inert(panelist.name)}**"
    if panelist.organisation:
        line += f" — {inert(panelist.organisation)}"
    if panelist.platform_slug:
        line += f" · `/platform show {panelist.platform_slug}`"
    return line


def panel_card(panel: Panel, language: str | None = None) -> discord.Embed:
    """The panel's card: title, panelists (linked to platform cards), topics, and how to take part."""
    is_open = panel.status == PANEL_OPEN
    embed = discord.Embed(
        title=trim(inert(panel.title), 256),
        description=translate(
            language,
            "Questions from the audience are open. Press **Ask a question** or use `/ask` here, "
            "and upvote the questions you want answered."
            if is_open
            else "🔒 Questions are closed. Thank you for taking part!",
        ),
        colour=PANEL_COLOUR if is_open else CLOSED_COLOUR,
    )
    embed.add_field(
        name=translate(language, "Panelists"),
        value=trim("\n".join(_panelist_line(p) for p in panel.panelists), 1024),
        inline=False,
    )
    if panel.topics:
        embed.add_field(
            name=translate(language, "Topics"),
            value=bullets([trim(inert(t), 200) for t in panel.topics], 1024),
            inline=False,
        )
    rules = [
        translate(
            language,
            "moderated: questions appear after approval" if panel.moderated else "questions appear at once",
        ),
        translate(language, "anonymous questions welcome" if panel.anonymous_allowed else "questions show who asked"),
        translate(language, WORD_FILTER_NOTES[panel.word_filter]),
    ]
    embed.set_footer(text=translate(language, "Panel #{number}", number=panel.id) + " · " + " · ".join(rules))
    return embed


def is_now_answering(question: Question) -> bool:
    return question.status == OPEN and question.highlighted_at is not None


def question_embed(question: Question, language: str | None = None) -> discord.Embed:
    """One question as posted in the channel; its state shows in the colour and the heading.

    The vote count is on the button under it, so a vote only has to change the button.
    """
    heading = translate(language, "Question #{number}", number=question.number) + addressed(question, language)
    colour = OPEN_COLOUR
    if is_now_answering(question):
        heading, colour = translate(language, "🎙️ Now answering · {heading}", heading=heading), NOW_COLOUR
    elif question.status == ANSWERED:
        heading, colour = translate(language, "✅ Answered · {heading}", heading=heading), ANSWERED_COLOUR
    elif question.status == PENDING:
        heading, colour = translate(language, "⏳ Waiting for approval · {heading}", heading=heading), PENDING_COLOUR
    embed = discord.Embed(
        description=f"{trim(inert(question.text), 3900)}\n\n— {asker(question, language)}", colour=colour
    )
    embed.set_author(name=trim(heading, 256))
    if question.answer_text:
        embed.add_field(
            name=translate(language, "💬 Answer"), value=trim(inert(question.answer_text), 1024), inline=False
        )
    return embed


def hidden_notice(question: Question, language: str | None = None) -> str:
    return translate(language, "*Question #{number} was hidden by a moderator.*", number=question.number)


def now_answering_embed(current: RankedQuestion, language: str | None = None) -> discord.Embed:
    """The projector view: the question in large type, who it is for and how many wanted it."""
    question = current.question
    embed = discord.Embed(
        title=translate(language, "🎙️ Now answering: #{number}", number=question.number),
        description=f"## {trim(inert(question.text), 3900)}",
        colour=NOW_COLOUR,
    )
    if question.panelist:
        embed.add_field(name=translate(language, "For"), value=inert(panelist_label(question.panelist)), inline=True)
    embed.add_field(name=translate(language, "Votes"), value=f"👍 {current.votes}", inline=True)
    embed.add_field(name=translate(language, "Asked by"), value=asker(question, language), inline=True)
    return embed


# Who decided on a question under review, by action, in its review message.
VERDICTS = {
    "approve": N_("Approved by {moderator}"),
    "hide": N_("Hidden by {moderator}"),
    "answered": N_("Marked answered by {moderator}"),
}
# A question's state in a list, after its number and votes.
LISTED_STATES = {ANSWERED: N_(" · ✅ answered"), PENDING: N_(" · ⏳ pending"), HIDDEN: N_(" · 🙈 hidden")}


def _question_line(item: RankedQuestion, *, limit: int = 300, language: str | None = None) -> tuple[str, str]:
    question = item.question
    state = translate(language, LISTED_STATES[question.status]) if question.status in LISTED_STATES else ""
    name = trim(f"#{question.number} · 👍 {item.votes}{addressed(question, language)}{state}", 256)
    return name, f"{trim(inert(question.text), limit)}\n— {asker(question, language)}"


def question_pages(
    ranked: list[RankedQuestion], *, panel: Panel, sort: str, status: str, language: str | None = None
) -> list[discord.Embed]:
    """Questions, a few per page, each with its number, votes, state and asker."""
    order = N_("{questions} · most upvoted first") if sort == "top" else N_("{questions} · newest first")
    heading = translate(language, order, questions=translate(language, STATUS_LABELS[status]))
    if not ranked:
        empty = discord.Embed(
            title=trim(inert(panel.title), 256),
            description=translate(language, "{heading}: none yet.", heading=heading),
        )
        return [empty]
    pages = []
    for start in range(0, len(ranked), PAGE_SIZE):
        embed = discord.Embed(title=trim(inert(panel.title), 256), description=heading, colour=PANEL_COLOUR)
        for item in ranked[start : start + PAGE_SIZE]:
            name, value = _question_line(item, language=language)
            embed.add_field(name=name, value=value, inline=False)
        embed.set_footer(
            text=translate_plural(
                language,
                "{count} question · upvote with the 👍 button under each question",
                "{count} questions · upvote with the 👍 button under each question",
                len(ranked),
            )
        )
        pages.append(embed)
    return pages


def top_questions_embed(panel: Panel, ranked: list[RankedQuestion], language: str | None = None) -> discord.Embed:
    embed = discord.Embed(
        title=translate(language, "Top questions · {title}", title=trim(inert(panel.title), 200)), colour=PANEL_COLOUR
    )
    if not ranked:
        embed.description = translate(language, "No open questions yet. Be the first to ask!")
    for item in ranked:
        name, value = _question_line(item, limit=200, language=language)
        embed.add_field(name=name, value=value, inline=False)
    return embed


def summary_embed(summary: PanelSummary, language: str | None = None) -> discord.Embed:
    """The closing summary: how many asked, voted and were answered, and the five most wanted questions."""
    embed = discord.Embed(
        title=translate(language, "🔒 Questions closed · {title}", title=trim(inert(summary.panel.title), 200)),
        description=translate(language, "Thank you for your questions!"),
        colour=PANEL_COLOUR,
    )
    embed.add_field(name=translate(language, "Questions"), value=str(summary.asked), inline=True)
    embed.add_field(name=translate(language, "Answered"), value=str(summary.answered), inline=True)
    embed.add_field(name=translate(language, "Voters"), value=str(summary.voters), inline=True)
    if summary.top:
        lines = [
            f"**#{item.question.number}** · 👍 {item.votes}"
            + (" · ✅" if item.question.status == ANSWERED else "")
            + f"\n{trim(inert(item.question.text), 180)}"
            for item in summary.top
        ]
        embed.add_field(
            name=translate(language, "Top {count}", count=len(summary.top)),
            value=trim("\n".join(lines), 1024),
            inline=False,
        )
    if summary.written_answers:
        lines = [
            f"**#{question.number}** {trim(inert(question.text), 120)}"
            f"\n💬 {trim(inert(question.answer_text or ''), 240)}"
            for question in summary.written_answers
        ]
        embed.add_field(name=translate(language, "Written answers"), value=trim("\n".join(lines), 1024), inline=False)
    if summary.pending:
        embed.set_footer(
            text=translate_plural(
                language,
                "{count} question was still waiting for approval.",
                "{count} questions were still waiting for approval.",
                summary.pending,
            )
        )
    return embed


def add_moderator_fields(embed: discord.Embed, question: Question, language: str | None = None) -> discord.Embed:
    """What only moderators see: the words the filter found and the text as the member wrote it."""
    if question.filter_hits:
        embed.add_field(
            name=translate(language, "Word filter"), value=trim(inert(question.filter_hits), 1024), inline=False
        )
    if question.original_text:
        embed.add_field(
            name=translate(language, "As asked"), value=trim(inert(question.original_text), 1024), inline=False
        )
    return embed


def queue_embed(question: Question, *, waiting: int, language: str | None = None) -> discord.Embed:
    """A question waiting for a moderator's Approve or Hide."""
    embed = add_moderator_fields(question_embed(question, language), question, language)
    embed.set_author(
        name=trim(
            translate(
                language,
                "⏳ For review · #{number}{addressed} · {title}",
                number=question.number,
                addressed=addressed(question, language),
                title=question.panel.title,
            ),
            256,
        )
    )
    embed.set_footer(
        text=translate_plural(language, "{count} question waiting", "{count} questions waiting", waiting)
        if waiting > 1
        else translate(language, "Only this one is waiting")
    )
    return embed


def decided_embed(
    question: Question, votes: int, *, verdict: str, moderator: str, language: str | None = None
) -> discord.Embed:
    """A review message after the verdict, so other moderators see it was handled and by whom."""
    embed = question_embed(question, language)
    embed.set_footer(text=translate(language, VERDICTS[verdict], moderator=moderator) + f" · 👍 {votes}")
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
