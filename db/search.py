"""Full-text search over platforms, practices and events: relevance ranking with a typo-correcting fallback.

SQLite uses FTS5 (BM25, porter stemming, accents folded); PostgreSQL a generated, weighted tsvector with a
GIN index (English stemming; accents are reached through the typo fallback, which knows the accented words).
Whatever a member types is reduced to plain word terms and quoted, so no text can reach FTS5's query
syntax (quotes, AND, NEAR(, *, column filters) and fail.
"""

from __future__ import annotations

import bisect
import functools
import math
import sys
import uuid
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz, process
from sqlalchemy import TextClause, delete, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from db.lexicon import load_lexicon
from db.models import KnowledgeRevision, SearchDocument
from db.semantic import Neighbour, embedder_of, semantic_index
from db.session_state import lookup_caches
from rules.folding import STOPWORDS, WORD, fold

MAX_TERMS = 16
MAX_TERM_LENGTH = 40
TYPO_MIN_SCORE = 75
# Per FTS5 column (title, body, topics, kind, country): a title match counts ten times a body match, topic
# labels in between; kind and country are there to filter, not to rank.
BM25_WEIGHTS = "10.0, 1.0, 4.0, 0.0, 0.0"
# Ranking scores each matching document, so its cost grows with the matches: at most this many (the
# first by insertion order; shipped data first) are ranked, bounding latency whatever the corpus size.
# bm25() costs ~3 µs per ranked document here, so 2,000 is ~6 ms per pass; the shipped data never reaches it.
RANKED_CANDIDATES = 2000
# The any-term fallback matches far more documents and ranks a weaker query: half as many.
ANY_TERM_CANDIDATES = RANKED_CANDIDATES // 2
# Fall back to matching any term only when all terms together fill less than a page.
FALLBACK_BELOW = 8


# Search by meaning: how many documents each side brings to the fused ranking, what each side weighs, how far
# below the closest document a neighbour still counts, the cosine a neighbour needs to be shown without a word in
# common (or a lower one when it stands out from the rest by STANDS_OUT deviations: questions in languages the
# lexicon lacks), and the cosine that makes a lookup "strong", not a knowledge gap. Tuned on
# tests/data/member_questions.yaml and 30 further questions; unrelated questions (a car engine, bitcoin, bread)
# reached 0.823 at most, and never both 0.815 and 3.1 deviations.
FUSION_DEPTH = 20
WORDS_WEIGHT = 1.0
MEANING_WEIGHT = 1.0
MEANING_SPREAD = 0.03
SEMANTIC_FLOOR = 0.85
SEMANTIC_FLOOR_STANDING_OUT = 0.815
STANDS_OUT = 3.1
SEMANTIC_STRONG = 0.86

# A panel question answered in writing (ref_id is the question's id); migration 0015 keeps these documents.
ANSWER_KIND = "answer"


@dataclass(frozen=True)
class PanelSource:
    """Where a panel answer was given: the panel's title and the day it opened."""

    panel: str
    day: date


@dataclass(frozen=True)
class SearchHit:
    kind: str
    ref_id: int
    title: str
    snippet: str
    score: float
    # Set on panel answers only.
    source: PanelSource | None = None


def query_terms(query: str) -> list[str]:
    """The distinct word terms of a query, stopwords dropped, bounded in number and length."""
    words: list[str] = []
    for word in WORD.findall(fold(query)):
        word = word[:MAX_TERM_LENGTH]
        if word not in words:
            words.append(word)
        if len(words) >= MAX_TERMS * 2:
            break
    meaningful = [word for word in words if word not in STOPWORDS]
    return (meaningful or words)[:MAX_TERMS]


def fts_expression(terms: list[str], *, match_all: bool, country: str | None = None, topic: str | None = None) -> str:
    """An FTS5 MATCH expression of quoted terms (quoting makes every term a plain string), narrowed to a
    country's and a topic's documents inside the index, where the narrowing is cheap."""
    # The terms are looked for in the text columns only: "platform" or "Finland" in a query is not a match
    # for every platform or every Finnish document through the filter columns.
    expression = "{title body topics} : (" + (" AND " if match_all else " OR ").join(f'"{t}"' for t in terms) + ")"
    for column, value in (("country", country), ("topics", topic)):
        phrase = " ".join(WORD.findall(fold(value or "")))
        if phrase:
            expression = f'({expression}) AND {column} : "{phrase}"'
    return expression


def topics_cell(topics: list[str]) -> str:
    return "|" + "|".join(topics) + "|" if topics else ""


async def upsert_document(
    session: AsyncSession,
    *,
    kind: str,
    ref_id: int,
    title: str,
    body: str,
    country: str | None = None,
    topics: list[str] | None = None,
) -> None:
    """Create or refresh the search document of one platform, practice or event."""
    document = await session.scalar(
        select(SearchDocument).where(SearchDocument.kind == kind, SearchDocument.ref_id == ref_id)
    )
    cell = topics_cell(topics or [])
    if document is None:
        session.add(SearchDocument(kind=kind, ref_id=ref_id, title=title, body=body, country=country, topics=cell))
    elif (document.title, document.body, document.country, document.topics) != (title, body, country, cell):
        document.title, document.body, document.country, document.topics = title, body, country, cell
    await session.flush()


async def delete_document(session: AsyncSession, *, kind: str, ref_id: int) -> None:
    await session.execute(delete(SearchDocument).where(SearchDocument.kind == kind, SearchDocument.ref_id == ref_id))


def search_documents(
    session: Session,
    query: str,
    *,
    kinds: tuple[str, ...] | None = None,
    country: str | None = None,
    topic: str | None = None,
    limit: int = 10,
    offset: int = 0,
    match_any: bool = True,
    by_meaning: bool = True,
) -> list[SearchHit]:
    """Rank documents for a query, best first: all terms, else any term, else typo-corrected terms; and, unless
    `by_meaning` is off (a title being typed, a word at a time), by closeness in meaning.

    With `match_any=False` every term (or its typo correction) must match: for naming one thing exactly.
    """
    return graded_search(
        session,
        query,
        kinds=kinds,
        country=country,
        topic=topic,
        limit=limit,
        offset=offset,
        match_any=match_any,
        by_meaning=by_meaning,
    ).hits


@dataclass(frozen=True)
class GradedHits:
    """Hits, and whether any of them holds every term of the query as typed (else they are weak matches)."""

    hits: list[SearchHit]
    strong: bool


def graded_search(
    session: Session,
    query: str,
    *,
    kinds: tuple[str, ...] | None = None,
    country: str | None = None,
    topic: str | None = None,
    limit: int = 10,
    offset: int = 0,
    match_any: bool = True,
    by_meaning: bool = True,
) -> GradedHits:
    """`search_documents`, also saying whether the all-terms pass found anything."""
    terms = query_terms(load_lexicon().translate(query))
    if not terms:
        return GradedHits([], False)
    search = _fts_search if session.get_bind().dialect.name == "sqlite" else _postgres_search
    # Naming one thing exactly is a matter of words; anything else is also searched by meaning, the
    # question embedded on the model's thread while the words are looked up on this one.
    embedder = embedder_of(session) if match_any and by_meaning else None
    index = semantic_index(session, embedder, knowledge_stamp(session)) if embedder is not None else None
    question = embedder.start_query(query) if embedder is not None and index is not None else None
    wanted = offset + limit
    depth = max(wanted, FUSION_DEPTH) if question is not None else wanted
    hits = search(session, terms, True, kinds, country, topic, depth)
    strong = bool(hits)
    if match_any and len(hits) < min(wanted, FALLBACK_BELOW) and len(terms) > 1:
        seen = {(hit.kind, hit.ref_id) for hit in hits}
        telling = _telling_terms(session, terms, country, topic)
        if telling:
            more = search(session, telling, False, kinds, country, topic, depth)
            hits += [hit for hit in more if (hit.kind, hit.ref_id) not in seen]
    if not hits:
        corrected = correct_terms(session, terms)
        if corrected != terms:
            hits = search(session, corrected, not match_any, kinds, country, topic, depth)
            # Guessed spellings stay weak: nonsense words "correct" to something too.
    if question is not None and index is not None:
        neighbours = index.nearest(question.result(), kinds=kinds, country=country, topic=topic, limit=FUSION_DEPTH)
        hits = fuse(hits, neighbours)
        strong = strong or bool(neighbours and neighbours[0].similarity >= SEMANTIC_STRONG)
    return GradedHits(hits[offset:wanted], strong)


def shown_by_meaning_alone(neighbour: Neighbour) -> bool:
    """Close enough to show without a word in common: close in absolute terms, or nearly so and standing out."""
    return neighbour.similarity >= SEMANTIC_FLOOR or (
        neighbour.similarity >= SEMANTIC_FLOOR_STANDING_OUT and neighbour.standing >= STANDS_OUT
    )


def fuse(lexical: list[SearchHit], neighbours: list[Neighbour]) -> list[SearchHit]:
    """One ranking from the words' and the meaning's: each document scores its word rank (relative to the
    best) plus its closeness to the question (relative to the closest document); a document found by meaning
    alone must also be close in absolute terms, so a question the base cannot answer still finds nothing."""
    scores: dict[tuple[str, int], float] = {}
    shown: dict[tuple[str, int], SearchHit] = {}
    best_words = max((hit.score for hit in lexical), default=0.0)
    for hit in lexical:
        key = (hit.kind, hit.ref_id)
        shown[key] = hit
        scores[key] = WORDS_WEIGHT * (hit.score / best_words if best_words > 0 else 0.0)
    closest = neighbours[0].similarity if neighbours else 0.0
    for neighbour in neighbours:
        key = (neighbour.kind, neighbour.ref_id)
        closeness = (neighbour.similarity - (closest - MEANING_SPREAD)) / MEANING_SPREAD
        if closeness <= 0:
            break
        if key not in shown:
            if not shown_by_meaning_alone(neighbour):
                continue
            shown[key] = SearchHit(neighbour.kind, neighbour.ref_id, neighbour.title, neighbour.snippet, 0.0)
            scores[key] = 0.0
        scores[key] += MEANING_WEIGHT * closeness
    ranked = sorted(shown, key=lambda key: -scores[key])
    return [
        SearchHit(shown[key].kind, shown[key].ref_id, shown[key].title, shown[key].snippet, scores[key])
        for key in ranked
    ]


@functools.lru_cache(maxsize=256)
def _sql(statement: str) -> TextClause:
    """A text() statement built once per distinct SQL (a few dozen: terms, filters, dialect). Building one
    parses the SQL for its parameters each time, which cost as much as running it on the shipped data."""
    return text(statement)


def _telling_terms(session: Session, terms: list[str], country: str | None, topic: str | None) -> list[str]:
    """The terms worth an any-term pass: those matching fewer documents than it ranks (all that match, if
    none do; none if no term matches anything, as when every word is misspelt: then only correcting helps).

    A term matching more would fill the candidates by itself, in index order: an arbitrary thousand of its
    documents, burying those with the rarer words that say what the member is after ("employee" and "per"
    in "one employee per region", where "one" is stemmed to "on" and "region" is everywhere). Counting
    stops at the cap, so even a word in every document costs little.
    """
    if session.get_bind().dialect.name == "sqlite":
        probe = "SELECT 1 FROM search_fts WHERE search_fts MATCH :match{i} LIMIT :cap"
        matches = [fts_expression([term], match_all=True, country=country, topic=topic) for term in terms]
    else:
        probe = "SELECT 1 FROM search_documents WHERE search_vector @@ to_tsquery('english', :match{i}) LIMIT :cap"
        matches = terms
    # One statement, one count per term (on PostgreSQL over every document: the filters come later).
    probes = ", ".join(f"(SELECT count(*) FROM ({probe.format(i=i)}) AS m{i})" for i in range(len(terms)))
    parameters = {"cap": ANY_TERM_CANDIDATES, **{f"match{i}": match for i, match in enumerate(matches)}}
    counts = session.connection().execute(_sql(f"SELECT {probes}"), parameters).one()
    found = [(term, count) for term, count in zip(terms, counts, strict=True) if count]
    telling = [term for term, count in found if count < ANY_TERM_CANDIDATES]
    return telling or [term for term, _count in found]


def _fts_search(
    session: Session,
    terms: list[str],
    match_all: bool,
    kinds: tuple[str, ...] | None,
    country: str | None,
    topic: str | None,
    limit: int,
) -> list[SearchHit]:
    params: dict[str, object] = {
        "match": fts_expression(terms, match_all=match_all, country=country, topic=topic),
        "limit": limit,
        "candidates": RANKED_CANDIDATES if match_all else ANY_TERM_CANDIDATES,
    }
    # The index narrows by country and topic word by word; these make it exact ("Ireland" is not
    # "Northern Ireland").
    filters = []
    if kinds:
        filters.append("c.kind IN (" + ", ".join(f":kind{i}" for i in range(len(kinds))) + ")")
        params.update({f"kind{i}": kind for i, kind in enumerate(kinds)})
    if country:
        filters.append("lower(c.country) = lower(:country)")
        params["country"] = country
    if topic:
        filters.append("instr(lower(c.topics), lower(:topic)) > 0")
        params["topic"] = f"|{topic}|"
    where = "".join(f" AND {condition}" for condition in filters)
    # Unfiltered (as /find is), the candidates need no row of their own: only the page shown is read.
    # CROSS JOIN keeps the full-text match as the outer loop: the planner may otherwise walk every document
    # and probe the index once per row.
    candidates = (
        "FROM search_fts CROSS JOIN search_documents c ON c.id = search_fts.rowid " if filters else "FROM search_fts "
    )
    rows = session.connection().execute(
        _sql(
            "SELECT d.kind, d.ref_id, d.title, substr(d.body, 1, 240), ranked.score FROM ("
            "SELECT id, score FROM ("
            "SELECT search_fts.rowid AS id, bm25(search_fts, "
            + BM25_WEIGHTS
            + ") AS score "
            + candidates
            + "WHERE search_fts MATCH :match"
            + where
            + " LIMIT :candidates"
            # Only the page that is shown has its title and text read.
            ") ORDER BY score LIMIT :limit"
            ") AS ranked JOIN search_documents d ON d.id = ranked.id ORDER BY ranked.score"
        ),
        params,
    )
    return [SearchHit(kind, ref_id, title, snippet, -score) for kind, ref_id, title, snippet, score in rows]


def _postgres_search(
    session: Session,
    terms: list[str],
    match_all: bool,
    kinds: tuple[str, ...] | None,
    country: str | None,
    topic: str | None,
    limit: int,
) -> list[SearchHit]:
    """PostgreSQL full text ranked as SQLite's BM25 ranks: per term, its weighted, saturating frequency in the
    document (ts_rank: title A, topics B, body D, divided by 1 + log of the document's length) times its rarity.

    ts_rank_cd over the whole query knows no rarity: "STEM", in nearly every document, counted as much as
    "municipalities", and long documents full of common words came first.
    """
    filters = []
    params: dict[str, object] = {
        # Terms are plain letters and digits (see WORD), so joining them cannot form tsquery syntax.
        "query": (" & " if match_all else " | ").join(terms),
        "limit": limit,
        "candidates": RANKED_CANDIDATES if match_all else ANY_TERM_CANDIDATES,
        "documents": _document_count(session),
        "cap": ANY_TERM_CANDIDATES,
        **{f"term{i}": term for i, term in enumerate(terms)},
    }
    if kinds:
        filters.append("kind = ANY(:kinds)")
        params["kinds"] = list(kinds)
    if country:
        filters.append("lower(country) = lower(:country)")
        params["country"] = country
    if topic:
        filters.append("strpos(lower(topics), lower(:topic)) > 0")
        params["topic"] = f"|{topic}|"
    where = "".join(f" AND {condition}" for condition in filters)
    # How many documents hold each term (counting stops at the cap: past it, a term is simply common).
    frequencies = ", ".join(
        f"(SELECT count(*) FROM (SELECT 1 FROM search_documents WHERE search_vector @@ "
        f"to_tsquery('english', :term{i}) LIMIT :cap) AS m{i}) AS n{i}"
        for i in range(len(terms))
    )
    score = " + ".join(
        f"ln(1 + (:documents - n{i} + 0.5) / (n{i} + 0.5)) * ts_rank(search_vector, to_tsquery('english', :term{i}), 1)"
        for i in range(len(terms))
    )
    rows = session.connection().execute(
        _sql(
            "SELECT kind, ref_id, title, substr(body, 1, 240), score FROM ("
            f"SELECT kind, ref_id, title, body, {score} AS score "
            f"FROM search_documents, to_tsquery('english', :query) AS q, (SELECT {frequencies}) AS frequencies "
            "WHERE search_vector @@ q" + where + " LIMIT :candidates"
            ") AS candidates ORDER BY score DESC LIMIT :limit"
        ),
        params,
    )
    return [SearchHit(kind, ref_id, title, snippet, float(score)) for kind, ref_id, title, snippet, score in rows]


def _document_count(session: Session) -> int:
    """How many documents the index holds, counted once per knowledge revision."""

    def count() -> int:
        return session.scalar(select(func.count()).select_from(SearchDocument)) or 0

    return lookup_caches(session).get("document_count", knowledge_stamp(session), count)


def ratio_length_window(size: int, score: float) -> tuple[int, int]:
    """The shortest and longest strings that can reach `score` (0–100) in fuzz.ratio against one of `size`
    characters, so that a fuzzy pass need not compare the rest at all.

    ratio = 200 · LCS / (a + b), and the longest common subsequence is at most the shorter string:
    shortest = ⌈n·s / (200 − s)⌉, longest = ⌊n·(200 − s) / s⌋ (rounding slack kept on the safe side).
    """
    if score <= 0:
        return 0, sys.maxsize
    slack = 1e-9
    return math.ceil(size * score / (200 - score) - slack), math.floor(size * (200 - score) / score + slack)


def within_ratio_reach(lengths: list[int], size: int, score: float) -> slice:
    """The part of a list of strings sorted by length (`lengths`, ascending) that can reach `score` in
    fuzz.ratio against a string of `size` characters."""
    shortest, longest = ratio_length_window(size, score)
    return slice(bisect.bisect_left(lengths, shortest), bisect.bisect_right(lengths, longest))


@dataclass(frozen=True)
class Vocabulary:
    """The indexed words, for typo correction: all of them to know a word, the plain-letter ones (sorted by
    length) to correct to. Numbers and codes ("2030", "kal123") are never a typo's correction."""

    known: frozenset[str]
    by_length: list[str]
    lengths: list[int]

    @classmethod
    def build(cls, words: list[str]) -> Vocabulary:
        by_length = sorted((word for word in words if word.isalpha()), key=lambda word: (len(word), word))
        return cls(frozenset(words), by_length, [len(word) for word in by_length])

    def closest(self, term: str) -> str | None:
        """The plain word nearest to `term` (fuzz.ratio at least TYPO_MIN_SCORE), if any."""
        reach = within_ratio_reach(self.lengths, len(term), TYPO_MIN_SCORE)
        best = process.extractOne(
            term, self.by_length[reach], scorer=fuzz.ratio, processor=None, score_cutoff=TYPO_MIN_SCORE
        )
        return best[0] if best else None


def correct_terms(session: Session, terms: list[str]) -> list[str]:
    """Replace each term absent from the index by its closest indexed word, when one is close enough."""
    vocabulary = cached_vocabulary(session)
    corrected = []
    for term in terms:
        if term in vocabulary.known or len(term) < 3 or not term.isalpha():
            corrected.append(term)
        else:
            corrected.append(vocabulary.closest(term) or term)
    return corrected


def cached_vocabulary(session: Session) -> Vocabulary:
    """The typo-correction vocabulary of the current knowledge revision, read from the index once."""

    def build() -> Vocabulary:
        if session.get_bind().dialect.name == "sqlite":
            vocabulary_query = "SELECT term FROM search_vocab"
        else:
            vocabulary_query = "SELECT word FROM ts_stat('SELECT search_vector FROM search_documents')"
        return Vocabulary.build(list(session.scalars(text(vocabulary_query)).all()))

    return lookup_caches(session).get("vocabulary", knowledge_stamp(session), build)


# Built once and run on the connection: every lookup reads the stamp, and the ORM's handling of a
# session.scalar() cost more than the read itself.
_STAMP = select(KnowledgeRevision.stamp).where(KnowledgeRevision.id == 1)


def knowledge_stamp(session: Session) -> str:
    """The current knowledge revision, which the per-process caches are keyed by."""
    return session.connection().execute(_STAMP).scalar() or ""


async def bump_revision(session: AsyncSession) -> None:
    """Mark the knowledge base changed, so every process reloads its caches on next use."""
    revision = await session.get(KnowledgeRevision, 1)
    if revision is None:
        session.add(KnowledgeRevision(id=1, stamp=uuid.uuid4().hex))
    else:
        revision.stamp = uuid.uuid4().hex
    await session.flush()
