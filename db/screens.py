"""Presenter screens: secret links to a panel's big-screen view, and what that view shows.

A link carries a random 256-bit token; only its SHA-256 is stored, so a copy of the database or a backup
cannot be turned into working links. The snapshot holds plain values and no author at all: nothing the
projector receives can tell who asked an anonymous question.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import String, cast, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Panel, PanelScreen, Question, QuestionEdit, Vote
from db.models.base import utcnow
from db.models.panels import ANSWERED, OPEN, PANEL_OPEN
from db.panels import RankedQuestion, panel_by_id, panelist_label
from db.questions import list_questions, question_by_id, vote_count
from db.session_state import panel_changed
from rules.errors import NotFoundError
from rules.i18n import N_
from rules.labels import panel_labels

TOKEN_BYTES = 32
SCREEN_TOP = 8
SCREEN_ANSWERS = 2
UNKNOWN_SCREEN = N_("This screen link is unknown or was revoked.")


def hash_token(token: str) -> str:
    """The stored form of a screen token; 256 random bits need no slow hash, only a one-way one."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class ScreenQuestion:
    number: int
    text: str
    votes: int
    panelist: str | None
    # A moderator's written answer, shown once the question is answered.
    answer: str | None = None


@dataclass(frozen=True)
class ScreenSnapshot:
    """Everything the presenter page shows, as plain values; deliberately without any author."""

    title: str
    open: bool
    panelists: tuple[str, ...]
    now_answering: ScreenQuestion | None
    top: tuple[ScreenQuestion, ...]
    asked: int
    answered: int
    # The latest answered questions that carry a written answer, newest first.
    answers: tuple[ScreenQuestion, ...] = ()
    # The panel's labels, and for each label its most upvoted open questions (a page opened with ?label=).
    labels: tuple[str, ...] = ()
    top_by_label: dict[str, tuple[ScreenQuestion, ...]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class PanelFingerprint:
    """A few numbers that change whenever anything a screen shows (or may show) changes."""

    values: tuple[Any, ...]
    active_screens: frozenset[str]


async def open_screen(session: AsyncSession, *, panel_id: int, created_by: int) -> str:
    """Make a new presenter link for a panel and return its token (shown once, never stored)."""
    await session.run_sync(panel_by_id, panel_id)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(PanelScreen(panel_id=panel_id, token_hash=hash_token(token), created_by=created_by))
    await session.flush()
    return token


async def revoke_screens(session: AsyncSession, *, panel_id: int) -> int:
    """Turn off every presenter link of a panel; return how many were still working."""
    result = await session.execute(
        update(PanelScreen)
        .where(PanelScreen.panel_id == panel_id, PanelScreen.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    panel_changed(session, panel_id)
    return result.rowcount  # type: ignore[attr-defined]


async def screen_panel_id(session: AsyncSession, *, token: str) -> int:
    """The panel a presenter link shows; NotFoundError when the link is unknown or revoked."""
    panel_id = await session.scalar(
        select(PanelScreen.panel_id).where(
            PanelScreen.token_hash == hash_token(token), PanelScreen.revoked_at.is_(None)
        )
    )
    if panel_id is None:
        raise NotFoundError(UNKNOWN_SCREEN)
    return panel_id


async def panel_fingerprint(session: AsyncSession, *, panel_id: int) -> PanelFingerprint | None:
    """Cheap change detection for screens (None: the panel is gone), shared by every viewer of a panel.

    New questions raise `last_number`; each moderator action sets a timestamp and moves a status count;
    a vote changes the count, the sum of voted question ids or the newest vote time. Revoking a link
    removes it from the active set.
    """
    questions = select(func.count()).where(Question.panel_id == panel_id)
    votes = select(Vote).join(Question, Question.id == Vote.question_id).where(Question.panel_id == panel_id)
    row = (
        await session.execute(
            select(
                Panel.status,
                Panel.last_number,
                questions.where(Question.status == OPEN).scalar_subquery(),
                questions.where(Question.status == ANSWERED).scalar_subquery(),
                *(
                    select(func.max(column)).where(Question.panel_id == panel_id).scalar_subquery()
                    for column in (
                        Question.approved_at,
                        Question.hidden_at,
                        Question.answered_at,
                        Question.highlighted_at,
                        Question.answer_at,
                    )
                ),
                votes.with_only_columns(func.count()).scalar_subquery(),
                votes.with_only_columns(func.sum(Vote.question_id)).scalar_subquery(),
                votes.with_only_columns(func.max(Vote.voted_at)).scalar_subquery(),
                select(func.max(QuestionEdit.id))
                .join(Question, Question.id == QuestionEdit.question_id)
                .where(Question.panel_id == panel_id)
                .scalar_subquery(),
            ).where(Panel.id == panel_id)
        )
    ).one_or_none()
    if row is None:
        return None
    active = await session.scalars(
        select(PanelScreen.token_hash).where(PanelScreen.panel_id == panel_id, PanelScreen.revoked_at.is_(None))
    )
    return PanelFingerprint(values=tuple(row), active_screens=frozenset(active))


def _screen_question(item: RankedQuestion) -> ScreenQuestion:
    question = item.question
    return ScreenQuestion(
        number=question.number,
        text=question.text,
        votes=item.votes,
        panelist=question.panelist.name if question.panelist else None,
        answer=question.answer_text if question.status == ANSWERED else None,
    )


async def screen_snapshot(session: AsyncSession, *, panel_id: int, top: int = SCREEN_TOP) -> ScreenSnapshot:
    """What the presenter page shows: the question being answered and the most upvoted open ones.

    Only open and answered questions are read: pending and hidden ones never reach a screen.
    """
    panel = await session.run_sync(panel_by_id, panel_id)
    current_id = await session.scalar(
        select(Question.id)
        .where(Question.panel_id == panel_id, Question.status == OPEN, Question.highlighted_at.is_not(None))
        .order_by(Question.highlighted_at.desc())
        .limit(1)
    )
    ranked = await session.run_sync(list_questions, panel_id=panel_id, statuses=(OPEN,), sort="top", limit=top + 1)
    current = next((item for item in ranked if item.question.id == current_id), None)
    if current_id is not None and current is None:
        # Put up by /panel next, then outvoted by newer questions: still the one being answered.
        current = RankedQuestion(
            await session.run_sync(question_by_id, current_id), await session.run_sync(vote_count, current_id)
        )
    counts = dict(
        (
            await session.execute(
                select(Question.status, func.count())
                .where(Question.panel_id == panel_id, Question.status.in_((OPEN, ANSWERED)))
                .group_by(Question.status)
            )
        ).all()
    )
    answered_ids = (
        await session.scalars(
            select(Question.id)
            .where(Question.panel_id == panel_id, Question.status == ANSWERED, Question.answer_text.is_not(None))
            .order_by(Question.answer_at.desc())
            .limit(SCREEN_ANSWERS)
        )
    ).all()
    answers = [
        RankedQuestion(
            await session.run_sync(question_by_id, question_id), await session.run_sync(vote_count, question_id)
        )
        for question_id in answered_ids
    ]
    return ScreenSnapshot(
        labels=tuple(panel_labels(panel.topics, (panelist.name for panelist in panel.panelists))),
        top_by_label=await _top_by_label(session, panel_id=panel_id, top=top),
        title=panel.title,
        open=panel.status == PANEL_OPEN,
        panelists=tuple(panelist_label(panelist) for panelist in panel.panelists),
        now_answering=_screen_question(current) if current else None,
        top=tuple(_screen_question(item) for item in ranked if item.question.id != current_id)[:top],
        asked=counts.get(OPEN, 0) + counts.get(ANSWERED, 0),
        answered=counts.get(ANSWERED, 0),
        answers=tuple(_screen_question(item) for item in answers),
    )


async def _top_by_label(session: AsyncSession, *, panel_id: int, top: int) -> dict[str, tuple[ScreenQuestion, ...]]:
    """Each label's most upvoted open questions; one narrow ranked read, and only the questions shown are loaded."""
    votes = func.count(Vote.member_id).label("votes")
    rows = (
        await session.execute(
            select(Question.id, Question.labels, votes)
            .outerjoin(Vote, Vote.question_id == Question.id)
            .where(Question.panel_id == panel_id, Question.status == OPEN, cast(Question.labels, String) != "[]")
            .group_by(Question.id)
            .order_by(votes.desc(), Question.number)
        )
    ).all()
    picked: dict[str, list[tuple[int, int]]] = {}
    for question_id, labels, count in rows:
        for label in labels or ():
            if len(picked.setdefault(label, [])) < top:
                picked[label].append((question_id, count))
    loaded: dict[int, RankedQuestion] = {}
    for question_id, count in {pair for pairs in picked.values() for pair in pairs}:
        loaded[question_id] = RankedQuestion(await session.run_sync(question_by_id, question_id), count)
    return {
        label: tuple(_screen_question(loaded[question_id]) for question_id, _count in pairs)
        for label, pairs in picked.items()
    }


async def changed_screen_snapshot(
    session: AsyncSession, *, panel_id: int, known: PanelFingerprint | None
) -> tuple[PanelFingerprint | None, ScreenSnapshot | None]:
    """The panel's fingerprint, with a fresh snapshot only when it differs from the `known` one (None: always);
    no snapshot when the panel has no working screen left."""
    fingerprint = await panel_fingerprint(session, panel_id=panel_id)
    if fingerprint is None or (known is not None and fingerprint == known):
        return fingerprint, None
    return fingerprint, await screen_snapshot(session, panel_id=panel_id)


async def screen_panel(session: AsyncSession, *, token: str) -> Panel:
    """The panel a working screen link shows."""
    return await session.run_sync(panel_by_id, await screen_panel_id(session, token=token))
