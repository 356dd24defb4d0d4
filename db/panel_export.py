"""A panel's questions as a file for moderators: CSV, Markdown or JSON."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Panel, QuestionEdit
from db.models.panels import ANSWERED, HIDDEN, OPEN, PENDING
from db.panels import RankedQuestion, panel_by_id, panelist_label, shown_author
from db.question_moderation import question_edits
from db.questions import list_questions
from rules.errors import InvalidInputError
from rules.folding import fold

EXPORT_FORMATS = ("csv", "markdown", "json")


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content: bytes
    count: int


EXPORT_COLUMNS = (
    "number", "text", "panelist", "status", "votes", "asked_at", "answered_at", "author", "author_name",
    "answer", "answer_by", "answer_by_name", "asked_as", "edits", "word_filter", "labels",
)  # fmt: skip
# A member's display name by Discord id, where the bot knows it (None: unknown, or left the server).
NameOf = Callable[[int], str | None]


# None where a question has no panelist or no answer yet: null in JSON, an empty cell in CSV (csv writes None so).
ExportRow = dict[str, str | int | None]


def _no_names(_member_id: int) -> str | None:
    return None


def _edit_line(edit: QuestionEdit, name_of: NameOf) -> str:
    by = name_of(edit.edited_by) or str(edit.edited_by)
    return f"{edit.edited_at.isoformat(timespec='seconds')} by {by}: “{edit.old_text}” → “{edit.new_text}”"


def _export_rows(
    ranked: list[RankedQuestion], edits: dict[int, list[QuestionEdit]], name_of: NameOf
) -> list[ExportRow]:
    rows: list[ExportRow] = []
    for item in sorted(ranked, key=lambda item: item.question.number):
        question = item.question
        # The Discord user id, which moderators can look up; an anonymous author stays anonymous here too.
        author = shown_author(question)
        rows.append(
            {
                "number": question.number,
                "text": question.text,
                "panelist": panelist_label(question.panelist) if question.panelist else None,
                "status": question.status,
                "votes": item.votes,
                "asked_at": question.asked_at.isoformat(timespec="seconds"),
                "answered_at": question.answered_at.isoformat(timespec="seconds") if question.answered_at else None,
                "author": "anonymous" if author is None else str(author),
                "author_name": None if author is None else name_of(author),
                "answer": question.answer_text,
                "answer_by": str(question.answer_by) if question.answer_by else None,
                "answer_by_name": name_of(question.answer_by) if question.answer_by else None,
                # The text as the member asked it, when the word filter or a moderator changed what is shown.
                "asked_as": question.original_text,
                "edits": " | ".join(_edit_line(edit, name_of) for edit in edits.get(question.id, [])) or None,
                "word_filter": question.filter_hits,
                "labels": "; ".join(question.labels or ()) or None,
            }
        )
    return rows


def readable_time(value: str | datetime, zone: ZoneInfo) -> str:
    """ "Thursday 3 December 2026, 15:05" in the panel's zone, for people reading the Markdown export."""
    instant = datetime.fromisoformat(value) if isinstance(value, str) else value
    local = instant.astimezone(zone)
    return f"{local:%A} {local.day} {local:%B %Y, %H:%M}"


def _person(member_id: str | int | None, name: str | int | None) -> str:
    if member_id in (None, "anonymous"):
        return "anonymous"
    return f"{name} ({member_id})" if name else str(member_id)


def _csv_cell(value: str | int | None) -> str | int | None:
    # A cell starting with = + - @ is run as a formula by spreadsheet apps; a leading quote keeps it text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _render_csv(rows: list[ExportRow]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS)
    writer.writeheader()
    writer.writerows({key: _csv_cell(value) for key, value in row.items()} for row in rows)
    return buffer.getvalue()


def _quote(text: str | int | None) -> list[str]:
    # Indented as a quote so a question that contains markdown cannot restructure the file.
    return [f"> {line}" if line else ">" for line in str(text).splitlines()]


def _render_markdown(panel: Panel, rows: list[ExportRow], zone: ZoneInfo) -> str:
    lines = [f"# {panel.title}", "", f"Panel opened {readable_time(panel.created_at, zone)} ({zone.key})."]
    if panel.panelists:
        lines += ["", "Panelists: " + "; ".join(panelist_label(p) for p in panel.panelists)]
    lines += ["", f"{len(rows)} questions.", ""]
    for row in rows:
        to = f" — to {row['panelist']}" if row["panelist"] else ""
        to += f" [{row['labels']}]" if row["labels"] else ""
        answered = f", answered {readable_time(str(row['answered_at']), zone)}" if row["answered_at"] else ""
        asker = _person(row["author"], row["author_name"])
        lines += [
            f"## #{row['number']} ({row['status']}, {row['votes']} votes){to}",
            "",
            *_quote(row["text"]),
            "",
            f"Asked {readable_time(str(row['asked_at']), zone)}{answered} by {asker}.",
            "",
        ]
        if row["answer"]:
            lines += [
                "**Answer** by " + _person(row["answer_by"], row["answer_by_name"]) + ":",
                "",
                *_quote(row["answer"]),
                "",
            ]
        if row["asked_as"]:
            lines += ["As asked:", "", *_quote(row["asked_as"]), ""]
        if row["word_filter"]:
            lines += [f"Word filter found: {row['word_filter']}.", ""]
        if row["edits"]:
            lines += ["Edits:", "", *(f"- {edit}" for edit in str(row["edits"]).split(" | ")), ""]
    return "\n".join(lines)


async def export_panel(
    session: AsyncSession, *, panel_id: int, fmt: str, name_of: NameOf = _no_names, zone: str = "UTC"
) -> ExportFile:
    """Every question of a panel as a file; anonymous authors are written as "anonymous", never their id.

    `name_of` gives the display names the bot knows, written next to the ids; Markdown dates are in `zone`.
    """
    if fmt not in EXPORT_FORMATS:
        raise InvalidInputError("Export as {formats}.", formats=", ".join(EXPORT_FORMATS))
    panel = await session.run_sync(panel_by_id, panel_id)
    ranked = await session.run_sync(list_questions, panel_id=panel_id, statuses=(PENDING, OPEN, ANSWERED, HIDDEN))
    rows = _export_rows(ranked, await question_edits(session, panel_id=panel_id), name_of)
    if fmt == "csv":
        content, extension = _render_csv(rows), "csv"
    elif fmt == "json":
        header = {"id": panel.id, "title": panel.title, "opened_at": panel.created_at.isoformat()}
        content = json.dumps({"panel": header, "questions": rows}, ensure_ascii=False, indent=2)
        extension = "json"
    else:
        content, extension = _render_markdown(panel, rows, ZoneInfo(zone)), "md"
    slug = re.sub(r"[^a-z0-9]+", "-", fold(panel.title)).strip("-")[:50] or "panel"
    return ExportFile(filename=f"panel-{panel.id}-{slug}.{extension}", content=content.encode(), count=len(rows))
