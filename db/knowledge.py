"""Best practices: search, full texts, member submissions and their review; and /find across everything."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, selectinload

from db.lexicon import load_lexicon
from db.models import Panel, Platform, Practice, Question
from db.models.knowledge import MEMBER, practice_platforms
from db.models.panels import ANSWERED
from db.platforms import (
    CONFIDENT_MATCH,
    NameMatch,
    PlatformDirectory,
    cached_platform_directory,
    platform_directory,
    resolve_country,
)
from db.search import (
    ANSWER_KIND,
    PanelSource,
    SearchHit,
    bump_revision,
    cached_vocabulary,
    graded_search,
    knowledge_stamp,
    query_terms,
    search_documents,
    upsert_document,
)
from db.semantic import embedder_of, semantic_index
from db.session_state import lookup_caches
from rules.errors import ConflictError, InvalidInputError, LimitError, NotFoundError, quoted
from rules.folding import fold
from rules.i18n import N_
from rules.text import web_address

PUBLISHED = "published"
PENDING = "pending"
REJECTED = "rejected"
MAX_PENDING_PER_MEMBER = 5


def warm_lookup_caches(session: Session) -> None:
    """Build the name directory, the typo vocabulary and the index for search by meaning now, so the first
    lookups after a start don't (with 100,000 practices the vocabulary alone is ~0.2 s)."""
    cached_platform_directory(session)
    cached_vocabulary(session)
    embedder = embedder_of(session)
    if embedder is not None:
        semantic_index(session, embedder, knowledge_stamp(session))
        # The model's first question costs several times a later one (its pages mapped in, its threads started).
        embedder.start_query("warm-up").result()


# A practice card names its platforms: their long JSON fields (people, activities, impact) are not loaded.
_PLATFORM_NAMES = selectinload(Practice.platforms).load_only(
    Platform.id, Platform.slug, Platform.name, Platform.acronym, Platform.country
)


def get_practice(session: Session, key: str) -> Practice:
    """A published practice by slug (what autocomplete sends) or, failing that, its best title match."""
    practice = session.scalar(
        select(Practice).options(_PLATFORM_NAMES).where(Practice.slug == key.strip(), Practice.status == PUBLISHED)
    )
    if practice is not None:
        return practice
    hits = search_documents(session, key, kinds=("practice",), limit=1, match_any=False)
    if not hits:
        nearby = search_documents(session, key, kinds=("practice",), limit=3)
        if nearby:
            raise NotFoundError(
                "No practice matches “{key}”. Did you mean: {titles}?",
                key=quoted(key),
                titles=" · ".join(hit.title for hit in nearby),
            )
        raise NotFoundError("No practice matches “{key}”. Try `/practice search`.", key=quoted(key))
    practice = session.scalar(select(Practice).options(_PLATFORM_NAMES).where(Practice.id == hits[0].ref_id))
    assert practice is not None
    return practice


def autocomplete_practices(session: Session, current: str, limit: int = 25) -> list[tuple[str, str]]:
    """(title, slug) choices for a practice title being typed."""
    if not current.strip():
        rows = session.execute(
            select(Practice.title, Practice.slug)
            .where(Practice.status == PUBLISHED)
            .order_by(Practice.title)
            .limit(limit)
        )
        return [(title, slug) for title, slug in rows]
    # A title being typed: its last word is half a word, which has no meaning to rank by.
    hits = search_documents(session, current, kinds=("practice",), limit=limit, by_meaning=False)
    slugs = dict(session.connection().execute(_SLUGS, {"ids": [hit.ref_id for hit in hits]}).all())
    return [(hit.title, slugs[hit.ref_id]) for hit in hits if hit.ref_id in slugs]


# Built once: autocomplete runs it on every keystroke.
_SLUGS = select(Practice.id, Practice.slug).where(Practice.id.in_(bindparam("ids", expanding=True)))


@dataclass(frozen=True)
class PlatformLabel:
    slug: str
    name: str
    acronym: str | None


@dataclass(frozen=True)
class PracticeListing:
    """A practice as a list of results shows it, read as plain rows: building ORM objects and their
    platform collections was over half of a search's time on the shipped data."""

    id: int
    slug: str
    title: str
    summary: str
    country: str | None
    topics: list[str]
    origin: str
    platforms: list[PlatformLabel]


@dataclass(frozen=True)
class PracticeResult:
    practice: PracticeListing
    score: float


# Built once (each search runs them): the listed practices, and their platforms A–Z as a card lists them.
_LISTINGS = select(
    Practice.id, Practice.slug, Practice.title, Practice.summary, Practice.country, Practice.topics, Practice.origin
).where(Practice.id.in_(bindparam("ids", expanding=True)))
_LISTED_PLATFORMS = (
    select(practice_platforms.c.practice_id, Platform.slug, Platform.name, Platform.acronym)
    .join(Platform, Platform.id == practice_platforms.c.platform_id)
    .where(practice_platforms.c.practice_id.in_(bindparam("ids", expanding=True)))
    .order_by(Platform.name)
)


def search_practices(
    session: Session,
    query: str,
    *,
    topic: str | None = None,
    country: str | None = None,
    limit: int = 50,
) -> list[PracticeResult]:
    """Published practices ranked for a query, best first, optionally within one topic or country."""
    return graded_practice_search(session, query, topic=topic, country=country, limit=limit).results


@dataclass(frozen=True)
class PracticeSearch:
    results: list[PracticeResult]
    weak: bool


def graded_practice_search(
    session: Session,
    query: str,
    *,
    topic: str | None = None,
    country: str | None = None,
    limit: int = 50,
) -> PracticeSearch:
    """`search_practices`, also saying whether it found nothing or only weak matches (a knowledge gap)."""
    if country:
        country = resolve_country(session, country)
    graded = graded_search(session, query, kinds=("practice",), topic=topic, country=country, limit=limit)
    hits = graded.hits
    if not hits:
        return PracticeSearch([], True)
    ids = {"ids": [hit.ref_id for hit in hits]}
    connection = session.connection()
    platforms: dict[int, list[PlatformLabel]] = {}
    for practice_id, *label in connection.execute(_LISTED_PLATFORMS, ids):
        platforms.setdefault(practice_id, []).append(PlatformLabel(*label))
    listings = {
        row.id: PracticeListing(*row, platforms=platforms.get(row.id, [])) for row in connection.execute(_LISTINGS, ids)
    }
    results = [PracticeResult(listings[hit.ref_id], hit.score) for hit in hits if hit.ref_id in listings]
    return PracticeSearch(results, not (results and graded.strong))


def find_anything(session: Session, query: str, *, limit: int = 10) -> list[SearchHit]:
    """Best matches across platforms, practices and events; a platform named outright comes first."""
    return graded_find(session, query, limit=limit).hits


@dataclass(frozen=True)
class FindResult:
    hits: list[SearchHit]
    weak: bool


def graded_find(session: Session, query: str, *, limit: int = 10) -> FindResult:
    """`find_anything`, also saying whether it found nothing or only weak matches (a knowledge gap)."""
    graded = graded_search(session, query, limit=limit)
    hits, strong = graded.hits, graded.strong
    directory = cached_platform_directory(session)
    named = directory.match(query, limit=1, cutoff=NAMED_MATCH)
    if named:
        strong = True
    if named and named[0].field not in ("country", "region"):
        platform_id = named[0].platform_id
        hits = [hit for hit in hits if not (hit.kind == "platform" and hit.ref_id == platform_id)]
        platform = session.get(Platform, platform_id)
        if platform is not None:
            hits.insert(0, SearchHit("platform", platform.id, platform.name, platform.summary[:240], named[0].score))
    translated = load_lexicon().translate(query)
    # Most queries are already in the index's words: their name match is the one just made (a fuzzy pass
    # over every name is a few milliseconds with 10,000 platforms).
    if translated == fold(query).strip():
        place = _place_named(named, translated)
    elif len(query_terms(translated)) <= _longest_place(session, directory):
        place = _place_named(directory.match(translated, limit=1, cutoff=NAMED_MATCH), translated)
    else:
        place = None
    if place is not None and not any(hit.kind == "platform" for hit in hits[:1]):
        platform = session.get(Platform, place.platform_id)
        if platform is not None:
            hits = [hit for hit in hits if not (hit.kind == "platform" and hit.ref_id == platform.id)]
            hits.insert(0, SearchHit("platform", platform.id, platform.name, platform.summary[:240], place.score))
            strong = True
    if _asks_about_practice(translated, place):
        hits = _practices_before_their_platform(session, hits)
    return FindResult(_with_panel_sources(session, hits[:limit]), not (hits and strong))


# Built once: the panel answers among a page of hits, read as they are now (text, answer, panel, day).
_ANSWERS = (
    select(Question.id, Question.text, Question.answer_text, Panel.title, Panel.created_at)
    .join(Panel, Panel.id == Question.panel_id)
    .where(
        Question.id.in_(bindparam("ids", expanding=True)),
        Question.status == ANSWERED,
        Question.answer_text.is_not(None),
    )
)


def _with_panel_sources(session: Session, hits: list[SearchHit]) -> list[SearchHit]:
    """Give each panel answer its answer as the snippet and its panel and day as the source; a question no
    longer answered in writing is dropped, whatever the index still says."""
    ids = [hit.ref_id for hit in hits if hit.kind == ANSWER_KIND]
    if not ids:
        return hits
    answers = {row.id: row for row in session.connection().execute(_ANSWERS, {"ids": ids})}
    shown = []
    for hit in hits:
        if hit.kind != ANSWER_KIND:
            shown.append(hit)
        elif (row := answers.get(hit.ref_id)) is not None and row.answer_text.strip():
            source = PanelSource(row.title, row.created_at.date())
            shown.append(SearchHit(hit.kind, hit.ref_id, row.text, row.answer_text[:240], hit.score, source))
    return shown


# A name match at least this good is the platform or place the query names.
NAMED_MATCH = CONFIDENT_MATCH + 8
# A query of this many terms asks something about a platform rather than naming it ("how is LUMA funded").
QUESTION_TERMS = 3
# Words that ask for an organisation: then the platform card is the answer ("Danish national science centre").
ORGANISATION_WORDS = frozenset(
    "centre center centres centers network platform platforms organisation organization agency university "
    "universities ministry alliance institute council coalition association".split()
)


def _asks_about_practice(translated: str, place: NameMatch | None) -> bool:
    """Whether a query (in the index's words) asks how something is done rather than for an organisation or a
    place."""
    if len(query_terms(translated)) < QUESTION_TERMS or ORGANISATION_WORDS.intersection(translated.split()):
        return False
    return place is None


PLACE_FIELDS = ("country", "region")


def _longest_place(session: Session, directory: PlatformDirectory) -> int:
    """How many terms the longest country or region name has: a query of more terms names no place."""

    def count() -> int:
        return max((len(query_terms(key.label)) for key in directory.keys if key.field in PLACE_FIELDS), default=0)

    caches = lookup_caches(session)
    return caches.get("longest_place", caches.revisions().get("directory", ""), count)


def _place_named(matches: list[NameMatch], translated: str) -> NameMatch | None:
    """The country or region a query consists of ("NRW", "UK", "Norway"), if that is all it says, from the
    query's best name match."""
    if not matches or matches[0].field not in PLACE_FIELDS:
        return None
    return matches[0] if len(query_terms(matches[0].label)) >= len(query_terms(translated)) else None


def _practices_before_their_platform(session: Session, hits: list[SearchHit]) -> list[SearchHit]:
    """Move each platform just below the first of its own practices among the hits: that practice answers
    the question; the platform card is one place further down."""
    practice_ids = [hit.ref_id for hit in hits if hit.kind == "practice"]
    if not practice_ids:
        return hits
    owners: dict[int, set[int]] = {}
    for practice_id, platform_id in session.connection().execute(_OWNERS, {"ids": practice_ids}):
        owners.setdefault(practice_id, set()).add(platform_id)
    ordered = list(hits)
    for hit in [hit for hit in hits if hit.kind == "platform"]:
        position = ordered.index(hit)
        platform_id = hit.ref_id
        own = [i for i, o in enumerate(ordered) if o.kind == "practice" and platform_id in owners.get(o.ref_id, ())]
        answering = own[0] if own else None
        if answering is not None and answering > position:
            ordered.insert(answering, ordered.pop(position))
    return ordered


_OWNERS = select(practice_platforms.c.practice_id, practice_platforms.c.platform_id).where(
    practice_platforms.c.practice_id.in_(bindparam("ids", expanding=True))
)


async def index_practice(session: AsyncSession, practice: Practice) -> None:
    platforms = " ".join(f"{p.name} {p.acronym or ''}" for p in practice.platforms)
    body = "\n".join(
        part
        for part in (
            practice.summary,
            practice.details,
            platforms,
            practice.country or "",
            practice.submitted_platform or "",
        )
        if part
    )
    await upsert_document(
        session,
        kind="practice",
        ref_id=practice.id,
        title=practice.title,
        body=body,
        country=practice.country,
        topics=practice.topics,
    )


# --- Member submissions -------------------------------------------------------------------------------------

TITLE_LIMITS = (5, 120)
SUMMARY_LIMITS = (10, 500)
DETAILS_MAX = 3000


@dataclass(frozen=True)
class Submission:
    title: str
    summary: str
    details: str = ""
    where: str = ""
    link: str = ""


# What a member is told when a field of their submission is too short or too long.
LENGTH_REFUSALS = {
    "title": N_("The title must be {low}–{high} characters long (it is {length})."),
    "summary": N_("The summary must be {low}–{high} characters long (it is {length})."),
    "details": N_("The details must be {low}–{high} characters long (they are {length})."),
}


def _check_length(label: str, value: str, low: int, high: int) -> str:
    value = value.strip()
    if not low <= len(value) <= high:
        raise InvalidInputError(LENGTH_REFUSALS[label], low=low, high=high, length=len(value))
    return value


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:80] or "practice"


async def submit_practice(session: AsyncSession, *, submission: Submission, submitted_by: int) -> Practice:
    """Store a member's practice as pending review; the text is kept exactly as written."""
    title = _check_length("title", submission.title, *TITLE_LIMITS)
    summary = _check_length("summary", submission.summary, *SUMMARY_LIMITS)
    details = _check_length("details", submission.details, 0, DETAILS_MAX)
    link = web_address(submission.link, longest=300)
    pending = await session.scalar(
        select(func.count())
        .select_from(Practice)
        .where(Practice.submitted_by == submitted_by, Practice.status == PENDING)
    )
    if pending and pending >= MAX_PENDING_PER_MEMBER:
        raise LimitError(
            "You already have {pending} submissions waiting for review; please wait until moderators have seen them.",
            pending=pending,
        )
    duplicate = await session.scalar(
        select(Practice.id).where(func.lower(Practice.title) == title.lower(), Practice.status != REJECTED)
    )
    if duplicate is not None:
        raise ConflictError("A practice with this title already exists or is waiting for review.")
    where = submission.where.strip()[:200]
    platforms: list[Platform] = []
    country: str | None = None
    if where:
        matches = (await platform_directory(session)).match(where, limit=1, cutoff=CONFIDENT_MATCH + 5)
        if matches:
            platform = await session.get(Platform, matches[0].platform_id)
            if platform is not None:
                country = platform.country
                if matches[0].field not in ("country", "region"):
                    platforms.append(platform)
    practice = Practice(
        slug=f"{slugify(title)}-{int(datetime.now(UTC).timestamp() * 1000) % 10**8:x}",
        title=title,
        summary=summary,
        details=details,
        country=country,
        topics=[],
        sources=[],
        link=link,
        origin=MEMBER,
        status=PENDING,
        submitted_by=submitted_by,
        submitted_platform=where or None,
        platforms=platforms,
    )
    session.add(practice)
    await session.flush()
    return practice


async def next_pending_practice(session: AsyncSession) -> tuple[Practice | None, int]:
    """The oldest submission waiting for review, and how many wait in all."""
    total = await session.scalar(select(func.count()).select_from(Practice).where(Practice.status == PENDING)) or 0
    practice = await session.scalar(
        select(Practice)
        .options(selectinload(Practice.platforms))
        .where(Practice.status == PENDING)
        .order_by(Practice.created_at, Practice.id)
        .limit(1)
    )
    return practice, total


async def review_practice(session: AsyncSession, *, practice_id: int, moderator_id: int, approve: bool) -> Practice:
    """Approve (publish and index) or reject a pending submission; reviewing twice is refused."""
    practice = await session.scalar(
        select(Practice).options(selectinload(Practice.platforms)).where(Practice.id == practice_id)
    )
    if practice is None or practice.origin != MEMBER:
        raise NotFoundError("That submission no longer exists.")
    if practice.status != PENDING:
        raise ConflictError(
            "That submission was already approved."
            if practice.status == PUBLISHED
            else "That submission was already rejected."
        )
    practice.status = PUBLISHED if approve else REJECTED
    practice.reviewed_by = moderator_id
    practice.reviewed_at = datetime.now(UTC)
    await session.flush()
    if approve:
        await index_practice(session, practice)
        await bump_revision(session)
    return practice


async def decide_practice(
    session: AsyncSession, *, practice_id: int, moderator_id: int, approve: bool
) -> tuple[Practice, int]:
    """Review a submission, and say how many others still wait."""
    practice = await review_practice(session, practice_id=practice_id, moderator_id=moderator_id, approve=approve)
    _next, waiting = await next_pending_practice(session)
    return practice, waiting


def practice_by_id(session: Session, practice_id: int) -> Practice:
    """A published practice by id, for buttons on cards posted earlier."""
    practice = session.scalar(
        select(Practice).options(_PLATFORM_NAMES).where(Practice.id == practice_id, Practice.status == PUBLISHED)
    )
    if practice is None:
        raise NotFoundError("That practice is no longer available.")
    return practice
