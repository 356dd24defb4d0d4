"""Knowledge gaps: what members looked up and did not find well, counted by normalised query; never who asked."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import KnowledgeGap
from db.models.base import utcnow

QUERY_MAX = 200


def normalise_query(query: str) -> str:
    """One spelling per question: case, spacing and surrounding punctuation do not make a new gap."""
    text = unicodedata.normalize("NFKC", query).casefold()
    text = re.sub(r"\s+", " ", text).strip(" \t?!.,;:\"'“”‘’()[]")
    return text[:QUERY_MAX]


def record_gap(session: Session, *, query: str, now: datetime | None = None) -> None:
    """Count one lookup that found nothing or only weak matches."""
    normalised = normalise_query(query)
    if not normalised:
        return
    seen = now or utcnow()
    gap = session.scalar(select(KnowledgeGap).where(KnowledgeGap.query == normalised))
    if gap is None:
        session.add(KnowledgeGap(query=normalised, misses=1, first_seen=seen, last_seen=seen))
    else:
        gap.misses += 1
        gap.last_seen = seen
    session.flush()


@dataclass(frozen=True)
class Gap:
    query: str
    misses: int
    first_seen: datetime
    last_seen: datetime


def top_gaps(session: Session, *, limit: int = 20) -> list[Gap]:
    """The most asked-for missing knowledge first (then the most recent)."""
    rows = session.execute(
        select(KnowledgeGap.query, KnowledgeGap.misses, KnowledgeGap.first_seen, KnowledgeGap.last_seen)
        .order_by(KnowledgeGap.misses.desc(), KnowledgeGap.last_seen.desc(), KnowledgeGap.id)
        .limit(limit)
    )
    return [Gap(*row) for row in rows]
