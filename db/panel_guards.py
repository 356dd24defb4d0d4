"""Checks that run inside question intake and voting: a blocked member, and the word filter's findings."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from db.models import PanelBlock
from rules.errors import LimitError
from rules.word_filter import WordHit

_BLOCKED = select(PanelBlock.member_id).where(
    PanelBlock.panel_id == bindparam("panel_id"), PanelBlock.member_id == bindparam("member_id")
)
BLOCKED_MESSAGE = (
    "A moderator has paused your questions and votes on this panel, so this was not saved. "
    "If you think this is a mistake, please talk to a moderator."
)


def check_not_blocked(session: Session, *, panel_id: int, member_id: int) -> None:
    """Refuse a member a moderator blocked on this panel, before anything of theirs is stored."""
    if session.connection().execute(_BLOCKED, {"panel_id": panel_id, "member_id": member_id}).first():
        raise LimitError(BLOCKED_MESSAGE)


def hit_terms(hits: list[WordHit]) -> str | None:
    """The distinct terms found, for moderators: "fuck (en), arschloch (de)"."""
    terms = dict.fromkeys(f"{hit.term} ({hit.language})" for hit in hits)
    return ", ".join(terms)[:200] or None
