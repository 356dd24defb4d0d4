"""Panel Q&A services: open and close panels, take and moderate questions, count votes, export.

Every function flushes and never commits; the caller's transaction is the unit of work. Question
numbers come from a counter on the panel row raised inside that transaction, so they are unique and
gapless: SQLite's BEGIN IMMEDIATE serialises writers, and on PostgreSQL the row update locks the panel.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from rapidfuzz import fuzz, process
from sqlalchemy import Select, bindparam, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, joinedload, selectinload

from db.knowledge import SUGGESTION_MATCH, platform_directory
from db.models import Panel, Panelist, Platform, Question, Vote
from db.models.base import utcnow
from db.models.panels import ANSWERED, HIDDEN, OPEN, PANEL_CLOSED, PANEL_OPEN, PENDING
from db.search import STOPWORDS, WORD, fold
from rules.errors import ConflictError, InvalidInputError, LimitError, NotFoundError
from rules.text import is_record_number

TITLE_LIMITS = (3, 200)
MAX_PANELISTS = 10
PANELIST_NAME_MAX = 100
ORGANISATION_MAX = 200
MAX_TOPICS = 10
TOPIC_MAX = 200
SORTS = ("top", "new")
EXPORT_FORMATS = ("csv", "markdown", "json")
# Two questions are the same question in other words when their content words overlap this much
# (token_set_ratio) *and* their word order/wording is close enough (token_sort_ratio). The second test
# stops a short question from matching every longer one that contains it ("urgent challenges?" vs
# "urgent challenges for teacher training in rural Norway?"). Tuned on tests/unit/test_panels_parsing.py.
SIMILAR_SET_SCORE = 88
SIMILAR_SORT_SCORE = 70
# Words that carry no meaning for telling questions apart, on top of the search stopwords.
FILLER_WORDS = frozenset(
    {
        "about", "all", "also", "any", "could", "did", "get", "gets", "getting", "just", "like", "me", "more",
        "most", "much", "my", "please", "question", "should", "so", "some", "than", "them", "there", "they",
        "think", "too", "us", "very", "want", "way", "ways", "would",
    }
)  # fmt: skip
NUMBER_WORDS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "ten": "10"}
PANELIST_SEPARATORS = re.compile(r"[;\n]+")
ORGANISATION_IN_PARENS = re.compile(r"^(?P<name>[^()]+?)\s*\((?P<organisation>[^()]*)\)$")
ORGANISATION_AFTER_DASH = re.compile(r"^(?P<name>.+?)\s+[–—-]\s+(?P<organisation>.+)$")
# Invisible in Discord, and one of them separates questions in the near-duplicate check: dropped from questions.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


# --- pure helpers ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionRules:
    """The limits a question must respect; built from the bot's settings."""

    min_length: int = 5
    max_length: int = 500
    cooldown_seconds: int = 15
    max_open_per_member: int = 10


@dataclass(frozen=True)
class PanelistSpec:
    name: str
    organisation: str | None


def parse_panelists(text: str) -> list[PanelistSpec]:
    """Read `Jan Lundell (LUMA Centre Finland); Mikkel Bohm (Astra)`; an organisation may also follow a dash."""
    specs: list[PanelistSpec] = []
    for raw in PANELIST_SEPARATORS.split(text):
        entry = " ".join(raw.split())
        if not entry:
            continue
        match = ORGANISATION_IN_PARENS.match(entry) or ORGANISATION_AFTER_DASH.match(entry)
        name, organisation = (match["name"], match["organisation"].strip()) if match else (entry, "")
        name = name.strip(" ,")
        if not name or "(" in name or ")" in name:
            raise InvalidInputError(
                f"I could not read the panelist “{_quote(entry)}”. Write them like "
                "`Jan Lundell (LUMA Centre Finland); Mikkel Bohm (Astra)`."
            )
        if len(name) > PANELIST_NAME_MAX or len(organisation) > ORGANISATION_MAX:
            raise InvalidInputError(f"The panelist “{_quote(entry)}” is too long; keep names under 100 characters.")
        specs.append(PanelistSpec(name=name, organisation=organisation or None))
    if not specs:
        raise InvalidInputError("Name at least one panelist, e.g. `Jan Lundell (LUMA Centre Finland)`.")
    if len(specs) > MAX_PANELISTS:
        raise InvalidInputError(f"A panel can have at most {MAX_PANELISTS} panelists (you named {len(specs)}).")
    names = [fold(spec.name) for spec in specs]
    if len(set(names)) != len(names):
        raise InvalidInputError("A panelist is named twice; name each one once.")
    return specs


def parse_topics(text: str | None) -> list[str]:
    """Split topics given on one line with semicolons (or on several lines)."""
    topics = [" ".join(part.split()) for part in PANELIST_SEPARATORS.split(text or "")]
    topics = [topic for topic in topics if topic]
    if len(topics) > MAX_TOPICS or any(len(topic) > TOPIC_MAX for topic in topics):
        raise InvalidInputError(f"Give at most {MAX_TOPICS} topics of up to {TOPIC_MAX} characters each.")
    return topics


@functools.lru_cache(maxsize=8192)
def normalise_question(text: str) -> str:
    """The content words of a question, folded and roughly singular, for near-duplicate matching.

    In sorted order: both similarity scores ignore word order, and on sorted words the wording score
    (token_sort_ratio) is a plain fuzz.ratio, which the shortlist over all open questions runs 4x faster.
    """
    words = []
    for word in WORD.findall(fold(text)):
        word = NUMBER_WORDS.get(word, word)
        if (len(word) < 2 and not word.isdigit()) or word in STOPWORDS or word in FILLER_WORDS:
            continue
        if len(word) > 4 and word.endswith("ies"):
            word = word[:-3] + "y"
        elif len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.append(word)
    return " ".join(sorted(words))


def similarity(first: str, second: str) -> tuple[float, float]:
    """(word-overlap score, wording score) of two normalised questions, each 0–100."""
    return (
        fuzz.token_set_ratio(first, second, processor=None),
        fuzz.token_sort_ratio(first, second, processor=None),
    )


def are_similar(first: str, second: str) -> bool:
    """Whether two normalised questions ask the same thing in other words."""
    if not first or not second:
        return False
    overlap, wording = similarity(first, second)
    return overlap >= SIMILAR_SET_SCORE and wording >= SIMILAR_SORT_SCORE


def _quote(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- results --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SimilarQuestion:
    """Plain values, so they outlive the rolled-back transaction that found them."""

    id: int
    number: int
    text: str


class SimilarQuestionError(ConflictError):
    """A visible question already asks this; nothing was stored, the member may upvote it or insist."""

    def __init__(self, similar: SimilarQuestion) -> None:
        super().__init__(f"A similar question exists: #{similar.number} — upvote it instead? Or post yours anyway.")
        self.similar = similar


@dataclass(frozen=True)
class RankedQuestion:
    question: Question
    votes: int


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


@dataclass(frozen=True)
class PanelSummary:
    panel: Panel
    asked: int
    answered: int
    voters: int
    votes: int
    pending: int
    top: list[RankedQuestion]


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content: bytes
    count: int


# --- panels ---------------------------------------------------------------------------------------------


def _with_panelists(statement: Select[Panel]) -> Select[Panel]:
    return statement.options(selectinload(Panel.panelists))


async def open_panel(
    session: AsyncSession,
    *,
    guild_id: int,
    channel_id: int,
    title: str,
    panelists: str,
    topics: str | None,
    moderated: bool,
    anonymous_allowed: bool,
    created_by: int,
    moderator_channel_id: int | None = None,
) -> Panel:
    """Open a panel in a channel, linking each panelist whose organisation is a known platform."""
    title = " ".join(title.split())
    if not TITLE_LIMITS[0] <= len(title) <= TITLE_LIMITS[1]:
        raise InvalidInputError(f"The title must be {TITLE_LIMITS[0]}–{TITLE_LIMITS[1]} characters long.")
    specs = parse_panelists(panelists)
    topic_list = parse_topics(topics)
    existing = await session.scalar(select(Panel).where(Panel.channel_id == channel_id, Panel.status == PANEL_OPEN))
    if existing is not None:
        raise ConflictError(
            f"“{_quote(existing.title)}” is still open in this channel. Close it with `/panel close` first."
        )
    panel = Panel(
        guild_id=guild_id,
        channel_id=channel_id,
        title=title,
        topics=topic_list,
        moderated=moderated,
        anonymous_allowed=anonymous_allowed,
        status=PANEL_OPEN,
        last_number=0,
        moderator_channel_id=moderator_channel_id,
        created_by=created_by,
        panelists=[
            Panelist(
                position=position,
                name=spec.name,
                organisation=spec.organisation,
                platform_slug=await _platform_slug(session, spec.organisation),
            )
            for position, spec in enumerate(specs)
        ],
    )
    session.add(panel)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        # Another moderator opened one in the same channel a moment ago (the partial unique index).
        raise ConflictError("A panel was just opened in this channel; close it first with `/panel close`.") from None
    return panel


async def _platform_slug(session: AsyncSession, organisation: str | None) -> str | None:
    """The slug of the platform an organisation names, or None when no platform clearly is it.

    The directory's typo-tolerant matching suggests candidates; a wrong card on a projected panel is worse
    than none, so a candidate must be named in full by the organisation or read almost the same.
    """
    if not organisation:
        return None
    wanted = fold(organisation)
    for match in (await platform_directory(session)).match(organisation, limit=5, cutoff=SUGGESTION_MATCH):
        if match.field in ("country", "region", "person"):
            continue
        label = fold(match.label)
        named = re.search(rf"(?<!\w){re.escape(label)}(?!\w)", wanted) is not None
        if match.score == 100 or (len(label) >= 3 and named) or fuzz.token_sort_ratio(label, wanted) >= 88:
            return await session.scalar(select(Platform.slug).where(Platform.id == match.platform_id))
    return None


async def set_panel_message(session: AsyncSession, *, panel_id: int, message_id: int) -> None:
    """Remember the panel card's message, to update its buttons when the panel closes or reopens."""
    await session.execute(update(Panel).where(Panel.id == panel_id).values(message_id=message_id))


def panel_by_id(session: Session, panel_id: int) -> Panel:
    if not is_record_number(panel_id):  # PostgreSQL refuses such a number before it could say "none"
        raise NotFoundError("That panel no longer exists.")
    panel = session.scalar(_with_panelists(select(Panel).where(Panel.id == panel_id)))
    if panel is None:
        raise NotFoundError("That panel no longer exists.")
    return panel


def guild_panel(session: Session, *, panel_id: int, guild_id: int) -> Panel:
    """A panel picked by id (autocomplete), refused when it belongs to another server."""
    panel = panel_by_id(session, panel_id)
    if panel.guild_id != guild_id:
        raise NotFoundError("That panel no longer exists.")
    return panel


def channel_panel(session: Session, *, channel_id: int, open_only: bool = False) -> Panel:
    """The channel's open panel, else (unless `open_only`) its most recently closed one (sync: a lookup
    the reader runs on every question asked by command)."""
    statement = select(Panel).where(Panel.channel_id == channel_id)
    if open_only:
        statement = statement.where(Panel.status == PANEL_OPEN)
    panel = session.scalar(
        _with_panelists(statement.order_by((Panel.status == PANEL_OPEN).desc(), Panel.id.desc()).limit(1))
    )
    if panel is None:
        raise NotFoundError(
            "There is no open panel in this channel. A moderator can start one with `/panel open`."
            if open_only
            else "There has been no panel in this channel yet."
        )
    return panel


async def close_panel(session: AsyncSession, *, channel_id: int) -> Panel:
    """Stop taking questions on the channel's open panel."""
    panel = await session.run_sync(channel_panel, channel_id=channel_id, open_only=True)
    panel.status = PANEL_CLOSED
    panel.closed_at = utcnow()
    await session.flush()
    return panel


async def reopen_panel(session: AsyncSession, *, channel_id: int) -> Panel:
    """Take questions again on the channel's most recently closed panel."""
    panel = await session.run_sync(channel_panel, channel_id=channel_id)
    if panel.status == PANEL_OPEN:
        raise ConflictError(f"“{_quote(panel.title)}” is already open.")
    panel.status = PANEL_OPEN
    panel.closed_at = None
    await session.flush()
    return panel


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
    )


def autocomplete_panels(session: Session, *, guild_id: int, current: str) -> list[tuple[str, int]]:
    """(label, panel id) choices, newest first, filtered by what has been typed."""
    rows = session.execute(
        select(Panel.id, Panel.title, Panel.status, Panel.created_at)
        .where(Panel.guild_id == guild_id)
        .order_by(Panel.id.desc())
        .limit(200)
    )
    wanted = fold(current.strip())
    return [
        (f"{title} — {created.date().isoformat()}" + (" (open)" if status == PANEL_OPEN else ""), panel_id)
        for panel_id, title, status, created in rows
        if not wanted or wanted in fold(title) or wanted == str(panel_id)
    ][:25]


def autocomplete_panelists(session: Session, *, channel_id: int, current: str) -> list[tuple[str, str]]:
    """(label, panelist id) choices among the open panel's panelists."""
    try:
        panel = channel_panel(session, channel_id=channel_id, open_only=True)
    except NotFoundError:
        return []
    wanted = fold(current.strip())
    return [
        (panelist_label(panelist), str(panelist.id))
        for panelist in panel.panelists
        if not wanted or wanted in fold(panelist_label(panelist))
    ]


def shown_author(question: Question) -> int | None:
    """The author others may see: None for an anonymous question and for an author no longer kept."""
    return None if question.anonymous else question.author_id


def panelist_label(panelist: Panelist) -> str:
    return panelist.name + (f" ({panelist.organisation})" if panelist.organisation else "")


async def panelist_platform(session: AsyncSession, *, panelist_id: int) -> Platform:
    """The platform a panelist's organisation was linked to, for the card behind their button."""
    slug = await session.scalar(select(Panelist.platform_slug).where(Panelist.id == panelist_id))
    platform = slug and await session.scalar(
        select(Platform).options(selectinload(Platform.practices)).where(Platform.slug == slug)
    )
    if not platform:
        raise NotFoundError("That platform is no longer in the knowledge base.")
    return platform


# --- questions ------------------------------------------------------------------------------------------


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
    raise InvalidInputError(f"“{_quote(wanted, 60)}” is not on this panel. Pick one of: {names}.")


# Built once: every question runs them inside the write lock, and building a statement costs about as much
# as running it on SQLite.
_LOCK_PANEL = (
    select(Panel).where(Panel.id == bindparam("panel_id")).with_for_update().execution_options(populate_existing=True)
)
_MEMBER_QUESTIONS = select(
    func.max(Question.asked_at), func.count().filter(Question.status.in_((PENDING, OPEN)))
).where(Question.panel_id == bindparam("panel_id"), Question.author_id == bindparam("author_id"))
_TAKE_NUMBER = (
    update(Panel)
    .where(Panel.id == bindparam("panel_id"))
    .values(last_number=Panel.last_number + 1)
    .returning(Panel.last_number)
)


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
) -> Question:
    """Store a question under the next number, after every limit and the near-duplicate check passed.

    Synchronous: the bot runs it through the writer (db/writer.py), which commits many at once.
    """
    now = now or utcnow()
    text = CONTROL_CHARACTERS.sub("", text).strip()
    if len(text) < rules.min_length:
        raise InvalidInputError(
            f"Your question is too short: write at least {rules.min_length} characters (it has {len(text)})."
        )
    if len(text) > rules.max_length:
        raise InvalidInputError(
            f"Your question is too long: at most {rules.max_length} characters (it has {len(text)}). "
            "Shorten it a little and send it again."
        )
    # Lock the panel row first (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers), so two
    # questions of one member cannot both slip under the cooldown and numbers are handed out in turn.
    panel = session.scalar(_LOCK_PANEL, {"panel_id": panel_id})
    if panel is None:
        raise NotFoundError("That panel no longer exists.")
    if panel.status != PANEL_OPEN:
        raise ConflictError(f"“{_quote(panel.title)}” is closed: it no longer takes questions.")
    if anonymous and not panel.anonymous_allowed:
        raise InvalidInputError("This panel does not take anonymous questions; ask again without `anonymous`.")
    panelist = _resolve_panelist(session, panel_id, to)
    _check_member_limits(session, panel_id=panel_id, author_id=author_id, rules=rules, now=now)
    if not allow_similar:
        similar = find_similar_question(session, panel_id=panel_id, text=text)
        if similar is not None:
            raise SimilarQuestionError(similar)
    # Only now, with every check passed, is a number taken: a refusal never leaves a gap.
    number = session.connection().execute(_TAKE_NUMBER, {"panel_id": panel_id}).scalar_one()
    question = Question(
        panel_id=panel_id,
        number=number,
        text=text,
        panelist_id=panelist.id if panelist else None,
        author_id=author_id,
        anonymous=anonymous,
        status=PENDING if panel.moderated else OPEN,
        asked_at=now,
        approved_at=None if panel.moderated else now,
    )
    question.panel = panel
    question.panelist = panelist
    session.add(question)
    session.flush()
    return question


def _check_member_limits(
    session: Session, *, panel_id: int, author_id: int, rules: QuestionRules, now: datetime
) -> None:
    last_asked, waiting = (
        session.connection().execute(_MEMBER_QUESTIONS, {"panel_id": panel_id, "author_id": author_id}).one()
    )
    if last_asked is not None:
        wait = last_asked + timedelta(seconds=rules.cooldown_seconds) - now
        if wait > timedelta(0):
            seconds = max(1, round(wait.total_seconds()))
            raise LimitError(f"You just asked a question. You can ask again in {seconds} s.")
    if waiting >= rules.max_open_per_member:
        raise LimitError(
            f"You already have {waiting} questions waiting on this panel, the most one member may have. "
            "You can ask again once one is answered."
        )


# Every open question's text in one string: one row instead of a thousand (the per-row objects were two thirds
# of the near-duplicate check, which runs inside the write lock on every ask). Question text never holds the
# separator: ask_question drops control characters.
QUESTION_SEPARATOR = "\x1e"
_OPEN_QUESTION_TEXTS = select(func.aggregate_strings(Question.text, QUESTION_SEPARATOR)).where(
    Question.panel_id == bindparam("panel_id"), Question.status == OPEN
)
_OPEN_QUESTION_WITH_TEXT = (
    select(Question.id, Question.number)
    .where(Question.panel_id == bindparam("panel_id"), Question.status == OPEN, Question.text == bindparam("text"))
    .order_by(Question.number)
    .limit(1)
)


def find_similar_question(session: Session, *, panel_id: int, text: str) -> SimilarQuestion | None:
    """The visible open question that asks the same thing as `text` in other words, if any."""
    wanted = normalise_question(text)
    if not wanted:
        return None
    connection = session.connection()
    joined = connection.execute(_OPEN_QUESTION_TEXTS, {"panel_id": panel_id}).scalar()
    if not joined:
        return None
    texts = joined.split(QUESTION_SEPARATOR)
    # The C++ scorer shortlists by wording over all open questions at once (fuzz.ratio on the sorted words is
    # their token_sort_ratio, a tenth of the cost of the word-overlap score); the overlap test then runs only on
    # the few left.
    shortlist = process.extract(
        wanted,
        [normalise_question(text) for text in texts],
        scorer=fuzz.ratio,
        processor=None,
        score_cutoff=SIMILAR_SORT_SCORE,
        limit=None,
    )
    scored = [
        (similarity(wanted, candidate), index)
        for candidate, _score, index in shortlist
        if are_similar(wanted, candidate)
    ]
    # Best first; a text stored before control characters were dropped could hold the separator, and its pieces
    # name no question.
    for _score, index in sorted(scored, key=lambda pair: pair[0], reverse=True):
        found = connection.execute(_OPEN_QUESTION_WITH_TEXT, {"panel_id": panel_id, "text": texts[index]}).first()
        if found:
            return SimilarQuestion(found.id, found.number, texts[index])
    return None


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


async def question_by_number(session: AsyncSession, *, panel_id: int, number: int) -> Question:
    """A question of a panel by the number members see (#12)."""
    question = (
        await session.scalar(
            _loaded(select(Question).where(Question.panel_id == panel_id, Question.number == number))
        )
        if is_record_number(number)  # PostgreSQL refuses such a number before it could say "none"
        else None
    )
    if question is None:
        last = await session.scalar(select(Panel.last_number).where(Panel.id == panel_id)) or 0
        known = f"Questions run from #1 to #{last}." if last else "No question has been asked yet."
        raise NotFoundError(f"There is no question #{number} on this panel. {known}")
    return question


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
        PENDING: f"Question #{number} is waiting for a moderator; you can vote once it is shown.",
        HIDDEN: f"Question #{number} was hidden by a moderator, so it cannot be voted on.",
        ANSWERED: f"Question #{number} has already been answered; votes on it are closed.",
    }.get(status)
    if refusal:
        raise ConflictError(refusal)
    # Insert-or-nothing first: a double click racing this one on a backend that does not serialise
    # writers finds the vote there instead of failing on the primary key.
    vote = {"question_id": question_id, "member_id": member_id}
    voted = connection.execute(_ADD_VOTE[connection.dialect.name], {**vote, "voted_at": utcnow()}).rowcount == 1
    if not voted:
        connection.execute(_TAKE_BACK_VOTE, vote)
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
        raise InvalidInputError(f"Sort by {' or '.join(SORTS)}.")
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
    session: Session, *, channel_id: int, statuses: Iterable[str], sort: str
) -> tuple[Panel, list[RankedQuestion]]:
    """The channel's panel and its questions in the given states (`/panel questions`)."""
    panel = channel_panel(session, channel_id=channel_id)
    return panel, list_questions(session, panel_id=panel.id, statuses=statuses, sort=sort)


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


# --- moderation -----------------------------------------------------------------------------------------


async def approve_question(session: AsyncSession, *, question_id: int, moderator_id: int) -> Question:
    """Show a pending (or earlier hidden) question to everyone."""
    question = await session.run_sync(question_by_id, question_id)
    if question.status in (OPEN, ANSWERED):
        raise ConflictError(f"Question #{question.number} is already visible.")
    question.status = OPEN
    question.approved_at = utcnow()
    question.hidden_at = None
    question.decided_by = moderator_id
    await session.flush()
    return question


async def hide_question(session: AsyncSession, *, question_id: int, moderator_id: int) -> Question:
    """Take a question out of sight; its text stays in the export for the organisers."""
    question = await session.run_sync(question_by_id, question_id)
    if question.status == HIDDEN:
        raise ConflictError(f"Question #{question.number} is already hidden.")
    question.status = HIDDEN
    question.hidden_at = utcnow()
    question.decided_by = moderator_id
    await session.flush()
    return question


async def mark_answered(session: AsyncSession, *, question_id: int, moderator_id: int) -> Question:
    """Record that the panel answered an open question."""
    question = await session.run_sync(question_by_id, question_id)
    refusal = {
        PENDING: f"Question #{question.number} has not been approved yet; approve it first.",
        HIDDEN: f"Question #{question.number} is hidden; approve it first if it was answered.",
        ANSWERED: f"Question #{question.number} is already marked answered.",
    }.get(question.status)
    if refusal:
        raise ConflictError(refusal)
    question.status = ANSWERED
    question.answered_at = utcnow()
    question.decided_by = moderator_id
    await session.flush()
    return question


async def advance_panel(session: AsyncSession, *, panel_id: int, moderator_id: int) -> Advance:
    """Mark the question being answered as answered and put the most upvoted open one up next."""
    panel = await session.run_sync(panel_by_id, panel_id)
    if panel.status != PANEL_OPEN:
        raise ConflictError(f"“{_quote(panel.title)}” is closed. Reopen it with `/panel reopen` to go on.")
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
    return Advance(answered=answered, current=top[0] if top else None)


async def next_pending_question(session: AsyncSession, *, panel_id: int) -> tuple[Question | None, int]:
    """The oldest question waiting for approval on a panel, and how many wait in all."""
    waiting = (
        await session.scalar(
            select(func.count()).select_from(Question).where(Question.panel_id == panel_id, Question.status == PENDING)
        )
        or 0
    )
    question = await session.scalar(
        _loaded(select(Question).where(Question.panel_id == panel_id, Question.status == PENDING))
        .order_by(Question.number)
        .limit(1)
    )
    return question, waiting


async def unposted_questions(session: AsyncSession) -> list[Question]:
    """Visible questions of open panels that were stored but never posted (the bot stopped in between)."""
    return list(
        (
            await session.scalars(
                _loaded(select(Question))
                .join(Panel, Panel.id == Question.panel_id)
                .where(Panel.status == PANEL_OPEN, Question.status == OPEN, Question.message_id.is_(None))
                .order_by(Question.id)
            )
        ).all()
    )


async def member_questions(session: AsyncSession, *, member_id: int) -> list[Question]:
    """Every question a member asked, anonymous ones included, for their own data request."""
    return list(
        (
            await session.scalars(
                _loaded(select(Question)).where(Question.author_id == member_id).order_by(Question.id)
            )
        ).all()
    )


# --- export ---------------------------------------------------------------------------------------------

EXPORT_COLUMNS = ("number", "text", "panelist", "status", "votes", "asked_at", "answered_at", "author")


# None where a question has no panelist or no answer yet: null in JSON, an empty cell in CSV (csv writes None so).
ExportRow = dict[str, str | int | None]


def _export_rows(ranked: list[RankedQuestion]) -> list[ExportRow]:
    rows: list[ExportRow] = []
    for item in sorted(ranked, key=lambda item: item.question.number):
        question = item.question
        # The Discord user id, which moderators can look up; an anonymous author stays anonymous here too.
        author = shown_author(question)
        rows.append(
            {
                "number": question.number,
                "text": question.text,
                "panelist": panelist_label(question.panelist) if question.panelist else None,
                "status": question.status,
                "votes": item.votes,
                "asked_at": question.asked_at.isoformat(timespec="seconds"),
                "answered_at": question.answered_at.isoformat(timespec="seconds") if question.answered_at else None,
                "author": "anonymous" if author is None else str(author),
            }
        )
    return rows


def _csv_cell(value: str | int | None) -> str | int | None:
    # A cell starting with = + - @ is run as a formula by spreadsheet apps; a leading quote keeps it text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _render_csv(rows: list[ExportRow]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS)
    writer.writeheader()
    writer.writerows({key: _csv_cell(value) for key, value in row.items()} for row in rows)
    return buffer.getvalue()


def _render_markdown(panel: Panel, rows: list[ExportRow]) -> str:
    lines = [f"# {panel.title}", "", f"Panel opened {panel.created_at.isoformat(timespec='minutes')} UTC."]
    if panel.panelists:
        lines += ["", "Panelists: " + "; ".join(panelist_label(p) for p in panel.panelists)]
    lines += ["", f"{len(rows)} questions.", ""]
    for row in rows:
        to = f" — to {row['panelist']}" if row["panelist"] else ""
        answered = f", answered {row['answered_at']}" if row["answered_at"] else ""
        lines += [
            f"## #{row['number']} ({row['status']}, {row['votes']} votes){to}",
            "",
            # Indented as a quote so a question that contains markdown cannot restructure the file.
            *(f"> {line}" if line else ">" for line in str(row["text"]).splitlines()),
            "",
            f"Asked {row['asked_at']}{answered} by {row['author']}.",
            "",
        ]
    return "\n".join(lines)


async def export_panel(session: AsyncSession, *, panel_id: int, fmt: str) -> ExportFile:
    """Every question of a panel as a file; anonymous authors are written as "anonymous", never their id."""
    if fmt not in EXPORT_FORMATS:
        raise InvalidInputError(f"Export as {', '.join(EXPORT_FORMATS)}.")
    panel = await session.run_sync(panel_by_id, panel_id)
    ranked = await session.run_sync(list_questions, panel_id=panel_id, statuses=(PENDING, OPEN, ANSWERED, HIDDEN))
    rows = _export_rows(ranked)
    if fmt == "csv":
        content, extension = _render_csv(rows), "csv"
    elif fmt == "json":
        header = {"id": panel.id, "title": panel.title, "opened_at": panel.created_at.isoformat()}
        content = json.dumps({"panel": header, "questions": rows}, ensure_ascii=False, indent=2)
        extension = "json"
    else:
        content, extension = _render_markdown(panel, rows), "md"
    slug = re.sub(r"[^a-z0-9]+", "-", fold(panel.title)).strip("-")[:50] or "panel"
    return ExportFile(filename=f"panel-{panel.id}-{slug}.{extension}", content=content.encode(), count=len(rows))
