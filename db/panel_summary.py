"""A closed panel's summary: what it came to, for the message posted in its channel when it closes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Panel, Question, Vote
from db.models.panels import ANSWERED, HIDDEN, OPEN, PENDING
from db.panels import RankedQuestion, close_panel, panel_by_id
from db.questions import list_questions


@dataclass(frozen=True)
class PanelSummary:
    panel: Panel
    asked: int
    answered: int
    voters: int
    votes: int
    pending: int
    top: list[RankedQuestion]
    written_answers: list[Question]


async def close_panel_with_summary(session: AsyncSession, *, channel_id: int) -> PanelSummary:
    """Close the channel's open panel and count what it came to, for the summary posted in the channel."""
    panel = await close_panel(session, channel_id=channel_id)
    return await panel_summary(session, panel_id=panel.id)


async def panel_summary(session: AsyncSession, *, panel_id: int, top: int = 5) -> PanelSummary:
    """Counts for the closing summary: questions asked and answered, distinct voters, the top questions."""
    panel = await session.run_sync(panel_by_id, panel_id)
    counts = dict(
        (
            await session.execute(
                select(Question.status, func.count()).where(Question.panel_id == panel_id).group_by(Question.status)
            )
        ).all()
    )
    voters, votes = (
        await session.execute(
            select(func.count(func.distinct(Vote.member_id)), func.count())
            .select_from(Vote)
            .join(Question, Question.id == Vote.question_id)
            .where(Question.panel_id == panel_id, Question.status != HIDDEN)
        )
    ).one()
    return PanelSummary(
        panel=panel,
        asked=counts.get(OPEN, 0) + counts.get(ANSWERED, 0),
        answered=counts.get(ANSWERED, 0),
        voters=voters,
        votes=votes,
        pending=counts.get(PENDING, 0),
        top=await session.run_sync(list_questions, panel_id=panel_id, statuses=(OPEN, ANSWERED), sort="top", limit=top),
        written_answers=list(
            await session.scalars(
                select(Question)
                .where(Question.panel_id == panel_id, Question.answer_text.is_not(None), Question.status != HIDDEN)
                .order_by(Question.number)
            )
        ),
    )
