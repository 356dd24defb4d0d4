"""The presenter screen's words in the server's language: the page around the questions, and the counts that
come with each snapshot (plural forms need the catalogue, which the browser does not have).

The screen is public, like an announcement, so it follows SERVER_LANGUAGE; members' questions, names and
answers stay as written.
"""

from __future__ import annotations

import html
from typing import Any

from db.screens import ScreenSnapshot
from rules.i18n import command_text, language_for, translate, translate_plural


def page_texts(language: str) -> dict[str, str]:
    """The fixed texts of screen.html, by placeholder name, escaped for HTML."""
    texts = {
        "lang": language_for(language),
        "questions": translate(language, "questions"),
        "now_answering": translate(language, "Now answering"),
        "now_empty": translate(language, "The moderator puts the next question up here."),
        "top_questions": translate(language, "Top questions"),
        "top_empty": translate(language, "No open questions yet. Ask with {command} in Discord.", command="\0"),
        "answered": translate(language, "Answered"),
        "connecting": translate(language, "Connecting…"),
        "live": translate(language, "Live"),
        "reconnecting": translate(language, "Reconnecting…"),
        "revoked": translate(language, "This screen link was revoked."),
        "broken": translate(language, "This screen link no longer works."),
    }
    escaped = {name: html.escape(text) for name, text in texts.items()}
    # The command, bold, under the name Discord shows in that language: the one piece of markup, after escaping.
    ask = html.escape("/" + (command_text(language, "ask", name=True) or "ask"))
    escaped["top_empty"] = escaped["top_empty"].replace("\0", f"<b>{ask}</b>")
    return escaped


def _question(question: dict[str, Any], language: str) -> dict[str, Any]:
    votes = translate_plural(language, "{count} vote", "{count} votes", question["votes"])
    panelist = question["panelist"]
    to = translate(language, "for {panelist}", panelist=panelist) if panelist else ""
    return {**question, "votes_text": votes, "to_text": to}


def screen_json(snapshot: ScreenSnapshot, language: str) -> dict[str, Any]:
    """What the page receives: the snapshot's plain values, with the sentences around them in `language`."""
    data = snapshot.to_json()
    data["now_answering"] = _question(data["now_answering"], language) if data["now_answering"] else None
    for key in ("top", "answers"):
        data[key] = [_question(question, language) for question in data[key]]
    data["top_by_label"] = {
        label: [_question(question, language) for question in questions]
        for label, questions in data["top_by_label"].items()
    }
    counts = translate(
        language, "{asked} asked · {answered} answered", asked=snapshot.asked, answered=snapshot.answered
    )
    data["counts_text"] = counts if snapshot.open else f"{counts} · {translate(language, 'questions closed')}"
    return data
