"""Replies for changes to one occurrence of a series (pure: an edit in, text out)."""

from __future__ import annotations

from cogs._text import inert
from cogs.events._embeds import stamp
from db.series import OccurrenceEdit

SCOPE_CHOICES = (("This occurrence only", "this"), ("This and all following", "following"))


def occurrence_reply(edit: OccurrenceEdit, notes: list[str]) -> str:
    """Say what happened to which occurrence, in timestamps each reader sees in their own zone."""
    title = f"**{inert(edit.event.title)}** (event #{edit.event.id})"
    if edit.successor is not None and edit.new_start is not None:
        lines = [
            f"✅ {title} now ends before {stamp(edit.old_start)}; from then on it continues as event "
            f"#{edit.successor.id}, starting {stamp(edit.new_start)} ({stamp(edit.new_start, 'R')}), "
            "with the same answers and reminder choices."
        ]
    elif edit.following:
        lines = [f"✅ {title} now ends before {stamp(edit.old_start)}: that occurrence and all after it are dropped."]
    elif edit.new_start is None:
        lines = [f"✅ The {stamp(edit.old_start)} occurrence of {title} is skipped; the rest of the series stays."]
    else:
        lines = [
            f"✅ The {stamp(edit.old_start)} occurrence of {title} now starts {stamp(edit.new_start)} "
            f"({stamp(edit.new_start, 'R')}); the rest of the series stays."
        ]
    lines.append(f"⏰ Its reminders follow ({len(edit.plan.added)} newly planned, {len(edit.plan.removed)} withdrawn).")
    return "\n".join(lines + notes)
