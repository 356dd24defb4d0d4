"""Knowledge services on a real SQLite file with the shipped data loaded."""

from __future__ import annotations

import random

import pytest
from rapidfuzz import fuzz, process
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import search
from db.knowledge import (
    Submission,
    autocomplete_practices,
    find_anything,
    get_practice,
    next_pending_practice,
    review_practice,
    search_practices,
    submit_practice,
    warm_lookup_caches,
)
from db.models import Platform, Practice, SearchDocument
from db.platforms import autocomplete_platforms, find_platform, list_platforms
from db.search import ANY_TERM_CANDIDATES, TYPO_MIN_SCORE, Vocabulary, knowledge_stamp, search_documents
from db.semantic import SEMANTIC_KEY
from db.session_state import lookup_caches
from db.shipped import read_shipped_data
from rules.errors import ConflictError, InvalidInputError, LimitError, NotFoundError
from rules.folding import fold

SHIPPED = read_shipped_data()


@pytest.mark.parametrize("entry", SHIPPED.platforms, ids=lambda entry: entry["slug"])
async def test_find_platform_every_shipped_platform_by_name_acronym_and_alias(
    session: AsyncSession, entry: dict
) -> None:
    for key in [entry["name"], entry["acronym"], *entry["aliases"]]:
        if not key:
            continue
        found = await session.run_sync(find_platform, key)
        # An alias shared by two platforms may pick the other; the name itself must be unique.
        if key == entry["name"] or key == entry["acronym"]:
            assert found.platform.slug == entry["slug"], key


@pytest.mark.parametrize("entry", SHIPPED.platforms, ids=lambda entry: entry["slug"])
async def test_find_platform_every_shipped_platform_by_its_country(session: AsyncSession, entry: dict) -> None:
    found = await session.run_sync(find_platform, entry["country"])
    in_country = {found.platform.slug} | {other.slug for other in found.others_in_country}
    assert entry["slug"] in in_country


@pytest.mark.parametrize(
    ("typed", "slug"),
    [
        ("obuda", "obuda-university"),
        ("teknikolege", "teknikcollege"),
        ("LUMA", "luma-centre-finland"),
        ("astra", "astra"),
        ("mint vernetzt", "mintvernetzt"),
        ("valnalon", "valnalon"),
        ("platform beta techniek", "platform-beta-techniek"),
        ("ETAG", "estonian-research-council"),
    ],
)
async def test_find_platform_typos_and_missing_accents_still_match(
    session: AsyncSession, typed: str, slug: str
) -> None:
    assert (await session.run_sync(find_platform, typed)).platform.slug == slug


async def test_find_platform_country_with_several_lists_the_others(session: AsyncSession) -> None:
    found = await session.run_sync(find_platform, "Norway")
    assert found.platform.kind == "national platform"
    assert found.platform.country == "Norway"
    assert len(found.others_in_country) >= 1
    assert all(other.country == "Norway" for other in found.others_in_country)


async def test_find_platform_nonsense_suggests_at_most_three(session: AsyncSession) -> None:
    with pytest.raises(NotFoundError) as raised:
        await session.run_sync(find_platform, "Lumaa Centre Finlund Helsinky")
    message = raised.value.user_message
    assert "Did you mean" in message and "LUMA" in message
    assert message.count(",") <= 2

    with pytest.raises(NotFoundError) as raised:
        await session.run_sync(find_platform, "zzzzqqqq")
    assert "/platform list" in raised.value.user_message


async def test_autocomplete_platforms_returns_slugs_for_partial_input(session: AsyncSession) -> None:
    choices = await session.run_sync(autocomplete_platforms, "tekn")
    assert choices and choices[0][1] == "teknikcollege"
    everything = await session.run_sync(autocomplete_platforms, "")
    assert len(everything) == min(25, len(SHIPPED.platforms))


async def test_list_platforms_by_country_is_loose(session: AsyncSession) -> None:
    norway = await session.run_sync(list_platforms, country="norwey")
    assert norway and {platform.country for platform in norway} == {"Norway"}
    assert len(await session.run_sync(list_platforms)) == len(SHIPPED.platforms)
    with pytest.raises(NotFoundError):
        await session.run_sync(list_platforms, country="Atlantis")


@pytest.mark.parametrize(
    ("query", "expected_slug_part"),
    [
        ("teacher training", "luma"),
        ("quality criteria", "teknikcollege"),
        ("role models", "role-model"),
        ("decision-makers", "decision-makers"),
        ("one employee per region", "sweden"),
        ("baseline study", "baseline"),
        ("50.50 engagement strategy priority areas", "5050"),
        ("pledges", "code-of-conduct"),
        ("General Assembly", "general-assembl"),
        ("triple helix", "triple-helix"),
    ],
)
async def test_search_practices_representative_queries_rank_the_right_practice_high(
    session: AsyncSession, query: str, expected_slug_part: str
) -> None:
    results = await session.run_sync(search_practices, query)
    top = [result.practice.slug for result in results[:5]]
    assert any(expected_slug_part in slug for slug in top), (query, top)


async def test_search_practices_typos_fall_back_to_corrected_terms(session: AsyncSession) -> None:
    results = await session.run_sync(search_practices, "techer trainnig")
    assert results, "a misspelled query should still find practices"
    assert any("teacher" in fold(result.practice.title + result.practice.summary) for result in results[:5])


async def test_search_practices_topic_and_country_filters(session: AsyncSession) -> None:
    results = await session.run_sync(search_practices, "teachers", topic="teacher training")
    assert results and all("teacher training" in result.practice.topics for result in results)
    norway = await session.run_sync(search_practices, "role models", country="norway")
    assert norway and all(result.practice.country == "Norway" for result in norway)


HOSTILE = [
    '"',
    '"unbalanced',
    "AND",
    "OR NOT AND",
    "NEAR(",
    "NEAR(teacher training, 2",
    "*",
    "teach*",
    "title:teacher",
    "^teacher",
    "a' OR 1=1; DROP TABLE practices; --",
    "🚀🔬 STEM 🧪",
    "{}[]()<>\\/|",
    "\x00\x01 control",
    "",
    "    ",
    "x" * 5000,
    "teacher " * 1000,
    " ".join(f"word{i}" for i in range(1500)),
]


@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
async def test_search_hostile_query_text_never_errors(session: AsyncSession, query: str) -> None:
    results = await session.run_sync(search_practices, query)
    assert isinstance(results, list)
    assert isinstance(await session.run_sync(find_anything, query), list)
    assert await session.scalar(select(func.count()).select_from(Practice)) == len(SHIPPED.practices)


async def test_search_hostile_query_with_real_words_still_finds(session: AsyncSession) -> None:
    results = await session.run_sync(search_practices, 'NEAR("teacher" AND training*')
    assert results


async def test_find_anything_labels_platforms_and_practices(session: AsyncSession) -> None:
    hits = await session.run_sync(find_anything, "Teknikcollege")
    assert hits[0].kind == "platform" and hits[0].title == "Teknikcollege"
    assert {hit.kind for hit in hits} >= {"platform", "practice"}


async def test_find_anything_finds_the_coalition_itself(session: AsyncSession) -> None:
    for query in ("triple helix", "General Assembly", "roundtables", "policy briefings", "taskforces"):
        hits = await session.run_sync(find_anything, query)
        assert hits, query


async def test_get_practice_by_slug_and_by_title_words(session: AsyncSession) -> None:
    slug = SHIPPED.practices[0]["slug"]
    assert (await session.run_sync(get_practice, slug)).slug == slug
    by_words = await session.run_sync(get_practice, "Teknikcollege quality criteria")
    assert "teknikcollege" in by_words.slug
    with pytest.raises(NotFoundError):
        await session.run_sync(get_practice, "qqqq zzzz")


async def test_autocomplete_practices_by_partial_title(session: AsyncSession) -> None:
    choices = await session.run_sync(autocomplete_practices, "quality criteria")
    assert choices and "Teknikcollege" in choices[0][0]


async def test_every_shipped_practice_is_linked_and_sourced(session: AsyncSession) -> None:
    practices = (await session.scalars(select(Practice))).all()
    assert len(practices) >= 30
    platforms = (await session.scalars(select(Platform))).all()
    assert len(platforms) >= 25
    assert all(practice.sources for practice in practices)


async def _submit(sessions: async_sessionmaker[AsyncSession], title: str, member: int = 42) -> Practice:
    async with sessions.begin() as session:
        return await submit_practice(
            session,
            submission=Submission(
                title=title,
                summary="Pupils meet engineers in their own school every month.",
                details="Run by the regional office.",
                where="LUMA",
                link="https://example.org/x",
            ),
            submitted_by=member,
        )


async def test_submission_is_pending_until_approved_then_searchable(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    practice = await _submit(sessions, "Monthly engineer visits in Jyväskylä schools")
    assert practice.status == "pending"
    async with sessions.begin() as session:
        found = await session.run_sync(search_practices, "Jyväskylä engineer visits monthly")
        assert practice.id not in [result.practice.id for result in found]
        pending, waiting = await next_pending_practice(session)
        assert pending is not None and pending.id == practice.id and waiting == 1
    async with sessions.begin() as session:
        approved = await review_practice(session, practice_id=practice.id, moderator_id=7, approve=True)
        assert approved.status == "published" and approved.reviewed_by == 7
    async with sessions.begin() as session:
        results = await session.run_sync(search_practices, "Jyvaskyla engineer visits")
        assert results and results[0].practice.id == practice.id
        assert [p.slug for p in results[0].practice.platforms] == ["luma-centre-finland"]
        with pytest.raises(ConflictError):
            await review_practice(session, practice_id=practice.id, moderator_id=7, approve=False)


async def test_rejected_submission_never_becomes_searchable(sessions: async_sessionmaker[AsyncSession]) -> None:
    practice = await _submit(sessions, "Rejected idea about zeppelins")
    async with sessions.begin() as session:
        await review_practice(session, practice_id=practice.id, moderator_id=7, approve=False)
    async with sessions.begin() as session:
        found = await session.run_sync(search_practices, "Rejected idea about zeppelins")
        assert practice.id not in [result.practice.id for result in found]
        assert (await next_pending_practice(session))[0] is None


@pytest.mark.parametrize(
    ("submission", "error"),
    [
        (Submission(title="abc", summary="long enough summary"), InvalidInputError),
        (Submission(title="Valid title", summary="short"), InvalidInputError),
        (Submission(title="Valid title", summary="long enough summary", link="javascript:alert(1)"), InvalidInputError),
        (Submission(title="Valid title", summary="long enough summary", details="x" * 3001), InvalidInputError),
    ],
)
async def test_submission_bad_input_is_refused_and_nothing_stored(
    session: AsyncSession, submission: Submission, error: type[Exception]
) -> None:
    before = await session.scalar(select(func.count()).select_from(Practice))
    with pytest.raises(error):
        await submit_practice(session, submission=submission, submitted_by=1)
    assert await session.scalar(select(func.count()).select_from(Practice)) == before


async def test_submission_limits_duplicates_and_pending_cap(sessions: async_sessionmaker[AsyncSession]) -> None:
    await _submit(sessions, "A unique practice title")
    with pytest.raises(ConflictError):
        await _submit(sessions, "a unique PRACTICE title", member=43)
    for number in range(4):
        await _submit(sessions, f"Another practice number {number}")
    with pytest.raises(LimitError):
        await _submit(sessions, "One too many")


async def test_find_platform_long_query_prefers_full_name_over_country_word(session: AsyncSession) -> None:
    # Containing the word "Norway" must not make the country (and so NCSR) the answer.
    with pytest.raises(NotFoundError) as raised:
        await session.run_sync(find_platform, "Uni of Norway Tromso")
    assert raised.value.user_message.split("Did you mean: ")[1].startswith("The Arctic University of Norway")
    found = await session.run_sync(find_platform, "Arctic University Norway Tromso")
    assert found.platform.slug == "arctic-university-of-norway"


async def test_get_practice_unrelated_title_is_not_found_with_suggestions(session: AsyncSession) -> None:
    for title in ("how to bake bread", "nonexistent thing qq"):
        with pytest.raises(NotFoundError):
            await session.run_sync(get_practice, title)
    with pytest.raises(NotFoundError) as raised:
        await session.run_sync(get_practice, "teacher training bread")
    assert "Did you mean" in raised.value.user_message


@pytest.mark.parametrize(("query", "stem"), [("practice", "practic"), ("platform", "platform"), ("event", "event")])
async def test_search_terms_match_the_text_not_the_filter_columns(session: AsyncSession, query: str, stem: str) -> None:
    """Kind is an index column only to filter: a query naming a kind matches documents whose text says it."""
    hits = await session.run_sync(lambda sync: search_documents(sync, query, limit=200))
    documents = {
        (document.kind, document.ref_id): document for document in await session.scalars(select(SearchDocument))
    }
    with_word = {
        key
        for key, document in documents.items()
        if stem in fold(f"{document.title} {document.body} {document.topics}")
    }
    assert hits
    assert {(hit.kind, hit.ref_id) for hit in hits} <= with_word
    assert len(hits) < len(documents)


@pytest.mark.parametrize("cutoff", [45, 55, 57.89473684210526, 75, 90])
def test_the_length_window_keeps_every_string_that_can_reach_the_cutoff(cutoff: float) -> None:
    """Fuzzy passes skip strings outside ratio_length_window; none of those could have scored high enough,
    including at the boundary ("ab" against "abab" is exactly 66.67) and for fractional cutoffs."""
    rng = random.Random(11)
    strings = ["".join(rng.choice("ab ") for _ in range(rng.randint(1, 30))) for _ in range(600)]
    for needle in strings[:150]:
        shortest, longest = search.ratio_length_window(len(needle), cutoff)
        for other in strings:
            if fuzz.ratio(needle, other, processor=None) >= cutoff:
                assert shortest <= len(other) <= longest, (needle, other)
    assert search.ratio_length_window(2, 200 / 3) == (1, 4)  # "ab" reaches 66.67 against "abab" and "a"


def test_typo_correction_compares_only_words_that_can_reach_the_cutoff() -> None:
    """Skipping words by length finds what a comparison with every plain word finds; codes are never offered."""
    rng = random.Random(3)
    words = ["".join(rng.choice("aeinorst") for _ in range(rng.randint(1, 14))) for _ in range(5000)]
    vocabulary = Vocabulary.build([*words, "tech2030", "2030"])
    plain = [word for word in words if word.isalpha()]
    for _ in range(500):
        term = "".join(rng.choice("aeinorst") for _ in range(rng.randint(3, 14)))
        everything = process.extractOne(term, plain, scorer=fuzz.ratio, score_cutoff=TYPO_MIN_SCORE)
        closest = vocabulary.closest(term)
        assert (closest is None) == (everything is None), term
        if closest is not None and everything is not None:
            assert fuzz.ratio(term, closest) == everything[1], term
    codes = Vocabulary.build(["teacher", "tech2030"])
    assert codes.closest("techer") == "teacher"
    assert codes.closest("tech203") is None  # 93 against "tech2030", but a code is not a word to correct to
    assert "tech2030" in codes.known


async def test_warm_lookup_caches_builds_all_three_for_the_current_revision(session: AsyncSession) -> None:
    """The bot calls this at start, so its first lookups don't build the directory, the vocabulary or the index
    for search by meaning."""
    await session.run_sync(warm_lookup_caches)
    stamp = await session.run_sync(knowledge_stamp)
    caches = lookup_caches(session.sync_session)
    assert caches.revisions() == {"directory": stamp, "vocabulary": stamp, "semantic": stamp}
    vocabulary: Vocabulary = caches.get("vocabulary", stamp, lambda: pytest.fail("the vocabulary should be cached"))
    assert "teacher" in vocabulary.known  # the index's words (porter stems)


async def test_any_term_fallback_leaves_out_a_word_too_common_to_rank(session: AsyncSession) -> None:
    """Where no document has every term, a word in more documents than the fallback ranks is left out, so
    the document with the rarer word is found instead of an arbitrary thousand of the common word's."""
    session.info[SEMANTIC_KEY] = False  # the ranking by words is under test
    common = [
        {"kind": "practice", "ref_id": 900_000 + n, "title": f"Widget note {n}", "body": "widget", "topics": ""}
        for n in range(ANY_TERM_CANDIDATES + 100)
    ]
    await session.execute(insert(SearchDocument), common)  # first in index order
    session.add(SearchDocument(kind="practice", ref_id=999_999, title="Zebra crossings", body="zebra", topics=""))
    await session.flush()
    hits = await session.run_sync(lambda sync: search_documents(sync, "widget zebra", limit=5))
    assert [hit.ref_id for hit in hits][:1] == [999_999]
