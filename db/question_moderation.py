"""What moderators do to a panel's questions beyond approve and hide: written answers, edits, blocking an asker.

Every function flushes and never commits; the caller's transaction is the unit of work.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from db.models import PanelBlock, Question, QuestionEdit
from db.models.base import utcnow
from db.models.panels import HIDDEN, PENDING
from db.panels import RankedQuestion
from db.question_intake import question_state
from db.questions import question_by_id, vote_count
from db.session_state import panel_changed, question_changed
from rules.errors import ConflictError, InvalidInputError
from rules.i18n import N_
from rules.question_text import CONTROL_CHARACTERS

ANSWER_MAX = 1000
EDIT_MAX = 500


# What a moderator is told when their answer or edited question is empty, or too long.
EMPTY = {
    "answer": N_("Write the answer; it cannot be empty."),
    "question": N_("Write the question; it cannot be empty."),
}
TOO_LONG = {
    "answer": N_("Keep the answer to {limit} characters (it has {length})."),
    "question": N_("Keep the question to {limit} characters (it has {length})."),
}


def _clean(text: str, *, what: str, limit: int) -> str:
    text = CONTROL_CHARACTERS.sub("", text).strip()
    if not text:
        raise InvalidInputError(EMPTY[what])
    if len(text) > limit:
        raise InvalidInputError(TOO_LONG[what], limit=limit, length=len(text))
    return text


async def _ranked(session: AsyncSession, question: Question) -> RankedQuestion:
    return RankedQuestion(question, await session.run_sync(vote_count, question.id))


async def answer_question(
    session: AsyncSession,
    *,
    question_id: int,
    member_id: int,
    text: str,
    moderator: bool,
    role_ids: Iterable[int] = (),
) -> RankedQuestion:
    """Attach (or replace) a short written answer to a visible question: by a moderator, or by a member holding
    the panel's panelist role."""
    question = await session.run_sync(question_by_id, question_id)
    panelist_role = question.panel.panelist_role_id
    if not moderator and (panelist_role is None or panelist_role not in set(role_ids)):
        raise ConflictError(
            "Only moderators and this panel's panelists can answer its questions. If you are on the panel, "
            "ask a moderator for the panelist role."
        )
    text = _clean(text, what="answer", limit=ANSWER_MAX)
    refusal = {
        PENDING: N_("Question #{number} has not been approved yet; approve it before answering it."),
        HIDDEN: N_("Question #{number} is hidden; approve it first if it should be answered."),
    }.get(question.status)
    if refusal:
        raise ConflictError(refusal, number=question.number)
    question.answer_text = text
    question.answer_by = member_id
    question.answer_at = utcnow()
    await session.flush()
    panel_changed(session, question.panel_id)
    return await _ranked(session, question)


async def edit_question(session: AsyncSession, *, question_id: int, moderator_id: int, text: str) -> RankedQuestion:
    """Change a question's text (a typo, a name removed); the text as asked and every edit are kept."""
    text = _clean(text, what="question", limit=EDIT_MAX)
    question = await session.run_sync(question_by_id, question_id)
    if text == question.text:
        raise ConflictError("Question #{number} already reads like that.", number=question.number)
    session.add(QuestionEdit(question_id=question.id, old_text=question.text, new_text=text, edited_by=moderator_id))
    if question.original_text is None:
        question.original_text = question.text
    question.text = text
    await session.flush()
    panel_changed(session, question.panel_id)
    question_changed(session, question_state(question))
    return await _ranked(session, question)


async def question_edits(session: AsyncSession, *, panel_id: int) -> dict[int, list[QuestionEdit]]:
    """Every edit of a panel's questions, by question id, oldest first (for the export)."""
    edits = await session.scalars(
        select(QuestionEdit)
        .join(Question, Question.id == QuestionEdit.question_id)
        .where(Question.panel_id == panel_id)
        .order_by(QuestionEdit.edited_at, QuestionEdit.id)
    )
    found: dict[int, list[QuestionEdit]] = {}
    for edit in edits:
        found.setdefault(edit.question_id, []).append(edit)
    return found


async def block_asker(session: AsyncSession, *, question_id: int, moderator_id: int) -> Question:
    """Stop the asker of a question from asking and voting on its panel; who they are stays unsaid."""
    question = await session.run_sync(question_by_id, question_id)
    if question.author_id is None:
        raise ConflictError(
            "The asker of #{number} is no longer known, so they cannot be blocked.", number=question.number
        )
    if question.author_id == moderator_id:
        raise ConflictError("You asked that question yourself; you cannot block yourself.")
    existing = await session.get(PanelBlock, (question.panel_id, question.author_id))
    if existing is not None:
        raise ConflictError(
            "The asker of #{number} is already blocked on this panel (since #{since}).",
            number=question.number,
            since=existing.question_number,
        )
    session.add(
        PanelBlock(
            panel_id=question.panel_id,
            member_id=question.author_id,
            question_number=question.number,
            blocked_by=moderator_id,
        )
    )
    await session.flush()
    return question


async def unblock_asker(session: AsyncSession, *, question_id: int) -> Question:
    """Let the asker of a question ask and vote on its panel again."""
    question = await session.run_sync(question_by_id, question_id)
    removed = await session.execute(
        delete(PanelBlock).where(PanelBlock.panel_id == question.panel_id, PanelBlock.member_id == question.author_id)
    )
    if question.author_id is None or not removed.rowcount:  # type: ignore[attr-defined]
        raise ConflictError("The asker of #{number} is not blocked on this panel.", number=question.number)
    return question


@dataclass(frozen=True)
class BlockedAsker:
    """A block as moderators may see it: who only when the question they were blocked for was asked by name."""

    question_id: int
    question_number: int
    member_id: int | None
    blocked_at: datetime


def panel_blocks(session: Session, *, panel_id: int) -> list[BlockedAsker]:
    """Who is blocked on a panel, oldest first; an anonymous asker is named by their question only."""
    rows = session.execute(
        select(PanelBlock.member_id, PanelBlock.blocked_at, Question.id, Question.number, Question.anonymous)
        .join(Question, (Question.panel_id == PanelBlock.panel_id) & (Question.number == PanelBlock.question_number))
        .where(PanelBlock.panel_id == panel_id)
        .order_by(PanelBlock.blocked_at, Question.number)
    ).all()
    return [
        BlockedAsker(question_id, number, None if anonymous else member_id, blocked_at)
        for member_id, blocked_at, question_id, number, anonymous in rows
    ]
