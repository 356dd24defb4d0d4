"""A panel's questions as a file for moderators: CSV, Markdown or JSON."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Panel
from db.models.panels import ANSWERED, HIDDEN, OPEN, PENDING
from db.panels import RankedQuestion, panel_by_id, panelist_label, shown_author
from db.questions import list_questions
from rules.errors import InvalidInputError
from rules.folding import fold

EXPORT_FORMATS = ("csv", "markdown", "json")


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content: bytes
    count: int


EXPORT_COLUMNS = ("number", "text", "panelist", "status", "votes", "asked_at", "answered_at", "author")


# None where a question has no panelist or no answer yet: null in JSON, an empty cell in CSV (csv writes None so).
ExportRow = dict[str, str | int | None]


def _export_rows(ranked: list[RankedQuestion]) -> list[ExportRow]:
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
            }
        )
    return rows


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


def _render_markdown(panel: Panel, rows: list[ExportRow]) -> str:
    lines = [f"# {panel.title}", "", f"Panel opened {panel.created_at.isoformat(timespec='minutes')} UTC."]
    if panel.panelists:
        lines += ["", "Panelists: " + "; ".join(panelist_label(p) for p in panel.panelists)]
    lines += ["", f"{len(rows)} questions.", ""]
    for row in rows:
        to = f" — to {row['panelist']}" if row["panelist"] else ""
        answered = f", answered {row['answered_at']}" if row["answered_at"] else ""
        lines += [
            f"## #{row['number']} ({row['status']}, {row['votes']} votes){to}",
            "",
            # Indented as a quote so a question that contains markdown cannot restructure the file.
            *(f"> {line}" if line else ">" for line in str(row["text"]).splitlines()),
            "",
            f"Asked {row['asked_at']}{answered} by {row['author']}.",
            "",
        ]
    return "\n".join(lines)


async def export_panel(session: AsyncSession, *, panel_id: int, fmt: str) -> ExportFile:
    """Every question of a panel as a file; anonymous authors are written as "anonymous", never their id."""
    if fmt not in EXPORT_FORMATS:
        raise InvalidInputError(f"Export as {', '.join(EXPORT_FORMATS)}.")
    panel = await session.run_sync(panel_by_id, panel_id)
    ranked = await session.run_sync(list_questions, panel_id=panel_id, statuses=(PENDING, OPEN, ANSWERED, HIDDEN))
    rows = _export_rows(ranked)
    if fmt == "csv":
        content, extension = _render_csv(rows), "csv"
    elif fmt == "json":
        header = {"id": panel.id, "title": panel.title, "opened_at": panel.created_at.isoformat()}
        content = json.dumps({"panel": header, "questions": rows}, ensure_ascii=False, indent=2)
        extension = "json"
    else:
        content, extension = _render_markdown(panel, rows), "md"
    slug = re.sub(r"[^a-z0-9]+", "-", fold(panel.title)).strip("-")[:50] or "panel"
    return ExportFile(filename=f"panel-{panel.id}-{slug}.{extension}", content=content.encode(), count=len(rows))
