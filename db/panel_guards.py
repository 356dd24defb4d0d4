"""What question intake works out besides the text: a blocked member, the word filter's findings, the labels."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from db.models import Panel, PanelBlock, Panelist
from rules.errors import LimitError
from rules.labels import panel_labels, resolve_label
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


def question_labels(
    session: Session, *, panel: Panel, panelist: Panelist | None, label: str | None
) -> tuple[list[str], Panelist | None]:
    """The labels a new question carries and the panelist it is for: `to:` a panelist is that panelist's label,
    and a label naming a panelist addresses the question to them."""
    labels = [panelist.name] if panelist else []
    if label and label.strip():
        panelists = list(
            session.scalars(select(Panelist).where(Panelist.panel_id == panel.id).order_by(Panelist.position))
        )
        chosen = resolve_label(label, panel_labels(panel.topics, (p.name for p in panelists)))
        if chosen not in labels:
            labels.append(chosen)
        panelist = panelist or next((p for p in panelists if p.name == chosen), None)
    return labels, panelist
