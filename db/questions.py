"""Panel questions: asking, voting, listing and moderating, and a closed panel's summary.

Every function flushes and never commits; the caller's transaction is the unit of work. How an ask is
checked, numbered and stored is db/question_intake.py.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Select, bindparam, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, joinedload

from db.models import Panel, Question, Vote
from db.models.base import utcnow
from db.models.panels import ANSWERED, HIDDEN, OPEN, PANEL_OPEN, PENDING
from db.open_questions import open_question_indexes
from db.panel_guards import check_not_blocked
from db.panels import RankedQuestion, channel_panel, panel_by_id
from db.question_intake import ask_together, question_state
from db.session_state import panel_changed, question_changed
from db.writer import runs_together
from rules.errors import ConflictError, InvalidInputError, NotFoundError, quoted
from rules.folding import fold
from rules.i18n import N_
from rules.labels import panel_labels, resolve_label
from rules.question_text import (
    QuestionRules,
)
from rules.text import is_record_number
from rules.word_filter import WordFilter

SORTS = ("top", "new")


@dataclass(frozen=True)
class VoteOutcome:
    """What a click on a vote button came to, as plain values: a vote is the busiest write, and loading the
    question with its panel and panelist as ORM objects was a quarter of the writer's time under load."""

    question_id: int
    panel_id: int
    number: int
    message_id: int | None
    voted: bool
    votes: int


@dataclass(frozen=True)
class Advance:
    """What /panel next did: the question it closed (if any) and the one now being answered (if any)."""

    answered: RankedQuestion | None
    current: RankedQuestion | None


@runs_together(ask_together)
def ask_question(
    session: Session,
    *,
    panel_id: int,
    author_id: int,
    text: str,
    anonymous: bool,
    rules: QuestionRules,
    to: str | None = None,
    allow_similar: bool = False,
    now: datetime | None = None,
    words: WordFilter | None = None,
    label: str | None = None,
    checked_through: int = 0,
) -> Question:
    """Store a question under the next number, after every limit and the near-duplicate check passed.

    The bot checks for near-duplicates before it writes (`check_similar_question`, outside the write lock) and
    passes the id it checked through: here only questions stored since are compared.

    The panel's word filter censors listed words (the text as asked is kept in `original_text`) or holds the
    question for a moderator. Synchronous: the bot runs it through the writer (db/writer.py), which stores the
    asks waiting together (`ask_together`, db/question_intake.py) and commits many at once.
    """
    call = {
        "panel_id": panel_id, "author_id": author_id, "text": text, "anonymous": anonymous, "rules": rules, "to": to,
        "allow_similar": allow_similar, "now": now, "words": words, "label": label, "checked_through": checked_through,
    }  # fmt: skip
    ((stored, value),) = ask_together(session, [call])
    if not stored:
        raise value
    return cast(Question, value)


_REHEARSAL_PANEL = insert(Panel).returning(Panel.id)
_REHEARSAL_PANEL_VALUES = {"guild_id": 0, "channel_id": 0, "title": "Rehearsal", "created_by": 0}


def rehearse_asking_and_voting(session: Session) -> None:
    """Ask and vote on a throwaway panel, in a transaction the caller rolls back (`Database.rehearse`, at start)."""
    panel_id = session.connection().execute(_REHEARSAL_PANEL, _REHEARSAL_PANEL_VALUES).scalar_one()
    call = {"panel_id": panel_id, "author_id": 0, "text": "How does a rehearsal work?", "anonymous": False}
    ((stored, question),) = ask_together(session, [{**call, "rules": QuestionRules()}])
    if not stored:
        raise question
    toggle_vote(session, question_id=question.id, member_id=0)
    open_question_indexes(session).forget(panel_id)


async def set_question_message(session: AsyncSession, *, question_id: int, message_id: int | None) -> None:
    """Remember where a question was posted, so its message can be updated when its state changes."""
    await session.execute(update(Question).where(Question.id == question_id).values(message_id=message_id))


def _loaded(statement: Select[Question]) -> Select[Question]:
    # Many-to-one: joined into the same query, one round trip (votes run it inside the write lock).
    return statement.options(joinedload(Question.panelist), joinedload(Question.panel))


# Built once: on SQLite, building a statement costs more than running it, and these run for every vote.
_QUESTION_BY_ID = _loaded(select(Question).where(Question.id == bindparam("question_id")))


_VOTE_COUNT = select(func.count()).select_from(Vote).where(Vote.question_id == bindparam("question_id"))


_VOTE_TARGET = (
    select(Question.panel_id, Question.number, Question.status, Question.message_id, Panel.status)
    .join(Panel, Panel.id == Question.panel_id)
    .where(Question.id == bindparam("question_id"))
)


_ADD_VOTE = {
    name: dialect.insert(Vote).on_conflict_do_nothing()
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}


_TAKE_BACK_VOTE = delete(Vote).where(
    Vote.question_id == bindparam("question_id"), Vote.member_id == bindparam("member_id")
)


def question_by_id(session: Session, question_id: int) -> Question:
    question = session.scalar(_QUESTION_BY_ID, {"question_id": question_id})
    if question is None:
        raise NotFoundError("That question no longer exists.")
    return question


def question_by_number(session: Session, *, panel_id: int, number: int) -> Question:
    """A question of a panel by the number members see (#12)."""
    question = (
        session.scalar(_loaded(select(Question).where(Question.panel_id == panel_id, Question.number == number)))
        if is_record_number(number)  # PostgreSQL refuses such a number before it could say "none"
        else None
    )
    if question is None:
        last = session.scalar(select(Panel.last_number).where(Panel.id == panel_id)) or 0
        if last:
            raise NotFoundError(
                "There is no question #{number} on this panel. Questions run from #1 to #{last}.",
                number=number,
                last=last,
            )
        raise NotFoundError(
            "There is no question #{number} on this panel. No question has been asked yet.", number=number
        )
    return question


def channel_question(session: Session, *, channel_id: int, number: int) -> Question:
    """Question #number of the channel's panel (open, else the last closed one)."""
    panel = channel_panel(session, channel_id=channel_id)
    return question_by_number(session, panel_id=panel.id, number=number)


def vote_count(session: Session, question_id: int) -> int:
    return session.connection().execute(_VOTE_COUNT, {"question_id": question_id}).scalar_one()


def toggle_vote(session: Session, *, question_id: int, member_id: int) -> VoteOutcome:
    """Upvote a question, or take the upvote back if the member had already given it (run through the writer)."""
    # Core on the session's connection throughout: plain rows, none of the ORM's per-statement work.
    connection = session.connection()
    target = connection.execute(_VOTE_TARGET, {"question_id": question_id}).one_or_none()
    if target is None:
        raise NotFoundError("That question no longer exists.")
    panel_id, number, status, message_id, panel_status = target
    if panel_status != PANEL_OPEN:
        raise ConflictError("This panel is closed; voting has ended.")
    refusal = {
        PENDING: N_("Question #{number} is waiting for a moderator; you can vote once it is shown."),
        HIDDEN: N_("Question #{number} was hidden by a moderator, so it cannot be voted on."),
        ANSWERED: N_("Question #{number} has already been answered; votes on it are closed."),
    }.get(status)
    if refusal:
        raise ConflictError(refusal, number=number)
    check_not_blocked(session, panel_id=panel_id, member_id=member_id)
    # Insert-or-nothing first: a double click racing this one on a backend that does not serialise
    # writers finds the vote there instead of failing on the primary key.
    vote = {"question_id": question_id, "member_id": member_id}
    voted = connection.execute(_ADD_VOTE[connection.dialect.name], {**vote, "voted_at": utcnow()}).rowcount == 1
    if not voted:
        connection.execute(_TAKE_BACK_VOTE, vote)
    panel_changed(session, panel_id)
    return VoteOutcome(question_id, panel_id, number, message_id, voted, vote_count(session, question_id))


def list_questions(
    session: Session,
    *,
    panel_id: int,
    statuses: Iterable[str],
    sort: str = "top",
    limit: int | None = None,
) -> list[RankedQuestion]:
    """A panel's questions in the given states with their vote counts, most voted or newest first."""
    if sort not in SORTS:
        raise InvalidInputError("Sort by {sorts}.", sorts=" or ".join(SORTS))
    parameters: dict[str, object] = {"panel_id": panel_id, "statuses": list(statuses)}
    if limit is not None:
        parameters["limit"] = limit
    rows = session.execute(_ranking(sort, limited=limit is not None), parameters).all()
    return [RankedQuestion(question, votes) for question, votes in rows]


@functools.cache
def _ranking(sort: str, *, limited: bool) -> Select[Question, int]:
    """The statement behind `list_questions`, built once per kind: "Top questions" runs it on every click,
    and building it took longer than running it."""
    votes = func.count(Vote.member_id).label("votes")
    # Ranked on the narrow columns first; only the rows kept are joined to their panel and panelist
    # (grouping and sorting the wide joined rows took twice as long).
    ranked = (
        select(Question.id, Question.number, votes)
        .outerjoin(Vote, Vote.question_id == Question.id)
        .where(Question.panel_id == bindparam("panel_id"), Question.status.in_(bindparam("statuses", expanding=True)))
        .group_by(Question.id)
        .order_by(*((votes.desc(), Question.number) if sort == "top" else (Question.number.desc(),)))
    )
    if limited:
        ranked = ranked.limit(bindparam("limit"))
    page = ranked.subquery()
    return (
        _loaded(select(Question))
        .add_columns(page.c.votes)
        .join(page, page.c.id == Question.id)
        .order_by(*((page.c.votes.desc(), page.c.number) if sort == "top" else (page.c.number.desc(),)))
    )


def channel_questions(
    session: Session, *, channel_id: int, statuses: Iterable[str], sort: str, label: str | None = None
) -> tuple[Panel, list[RankedQuestion]]:
    """The channel's panel and its questions in the given states, with a label if one is given (`/panel questions`)."""
    panel = channel_panel(session, channel_id=channel_id)
    ranked = list_questions(session, panel_id=panel.id, statuses=statuses, sort=sort)
    if label:
        chosen = resolve_label(label, panel_labels(panel.topics, (p.name for p in panel.panelists)))
        ranked = [item for item in ranked if chosen in item.question.labels]
    return panel, ranked


def top_questions(session: Session, *, panel_id: int, limit: int) -> tuple[Panel, list[RankedQuestion]]:
    """A panel and its most upvoted open questions (the card's "Top questions" button)."""
    top = list_questions(session, panel_id=panel_id, statuses=(OPEN,), sort="top", limit=limit)
    # The questions come with their panel (joined): a second read of it was a third of this lookup's time.
    return (top[0].question.panel if top else panel_by_id(session, panel_id)), top


def autocomplete_questions(
    session: Session, *, channel_id: int, current: str, statuses: Iterable[str]
) -> list[tuple[str, int]]:
    """(label, number) choices among the channel panel's questions in the given states."""
    try:
        panel = channel_panel(session, channel_id=channel_id)
    except NotFoundError:
        return []
    wanted = fold(current.strip().lstrip("#"))
    ranked = list_questions(session, panel_id=panel.id, statuses=statuses, sort="new", limit=500)
    return [
        (f"#{item.question.number} · {item.votes} 👍 · {item.question.text}", item.question.number)
        for item in ranked
        if not wanted or wanted == str(item.question.number) or wanted in fold(item.question.text)
    ][:25]


async def approve_question(session: AsyncSession, *, question_id: int, moderator_id: int) -> Question:
    """Show a pending (or earlier hidden) question to everyone."""
    question = await session.run_sync(question_by_id, question_id)
    if question.status in (OPEN, ANSWERED):
        raise ConflictError("Question #{number} is already visible.", number=question.number)
    question.status = OPEN
    question.approved_at = utcnow()
    question.hidden_at = None
    question.decided_by = moderator_id
    await session.flush()
    panel_changed(session, question.panel_id)
    question_changed(session, question_state(question))
    return question


async def hide_question(session: AsyncSession, *, question_id: int, moderator_id: int) -> Question:
    """Take a question out of sight; its text stays in the export for the organisers."""
    question = await session.run_sync(question_by_id, question_id)
    if question.status == HIDDEN:
        raise ConflictError("Question #{number} is already hidden.", number=question.number)
    question.status = HIDDEN
    question.hidden_at = utcnow()
    question.decided_by = moderator_id
    await session.flush()
    panel_changed(session, question.panel_id)
    question_changed(session, question_state(question))
    return question


async def mark_answered(session: AsyncSession, *, question_id: int, moderator_id: int) -> Question:
    """Record that the panel answered an open question."""
    question = await session.run_sync(question_by_id, question_id)
    refusal = {
        PENDING: N_("Question #{number} has not been approved yet; approve it first."),
        HIDDEN: N_("Question #{number} is hidden; approve it first if it was answered."),
        ANSWERED: N_("Question #{number} is already marked answered."),
    }.get(question.status)
    if refusal:
        raise ConflictError(refusal, number=question.number)
    question.status = ANSWERED
    question.answered_at = utcnow()
    question.decided_by = moderator_id
    await session.flush()
    panel_changed(session, question.panel_id)
    question_changed(session, question_state(question))
    return question


async def moderate_question(
    session: AsyncSession, *, action: str, question_id: int, moderator_id: int
) -> RankedQuestion:
    """Apply a moderator's verdict (approve, hide, answered) and return the question with its votes."""
    change = {"approve": approve_question, "hide": hide_question, "answered": mark_answered}[action]
    question = await change(session, question_id=question_id, moderator_id=moderator_id)
    return RankedQuestion(question, await session.run_sync(vote_count, question.id))


async def advance_panel(session: AsyncSession, *, panel_id: int, moderator_id: int) -> Advance:
    """Mark the question being answered as answered and put the most upvoted open one up next."""
    panel = await session.run_sync(panel_by_id, panel_id)
    if panel.status != PANEL_OPEN:
        raise ConflictError("“{title}” is closed. Reopen it with `/panel reopen` to go on.", title=quoted(panel.title))
    current = await session.scalar(
        select(Question.id)
        .where(Question.panel_id == panel_id, Question.status == OPEN, Question.highlighted_at.is_not(None))
        .order_by(Question.highlighted_at.desc())
        .limit(1)
    )
    answered = None
    if current is not None:
        done = await mark_answered(session, question_id=current, moderator_id=moderator_id)
        answered = RankedQuestion(done, await session.run_sync(vote_count, done.id))
    top = await session.run_sync(list_questions, panel_id=panel_id, statuses=(OPEN,), sort="top", limit=1)
    if top:
        top[0].question.highlighted_at = utcnow()
        await session.flush()
    panel_changed(session, panel_id)
    return Advance(answered=answered, current=top[0] if top else None)


def next_pending_question(session: Session, *, panel_id: int) -> tuple[Question | None, int]:
    """The oldest question waiting for approval on a panel, and how many wait in all."""
    waiting = (
        session.scalar(
            select(func.count()).select_from(Question).where(Question.panel_id == panel_id, Question.status == PENDING)
        )
        or 0
    )
    question = session.scalar(
        _loaded(select(Question).where(Question.panel_id == panel_id, Question.status == PENDING))
        .order_by(Question.number)
        .limit(1)
    )
    return question, waiting


def unposted_questions(session: Session) -> list[RankedQuestion]:
    """Visible questions of open panels that were stored but never posted (the bot stopped in between)."""
    questions = session.scalars(
        _loaded(select(Question))
        .join(Panel, Panel.id == Question.panel_id)
        .where(Panel.status == PANEL_OPEN, Question.status == OPEN, Question.message_id.is_(None))
        .order_by(Question.id)
    ).all()
    return [RankedQuestion(question, vote_count(session, question.id)) for question in questions]


def questions_with_votes(session: Session, question_ids: list[int]) -> list[RankedQuestion]:
    """These questions with their vote counts, in the order given."""
    return [RankedQuestion(question_by_id(session, qid), vote_count(session, qid)) for qid in question_ids]


async def member_questions(session: AsyncSession, *, member_id: int) -> list[Question]:
    """Every question a member asked, anonymous ones included, for their own data request."""
    return list(
        (
            await session.scalars(
                _loaded(select(Question)).where(Question.author_id == member_id).order_by(Question.id)
            )
        ).all()
    )
