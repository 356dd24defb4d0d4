"""Question intake: the asks waiting at the writer, checked one by one and stored together.

The writer hands every ask waiting in a row to `ask_together` at once (db/writer.py). Each is checked first
(its text, the panel, a block, the member's limits, the word filter, near-duplicates), so a refused ask fails
alone and writes nothing; then the panel's counter is raised once for all that passed and they are stored with
one INSERT. A question cost about 1 ms in the writer when each was an action of its own (a savepoint, its own
session, nine statements); here the statements are per panel, and a question is a row of one INSERT.

Numbers stay gapless: they are taken only for questions that passed every check, in the order asked, in the
same transaction as their rows. SQLite's BEGIN IMMEDIATE serialises writers, and on PostgreSQL the panel row is
locked (FOR UPDATE) before anything is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from db.models import Panel, PanelBlock, Panelist, Question
from db.models.base import utcnow
from db.models.panels import OPEN, PANEL_OPEN, PENDING
from db.open_questions import StoredSince, most_similar
from db.panel_guards import BLOCKED_MESSAGE, hit_terms, question_labels
from db.panels import panelist_label
from db.session_state import QuestionState, panel_changed, question_changed
from rules.errors import ConflictError, InvalidInputError, LimitError, NotFoundError, quoted
from rules.folding import fold
from rules.question_text import (
    CONTROL_CHARACTERS,
    QuestionRules,
    SimilarQuestion,
    SimilarQuestionError,
    normalise_question,
)
from rules.word_filter import FILTER_CENSOR, FILTER_OFF, FILTER_REVIEW, WordFilter, shipped_word_filter

# What an ask came to: (True, the stored Question) or (False, why it was refused).
Outcome = tuple[bool, Any]


@dataclass(frozen=True)
class Ask:
    """One member's question as submitted, with the values `ask_question` takes."""

    panel_id: int
    author_id: int
    text: str
    anonymous: bool
    rules: QuestionRules
    to: str | None = None
    allow_similar: bool = False
    now: datetime | None = None
    words: WordFilter | None = None
    label: str | None = None
    checked_through: int = 0


@dataclass
class _Accepted:
    """An ask that passed every check: the row to store and what the caller gets back."""

    position: int
    values: dict[str, Any]
    panelist: Panelist | None
    normalised: str
    # Asks of the same group refused as near-duplicates of this one: known by number and id once it is stored.
    duplicates: list[int] = field(default_factory=list)


# Built once: they run for every group inside the write lock, and building a statement costs about as much as
# running it on SQLite.
_LOCK_PANEL = (
    select(Panel).where(Panel.id == bindparam("panel_id")).with_for_update().execution_options(populate_existing=True)
)
_BLOCKED_AMONG = select(PanelBlock.member_id).where(
    PanelBlock.panel_id == bindparam("panel_id"), PanelBlock.member_id.in_(bindparam("members", expanding=True))
)
_MEMBERS_QUESTIONS = (
    select(Question.author_id, func.max(Question.asked_at), func.count().filter(Question.status.in_((PENDING, OPEN))))
    .where(Question.panel_id == bindparam("panel_id"), Question.author_id.in_(bindparam("members", expanding=True)))
    .group_by(Question.author_id)
)
_TAKE_NUMBERS = (
    update(Panel)
    .where(Panel.id == bindparam("panel_id"))
    .values(last_number=Panel.last_number + bindparam("count"))
    .returning(Panel.last_number)
)
_STORE_QUESTIONS = insert(Question).returning(Question.id, sort_by_parameter_order=True)


def ask_together(session: Session, calls: list[dict[str, Any]]) -> list[Outcome]:
    """Store the questions of these calls (each the keyword arguments of `ask_question`) that pass their checks,
    in order, and say for each what it came to."""
    asks = [Ask(**call) for call in calls]
    outcomes: list[Outcome | None] = [None] * len(asks)
    by_panel: dict[int, list[int]] = {}
    for position, ask in enumerate(asks):
        by_panel.setdefault(ask.panel_id, []).append(position)
    for panel_id, positions in by_panel.items():
        for position, outcome in _ask_on_panel(session, panel_id, [(p, asks[p]) for p in positions]):
            outcomes[position] = outcome
    return [outcome for outcome in outcomes if outcome is not None]


def _ask_on_panel(session: Session, panel_id: int, asks: list[tuple[int, Ask]]) -> list[tuple[int, Outcome]]:
    connection = session.connection()
    texts: dict[int, str] = {}
    refused: list[tuple[int, Outcome]] = []
    for position, ask in asks:
        try:
            texts[position] = _checked_text(ask)
        except InvalidInputError as refusal:
            refused.append((position, (False, refusal)))
    asks = [(position, ask) for position, ask in asks if position in texts]
    if not asks:
        return refused
    # Lock the panel row first (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers), so two
    # questions of one member cannot both slip under the cooldown and numbers are handed out in turn.
    panel = session.scalar(_LOCK_PANEL, {"panel_id": panel_id})
    if panel is None or panel.status != PANEL_OPEN:
        closed = (
            NotFoundError("That panel no longer exists.")
            if panel is None
            else ConflictError("“{title}” is closed: it no longer takes questions.", title=quoted(panel.title))
        )
        return refused + [(position, (False, closed)) for position, _ask in asks]
    members = sorted({ask.author_id for _position, ask in asks})
    blocked = set(connection.execute(_BLOCKED_AMONG, {"panel_id": panel_id, "members": members}).scalars())
    asked_before: dict[int, tuple[datetime | None, int]] = {
        author: (last, waiting)
        for author, last, waiting in connection.execute(_MEMBERS_QUESTIONS, {"panel_id": panel_id, "members": members})
        if author is not None
    }
    stored: list[_Accepted] = []
    compared = StoredSince(session, panel_id) if any(not ask.allow_similar for _position, ask in asks) else None
    for position, ask in asks:
        try:
            item = _check(session, panel, position, ask, texts[position], blocked, asked_before, stored, compared)
        except Exception as refusal:  # refused or failed alone: nothing of it was written
            refused.append((position, (False, refusal)))
        else:
            if item is not None:
                stored.append(item)
    if not stored:
        return refused
    # Only now, with every check passed, are numbers taken: a refusal never leaves a gap.
    last = connection.execute(_TAKE_NUMBERS, {"panel_id": panel_id, "count": len(stored)}).scalar_one()
    for number, item in enumerate(stored, start=last - len(stored) + 1):
        item.values["number"] = number
    ids = connection.execute(_STORE_QUESTIONS, [item.values for item in stored]).scalars().all()
    results: list[tuple[int, Outcome]] = []
    for question_id, item in zip(ids, stored, strict=True):
        question = Question(id=question_id, **item.values)
        question.panel = panel
        question.panelist = item.panelist
        question_changed(session, question_state(question))
        results.append((item.position, (True, question)))
        similar = SimilarQuestion(question_id, item.values["number"], item.values["text"])
        results += [(duplicate, (False, SimilarQuestionError(similar))) for duplicate in item.duplicates]
    panel_changed(session, panel_id)
    return refused + results


def _checked_text(ask: Ask) -> str:
    text = CONTROL_CHARACTERS.sub("", ask.text).strip()
    if len(text) < ask.rules.min_length:
        raise InvalidInputError(
            "Your question is too short: write at least {least} characters (it has {length}).",
            least=ask.rules.min_length,
            length=len(text),
        )
    if len(text) > ask.rules.max_length:
        raise InvalidInputError(
            "Your question is too long: at most {most} characters (it has {length}). "
            "Shorten it a little and send it again.",
            most=ask.rules.max_length,
            length=len(text),
        )
    return text


def _check(
    session: Session,
    panel: Panel,
    position: int,
    ask: Ask,
    text: str,
    blocked: set[int],
    asked_before: dict[int, tuple[datetime | None, int]],
    accepted: list[_Accepted],
    compared: StoredSince | None,
) -> _Accepted | None:
    """Every check of one ask, against the panel and what was stored or accepted before it; refuses by raising.

    None: the ask repeats one accepted earlier in the group, and is refused once that one has its number."""
    now = ask.now or utcnow()
    if ask.anonymous and not panel.anonymous_allowed:
        raise InvalidInputError("This panel does not take anonymous questions; ask again without `anonymous`.")
    if ask.author_id in blocked:
        raise LimitError(BLOCKED_MESSAGE)
    labels, panelist = question_labels(
        session, panel=panel, panelist=_resolve_panelist(session, panel.id, ask.to), label=ask.label
    )
    last_asked, waiting = asked_before.get(ask.author_id, (None, 0))
    _check_member_limits(last_asked, waiting, rules=ask.rules, now=now)
    asked = text
    hits = [] if panel.word_filter == FILTER_OFF else (ask.words or shipped_word_filter()).find(text)
    if hits and panel.word_filter == FILTER_CENSOR:
        text = (ask.words or shipped_word_filter()).censor(text, hits)
    held = panel.moderated or bool(hits and panel.word_filter == FILTER_REVIEW)
    normalised = normalise_question(text)
    if compared is not None and not ask.allow_similar:
        similar = compared.most_like(normalised, after=ask.checked_through)
        if similar is not None:
            raise SimilarQuestionError(similar)
        shown = [item for item in accepted if item.values["status"] == OPEN]
        for found in most_similar(normalised, [item.normalised for item in shown])[:1]:
            shown[found].duplicates.append(position)
            return None
    asked_before[ask.author_id] = (now, waiting + 1)
    values = {
        "panel_id": panel.id,
        "text": text,
        "original_text": asked if text != asked else None,
        "filter_hits": hit_terms(hits),
        "panelist_id": panelist.id if panelist else None,
        "labels": labels,
        "author_id": ask.author_id,
        "anonymous": ask.anonymous,
        "status": PENDING if held else OPEN,
        "asked_at": now,
        "approved_at": None if held else now,
    }
    return _Accepted(position, values, panelist, normalised)


def _check_member_limits(last_asked: datetime | None, waiting: int, *, rules: QuestionRules, now: datetime) -> None:
    if last_asked is not None:
        wait = last_asked + timedelta(seconds=rules.cooldown_seconds) - now
        if wait > timedelta(0):
            seconds = max(1, round(wait.total_seconds()))
            raise LimitError("You just asked a question. You can ask again in {seconds} s.", seconds=seconds)
    if waiting >= rules.max_open_per_member:
        raise LimitError(
            "You already have {waiting} questions waiting on this panel, the most one member may have. "
            "You can ask again once one is answered.",
            waiting=waiting,
        )


def _resolve_panelist(session: Session, panel_id: int, to: str | None) -> Panelist | None:
    """The panelist a member addressed, by autocomplete id or by (part of) a name.

    The panelists are read only here, when a question names one: most do not, and questions are a hot write.
    """
    if not to or not to.strip():
        return None
    wanted = to.strip()
    panelists = session.scalars(select(Panelist).where(Panelist.panel_id == panel_id).order_by(Panelist.position)).all()
    for panelist in panelists:
        if wanted == str(panelist.id):
            return panelist
    folded = fold(wanted)
    matches = [p for p in panelists if folded in fold(panelist_label(p))]
    if len(matches) == 1:
        return matches[0]
    names = ", ".join(p.name for p in panelists)
    raise InvalidInputError(
        "“{wanted}” is not on this panel. Pick one of: {names}.", wanted=quoted(wanted, 60), names=names
    )


def question_state(question: Question) -> QuestionState:
    """What the near-duplicate index keeps of a question."""
    return QuestionState(question.id, question.panel_id, question.number, question.text, question.status == OPEN)
