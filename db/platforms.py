"""Platforms: the name directory (typo-tolerant names, acronyms, aliases, people, countries) and lookups on it."""

from __future__ import annotations

import bisect
import itertools
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, joinedload

from db.models import Platform, Practice
from db.search import knowledge_stamp, upsert_document, within_ratio_reach
from db.session_state import lookup_caches
from rules.errors import NotFoundError, quoted
from rules.folding import STOPWORDS, fold

# A name match at least this good is taken as what the member meant.
CONFIDENT_MATCH = 82


SUGGESTION_MATCH = 55


MAX_OTHERS_SHOWN = 20


# Field order breaks ties between equally good matches: a name beats an alias beats a country.
FIELD_PRIORITY = {"slug": 0, "name": 0, "acronym": 1, "alias": 2, "person": 2, "country": 3, "region": 3}


KIND_PRIORITY = {"national platform": 0, "regional platform": 1}


@dataclass(frozen=True)
class NameKey:
    platform_id: int
    label: str
    field: str
    kind_rank: int


@dataclass(frozen=True)
class NameMatch:
    platform_id: int
    label: str
    field: str
    score: float


PlatformNames = tuple[int, str, str, str | None, list[str], str, str | None, str, list[dict[str, str]]]


@dataclass
class PlatformDirectory:
    """Every name, acronym, alias, person and country of every platform, folded for typo-tolerant matching.

    Identical folded texts (a country shared by many platforms) are stored once, so fuzzy passes stay
    proportional to the distinct names; prefixes are found by bisection rather than a fuzzy pass.
    """

    keys: list[NameKey]
    texts: list[str]
    owners: list[list[int]]
    exact: dict[str, int]
    # The distinct words of the names A–Z, and the positions of the names having each (ascending).
    words: list[str]
    postings: dict[str, list[int]]
    slugs: dict[str, int] = field(default_factory=dict)
    labels: dict[int, tuple[str, str, str]] = field(default_factory=dict)
    # (country, number of platforms) A–Z: every country-filtered search resolves its country against these.
    countries: list[tuple[str, int]] = field(default_factory=list)
    # The texts shortest first, with their lengths and positions: a whole-string fuzzy pass compares only
    # those of a length that can reach its cutoff (ratio_length_window).
    lengths: list[int] = field(default_factory=list)
    texts_by_length: list[str] = field(default_factory=list)
    positions_by_length: list[int] = field(default_factory=list)

    @classmethod
    def build(cls, rows: list[PlatformNames]) -> PlatformDirectory:
        keys: list[NameKey] = []
        texts: list[str] = []
        owners: list[list[int]] = []
        exact: dict[str, int] = {}
        slugs: dict[str, int] = {}
        labels: dict[int, tuple[str, str, str]] = {}

        def add(text: str, key: NameKey) -> None:
            keys.append(key)
            position = exact.get(text)
            if position is None:
                position = exact[text] = len(texts)
                texts.append(text)
                owners.append([])
            owners[position].append(len(keys) - 1)

        for platform_id, slug, name, acronym, aliases, country, region, kind, people in rows:
            rank = KIND_PRIORITY.get(kind, 2)
            labels[platform_id] = (name, country, slug)
            # The slug is what autocomplete sends back: matched exactly, never fuzzily.
            slugs[slug] = len(keys)
            keys.append(NameKey(platform_id, name, "slug", rank))
            named = [(name, "name"), (country, "country")]
            named += [(acronym, "acronym")] if acronym else []
            named += [(alias, "alias") for alias in aliases]
            named += [(region, "region")] if region else []
            named += [(person["name"], "person") for person in people if person.get("name")]
            for label, kind_of_key in named:
                add(fold(label), NameKey(platform_id, label, kind_of_key, rank))
        postings: dict[str, list[int]] = {}
        for position, text in enumerate(texts):
            for word in set(text.replace("-", " ").split()):
                postings.setdefault(word, []).append(position)
        countries = sorted(Counter(row[5] for row in rows).items())
        by_length = sorted(range(len(texts)), key=lambda position: len(texts[position]))
        return cls(
            keys=keys,
            texts=texts,
            owners=owners,
            exact=exact,
            words=sorted(postings),
            postings=postings,
            slugs=slugs,
            labels=labels,
            countries=countries,
            lengths=[len(texts[position]) for position in by_length],
            texts_by_length=[texts[position] for position in by_length],
            positions_by_length=by_length,
        )

    def match(self, query: str, limit: int = 10, cutoff: float = SUGGESTION_MATCH) -> list[NameMatch]:
        """The best platforms for a query, one entry per platform, best first."""
        needle = fold(query).strip()
        if not needle:
            return []
        slug_key = self.slugs.get(query.strip())
        if slug_key is not None:
            key = self.keys[slug_key]
            return [NameMatch(key.platform_id, key.label, "slug", 100.0)]
        position = self.exact.get(needle)
        scores = {position: 100.0} if position is not None else self._fuzzy_scores(needle, cutoff, limit)
        candidates = sorted(
            ((index, score) for position, score in scores.items() for index in self.owners[position]),
            key=lambda item: (-item[1], FIELD_PRIORITY[self.keys[item[0]].field], self.keys[item[0]].kind_rank),
        )
        best: dict[int, NameMatch] = {}
        for index, score in candidates:
            key = self.keys[index]
            if key.platform_id not in best:
                best[key.platform_id] = NameMatch(key.platform_id, key.label, key.field, score)
                if len(best) == limit:
                    break
        return list(best.values())

    def platforms_in_country(self, country: str) -> list[int]:
        """The ids of a country's platforms (matched folded: "norway", "Türkiye"/"Turkiye"), A–Z by name."""
        position = self.exact.get(fold(country))
        if position is None:
            return []
        ids = {self.keys[index].platform_id for index in self.owners[position] if self.keys[index].field == "country"}
        return sorted(ids, key=lambda platform_id: self.labels[platform_id][0])

    def _fuzzy_scores(self, needle: str, cutoff: float, limit: int) -> dict[int, float]:
        """Whole-string typos and word-set overlap (rapidfuzz, C++), plus names a typed fragment begins."""
        scores: dict[int, float] = {}
        # A fragment counts when a name, or one of its words, begins with it ("tekn", "vernetzt"); a short
        # name merely sitting inside what was typed does not ("univERCity" is not the ERC).
        if len(needle) >= 3:
            beginning = (position for word in self._words_beginning(needle) for position in self.postings[word])
            for position in itertools.islice(beginning, limit * 8):
                scores[position] = 90.0 if self.texts[position].startswith(needle) else 86.0
        if len({self.keys[self.owners[position][0]].platform_id for position in scores}) >= limit:
            return scores
        reach = within_ratio_reach(self.lengths, len(needle), cutoff)
        # (scorer, weight, texts, their positions)
        passes: list[tuple[Callable[..., float], float, list[str], list[int]]] = [
            (fuzz.ratio, 1.0, self.texts_by_length[reach], self.positions_by_length[reach])
        ]
        if " " in needle:
            # Word-set overlap only among names sharing a word with the query (an index lookup): over every
            # name it was most of a lookup's time with 10,000 platforms. Whole-string typos are ratio's.
            sharing = sorted(self._sharing_a_word(needle))
            passes.append((fuzz.token_set_ratio, 0.95, [self.texts[p] for p in sharing], sharing))
        needle_words = len(needle.split())
        for scorer, weight, choices, positions in passes:
            for text, score, index in process.extract(
                needle, choices, scorer=scorer, processor=None, limit=limit * 4, score_cutoff=cutoff / weight
            ):
                position = positions[index]
                # A word-set match covers only the words the name has: "Uni of Norway Tromso" contains
                # "Norway" but means more than the country, so shorter names score in proportion.
                coverage = min(1.0, len(text.split()) / needle_words) ** 0.5 if scorer is not fuzz.ratio else 1.0
                scores[position] = max(scores.get(position, 0.0), score * weight * coverage)
        return scores

    def _sharing_a_word(self, needle: str) -> set[int]:
        """Positions of the names that have one of the needle's words, or a word it begins (3+ letters)."""
        positions: set[int] = set()
        for word in set(needle.replace("-", " ").split()) - STOPWORDS:
            for name_word in self._words_beginning(word):
                if len(word) < 3 and name_word != word:
                    break  # the word itself sorts first; a short one does not count as a beginning
                positions.update(self.postings[name_word])
        return positions

    def _words_beginning(self, prefix: str) -> Iterator[str]:
        """The names' words that begin with `prefix`, A–Z.

        Walked by index from the bisection point: islice over the list would step through every word before it.
        """
        index = bisect.bisect_left(self.words, prefix)
        while index < len(self.words) and self.words[index].startswith(prefix):
            yield self.words[index]
            index += 1


def cached_platform_directory(session: Session) -> PlatformDirectory:
    """The name directory for the current knowledge revision, rebuilt only when the data changed."""

    def build() -> PlatformDirectory:
        rows = session.execute(
            select(
                Platform.id,
                Platform.slug,
                Platform.name,
                Platform.acronym,
                Platform.aliases,
                Platform.country,
                Platform.region,
                Platform.kind,
                Platform.people,
            )
        )
        return PlatformDirectory.build([tuple(row) for row in rows])  # type: ignore[misc]

    return lookup_caches(session).get("directory", knowledge_stamp(session), build)


async def platform_directory(session: AsyncSession) -> PlatformDirectory:
    """The name directory, from inside a write transaction."""
    return await session.run_sync(cached_platform_directory)


@dataclass(frozen=True)
class PlatformLookup:
    platform: Platform
    matched: NameMatch
    others_in_country: list[Platform]


def find_platform(session: Session, query: str) -> PlatformLookup:
    """The platform a member means by a name, acronym, alias or country; NotFoundError suggests others."""
    directory = cached_platform_directory(session)
    # Confident matches first: a fuzzy pass at that cutoff skips every name too different in length to reach
    # it (most of them, with thousands of platforms). Only a miss pays for the wider pass behind "did you mean".
    matches = directory.match(query, limit=10, cutoff=CONFIDENT_MATCH)
    if not matches or matches[0].score < CONFIDENT_MATCH:
        suggestions = directory.match(query, limit=10)
        names = _names(session, [match.platform_id for match in suggestions[:3]])
        if names:
            raise NotFoundError(
                "No platform matches “{query}”. Did you mean: {names}?", query=quoted(query), names=" · ".join(names)
            )
        raise NotFoundError("No platform matches “{query}”. Try `/platform list` to see them all.", query=quoted(query))
    best = matches[0]
    platform = platform_by_id(session, best.platform_id)
    others: list[Platform] = []
    if best.field in ("country", "region"):
        # Chosen from the directory, which knows every platform's country: the database would scan them all.
        wanted = [other for other in directory.platforms_in_country(platform.country) if other != platform.id]
        by_id = {other.id: other for other in session.scalars(_PLATFORMS_BY_ID, {"ids": wanted[:MAX_OTHERS_SHOWN]})}
        others = [by_id[other] for other in wanted[:MAX_OTHERS_SHOWN] if other in by_id]
    return PlatformLookup(platform=platform, matched=best, others_in_country=others)


# Built once (every platform card runs them). The card lists related practices by title, so only that much
# of them is read: loading them whole was over a third of a /platform show on the shipped data.
_PLATFORM_CARD = (
    select(Platform)
    .options(joinedload(Platform.practices).load_only(Practice.title, Practice.status))
    .where(Platform.id == bindparam("platform_id"))
)


_PLATFORMS_BY_ID = select(Platform).where(Platform.id.in_(bindparam("ids", expanding=True)))


def _names(session: Session, platform_ids: list[int]) -> list[str]:
    if not platform_ids:
        return []
    rows = dict((session.execute(select(Platform.id, Platform.name).where(Platform.id.in_(platform_ids)))).all())
    return [rows[platform_id] for platform_id in platform_ids if platform_id in rows]


def autocomplete_platforms(session: Session, current: str, limit: int = 25) -> list[tuple[str, str]]:
    """(label, slug) choices for what a member has typed so far; all platforms A–Z when nothing yet."""
    if not current.strip():
        rows = session.execute(
            select(Platform.name, Platform.country, Platform.slug).order_by(Platform.name).limit(limit)
        )
        return [(f"{name} ({country})", slug) for name, country, slug in rows]
    directory = cached_platform_directory(session)
    matches = directory.match(current, limit=limit, cutoff=45)
    labels = [directory.labels[match.platform_id] for match in matches]
    return [(f"{name} ({country})", slug) for name, country, slug in labels]


def list_platforms(session: Session, *, country: str | None = None) -> list[Platform]:
    """All platforms A–Z, or one country's (matched loosely: "norway", "Norwey")."""
    statement = select(Platform).order_by(Platform.country, Platform.name)
    if country:
        resolved = resolve_country(session, country)
        statement = statement.where(Platform.country == resolved)
    return list((session.scalars(statement)).all())


def list_countries(session: Session) -> list[tuple[str, int]]:
    """(country, number of platforms) A–Z, from the cached directory: a GROUP BY over every platform was
    most of a country-filtered search with 10,000 platforms."""
    return list(cached_platform_directory(session).countries)


def resolve_country(session: Session, text: str) -> str:
    """The known country a member means, or NotFoundError listing the known ones."""
    countries = [country for country, _count in list_countries(session)]
    found = process.extractOne(fold(text), [fold(c) for c in countries], scorer=fuzz.WRatio, score_cutoff=80)
    if found is None:
        raise NotFoundError(
            "No platforms in “{text}”. Countries with platforms: {countries}.",
            text=quoted(text),
            countries=", ".join(countries),
        )
    return countries[found[2]]


def platform_search_text(platform: Platform) -> str:
    people = [f"{person.get('name', '')} {person.get('role', '')}" for person in platform.people]
    parts = [
        platform.summary,
        platform.acronym or "",
        " ".join(platform.aliases),
        platform.country,
        platform.region or "",
        platform.kind,
        platform.role or "",
        platform.funding or "",
        *platform.activities,
        *platform.impact,
        *people,
    ]
    return "\n".join(part for part in parts if part)


async def index_platform(session: AsyncSession, platform: Platform) -> None:
    await upsert_document(
        session,
        kind="platform",
        ref_id=platform.id,
        title=platform.name,
        body=platform_search_text(platform),
        country=platform.country,
    )


def platform_by_id(session: Session, platform_id: int) -> Platform:
    """A platform with the titles of its related practices, as its card shows it."""
    platform = session.scalar(_PLATFORM_CARD, {"platform_id": platform_id})
    if platform is None:
        raise NotFoundError("That platform no longer exists.")
    return platform
