"""Pure renderers of the privacy commands: the export's summary, the forget warning and the forget report."""

from __future__ import annotations

import json
from typing import Any

from cogs._text import inert
from db.privacy import ForgetReport

NOTHING_HELD = "The bot holds nothing about you, so there is nothing to forget."


def _count(number: int, one: str, many: str | None = None) -> str:
    return f"{number} {one if number == 1 else many or one + 's'}"


def export_file_content(data: dict[str, Any]) -> bytes:
    """The export as the member downloads it: indented UTF-8 JSON, readable in any text editor."""
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def export_filename(member_id: int) -> str:
    return f"coalition-bot-data-{member_id}.json"


def data_summary(data: dict[str, Any]) -> list[str]:
    """One line per kind of data the bot holds about the member, in plain words; empty when it holds nothing."""
    lines = []
    questions = data["questions"]
    if questions:
        anonymous = sum(question["anonymous"] for question in questions)
        lines.append(_count(len(questions), "question") + (f" ({anonymous} anonymous)" if anonymous else ""))
    if data["votes"]:
        lines.append(_count(len(data["votes"]), "upvote"))
    answers = data["event_answers"]
    rsvps = sum(answer["rsvp"] is not None for answer in answers)
    opt_ins = sum(answer["dm_reminders"] for answer in answers)
    if rsvps:
        lines.append(_count(rsvps, "event answer") + " (Going / Maybe / Not going)")
    if opt_ins:
        lines.append(_count(opt_ins, "event") + " with DM reminders on")
    if data["reminder_dms"]:
        lines.append(_count(len(data["reminder_dms"]), "reminder DM") + " sent or planned for you")
    if data["calendar_feed"]:
        lines.append("your own calendar link (only its creation time; the link itself is not stored)")
    if data["event_notices"]:
        lines.append(_count(len(data["event_notices"]), "event change notice") + " sent or planned for you")
    if data["time_zone"]:
        lines.append(f"your time zone ({inert(data['time_zone']['zone'])})")
    if data["submitted_practices"]:
        lines.append(_count(len(data["submitted_practices"]), "submitted practice"))
    actions = sum(len(done) for done in data["moderator_actions"].values())
    if actions:
        lines.append(_count(actions, "moderator action"))
    return lines


def export_message(data: dict[str, Any]) -> str:
    lines = data_summary(data)
    if not lines:
        return "The bot holds nothing about you. The attached file shows the empty record."
    return (
        "Here is everything the bot holds about you, in the attached file (JSON, times in UTC):\n"
        + "\n".join(f"• {line}" for line in lines)
        + "\n\n`/privacy forget` erases it."
    )


def forget_warning(held: list[str]) -> str:
    """What forgetting will do, with what the bot holds about the member (`data_summary`), before they confirm."""
    return (
        "**Forget me** — this cannot be undone.\n"
        "**Deleted:** your upvotes, your event answers and DM-reminder settings (no reminder DMs you after "
        "this), the record of reminder DMs and event change notices to you, your calendar link, and your time zone.\n"
        "**Your name removed:** your questions stay as anonymous questions, so panel records stay whole; "
        "practices you submitted stay (still pending or published) without your name.\n"
        "**Kept:** what you did as a moderator (events, panels, decisions, reviews) — the coalition's record "
        "of who moderated what.\n\n"
        "The bot holds:\n" + "\n".join(f"• {line}" for line in held)
    )


def forget_report(report: ForgetReport) -> str:
    """What was forgotten, per kind."""
    if report.total == 0:
        return "There was nothing to forget: the bot held nothing about you."
    done = [
        (report.votes, _count(report.votes, "upvote") + " deleted"),
        (report.rsvps, _count(report.rsvps, "event answer") + " deleted"),
        (report.reminder_opt_ins, _count(report.reminder_opt_ins, "DM-reminder setting") + " deleted"),
        (report.reminder_dms, _count(report.reminder_dms, "reminder DM record") + " deleted"),
        (report.event_notices, _count(report.event_notices, "event change notice") + " deleted"),
        (report.calendar_feed, "your calendar link stopped"),
        (report.time_zone, "your time zone deleted"),
        (report.questions, _count(report.questions, "question") + " made anonymous (texts kept)"),
        (report.practices, _count(report.practices, "submitted practice") + " no longer carry your name"),
    ]
    return "✅ Done. The bot has forgotten you:\n" + "\n".join(f"• {line}" for number, line in done if number)
