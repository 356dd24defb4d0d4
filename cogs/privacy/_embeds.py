"""Pure renderers of the privacy commands, in the member's language: the export's summary, the forget warning and
the forget report."""

from __future__ import annotations

import json
from typing import Any

from cogs._text import inert
from db.privacy import ForgetReport
from rules.i18n import N_, translate, translate_plural

NOTHING_HELD = N_("The bot holds nothing about you, so there is nothing to forget.")


def export_file_content(data: dict[str, Any]) -> bytes:
    """The export as the member downloads it: indented UTF-8 JSON, readable in any text editor."""
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def export_filename(member_id: int) -> str:
    return f"coalition-bot-data-{member_id}.json"


def data_summary(data: dict[str, Any], locale: str | None) -> list[str]:
    """One line per kind of data the bot holds about the member, in plain words; empty when it holds nothing."""
    lines = []
    questions = data["questions"]
    if questions:
        anonymous = sum(question["anonymous"] for question in questions)
        lines.append(
            translate_plural(locale, "{count} question", "{count} questions", len(questions))
            + (translate(locale, " ({anonymous} anonymous)", anonymous=anonymous) if anonymous else "")
        )
    if data["votes"]:
        lines.append(translate_plural(locale, "{count} upvote", "{count} upvotes", len(data["votes"])))
    answers = data["event_answers"]
    rsvps = sum(answer["rsvp"] is not None for answer in answers)
    opt_ins = sum(answer["dm_reminders"] for answer in answers)
    if rsvps:
        lines.append(
            translate_plural(
                locale,
                "{count} event answer (Going / Maybe / Not going)",
                "{count} event answers (Going / Maybe / Not going)",
                rsvps,
            )
        )
    if opt_ins:
        lines.append(
            translate_plural(
                locale, "{count} event with DM reminders on", "{count} events with DM reminders on", opt_ins
            )
        )
    if data["reminder_dms"]:
        lines.append(
            translate_plural(
                locale,
                "{count} reminder DM sent or planned for you",
                "{count} reminder DMs sent or planned for you",
                len(data["reminder_dms"]),
            )
        )
    if data["calendar_feed"]:
        lines.append(
            translate(locale, "your own calendar link (only its creation time; the link itself is not stored)")
        )
    if data["event_notices"]:
        lines.append(
            translate_plural(
                locale,
                "{count} event change notice sent or planned for you",
                "{count} event change notices sent or planned for you",
                len(data["event_notices"]),
            )
        )
    if data["time_zone"]:
        lines.append(translate(locale, "your time zone ({zone})", zone=inert(data["time_zone"]["zone"])))
    if data["submitted_practices"]:
        lines.append(
            translate_plural(
                locale, "{count} submitted practice", "{count} submitted practices", len(data["submitted_practices"])
            )
        )
    actions = sum(len(done) for done in data["moderator_actions"].values())
    if actions:
        lines.append(translate_plural(locale, "{count} moderator action", "{count} moderator actions", actions))
    return lines


def export_message(data: dict[str, Any], locale: str | None) -> str:
    lines = data_summary(data, locale)
    if not lines:
        return translate(locale, "The bot holds nothing about you. The attached file shows the empty record.")
    return translate(
        locale,
        "Here is everything the bot holds about you, in the attached file (JSON, times in UTC):\n{lines}\n\n"
        "`/privacy forget` erases it.",
        lines="\n".join(f"• {line}" for line in lines),
    )


def forget_warning(held: list[str], locale: str | None) -> str:
    """What forgetting will do, with what the bot holds about the member (`data_summary`), before they confirm."""
    return translate(
        locale,
        "**Forget me** — this cannot be undone.\n"
        "**Deleted:** your upvotes, your event answers and DM-reminder settings (no reminder DMs you after "
        "this), the record of reminder DMs and event change notices to you, your calendar link, and your time zone.\n"
        "**Your name removed:** your questions stay as anonymous questions, so panel records stay whole; "
        "practices you submitted stay (still pending or published) without your name.\n"
        "**Kept:** what you did as a moderator (events, panels, decisions, reviews) — the coalition's record "
        "of who moderated what.\n\n"
        "The bot holds:\n{held}",
        held="\n".join(f"• {line}" for line in held),
    )


def forget_report(report: ForgetReport, locale: str | None) -> str:
    """What was forgotten, per kind."""
    if report.total == 0:
        return translate(locale, "There was nothing to forget: the bot held nothing about you.")
    done = [
        (report.votes, translate_plural(locale, "{count} upvote deleted", "{count} upvotes deleted", report.votes)),
        (
            report.rsvps,
            translate_plural(locale, "{count} event answer deleted", "{count} event answers deleted", report.rsvps),
        ),
        (
            report.reminder_opt_ins,
            translate_plural(
                locale,
                "{count} DM-reminder setting deleted",
                "{count} DM-reminder settings deleted",
                report.reminder_opt_ins,
            ),
        ),
        (
            report.reminder_dms,
            translate_plural(
                locale, "{count} reminder DM record deleted", "{count} reminder DM records deleted", report.reminder_dms
            ),
        ),
        (
            report.event_notices,
            translate_plural(
                locale,
                "{count} event change notice deleted",
                "{count} event change notices deleted",
                report.event_notices,
            ),
        ),
        (report.calendar_feed, translate(locale, "your calendar link stopped")),
        (report.time_zone, translate(locale, "your time zone deleted")),
        (
            report.questions,
            translate_plural(
                locale,
                "{count} question made anonymous (texts kept)",
                "{count} questions made anonymous (texts kept)",
                report.questions,
            ),
        ),
        (
            report.practices,
            translate_plural(
                locale,
                "{count} submitted practice no longer carries your name",
                "{count} submitted practices no longer carry your name",
                report.practices,
            ),
        ),
    ]
    return translate(
        locale,
        "✅ Done. The bot has forgotten you:\n{lines}",
        lines="\n".join(f"• {line}" for number, line in done if number),
    )
