"""Replies for changes to one occurrence of a series (pure: an edit in, text out)."""

from __future__ import annotations

from cogs._text import inert
from cogs.events._embeds import stamp
from db.series import OccurrenceEdit
from rules.i18n import translate

SCOPE_CHOICES = (("This occurrence only", "this"), ("This and all following", "following"))


def occurrence_reply(edit: OccurrenceEdit, notes: list[str], language: str | None = None) -> str:
    """Say what happened to which occurrence, in timestamps each reader sees in their own zone."""
    title = f"**{inert(edit.event.title)}**"
    number, old = edit.event.id, stamp(edit.old_start)
    if edit.successor is not None and edit.new_start is not None:
        line = translate(
            language,
            "✅ {title} (event #{number}) now ends before {old}; from then on it continues as event #{successor}, "
            "starting {new} ({relative}), with the same answers and reminder choices.",
            title=title,
            number=number,
            old=old,
            successor=edit.successor.id,
            new=stamp(edit.new_start),
            relative=stamp(edit.new_start, "R"),
        )
    elif edit.following:
        line = translate(
            language,
            "✅ {title} (event #{number}) now ends before {old}: that occurrence and all after it are dropped.",
            title=title,
            number=number,
            old=old,
        )
    elif edit.new_start is None:
        line = translate(
            language,
            "✅ The {old} occurrence of {title} (event #{number}) is skipped; the rest of the series stays.",
            title=title,
            number=number,
            old=old,
        )
    else:
        line = translate(
            language,
            "✅ The {old} occurrence of {title} (event #{number}) now starts {new} ({relative}); the rest of the "
            "series stays.",
            title=title,
            number=number,
            old=old,
            new=stamp(edit.new_start),
            relative=stamp(edit.new_start, "R"),
        )
    follow = translate(
        language,
        "⏰ Its reminders follow ({added} newly planned, {removed} withdrawn).",
        added=len(edit.plan.added),
        removed=len(edit.plan.removed),
    )
    return "\n".join([line, follow, *notes])
