"""Search by meaning: vectors stored with the shipped data, kept in step with the texts, and what they find."""

from __future__ import annotations

import asyncio

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session

from db.database import Database
from db.knowledge import find_anything, graded_find
from db.models import Platform, Practice, SearchDocument, SearchVector
from db.search import FUSION_DEPTH, bump_revision
from db.shipped import load_shipped, read_shipped_data

# Questions in languages the lexicon has no words for, or in words no entry uses, with the entry that answers.
BY_MEANING = (
    ("STEM коаліція в Україні", "practice:csr-ukraine-national-stem-coalition"),
    ("Hvordan arbejder kommunerne med STEM?", "practice:astra-local-stem-strategies"),
    ("Como avaliar o impacto de um programa?", "practice:evaluation-beginning-midway-end"),
    ("Türkiye STEM ağı", "practice:turkish-stem-alliance-cross-sector-network"),
    ("Hvordan får vi bedrifter til å besøke skoler?", "practice:ncsr-insight-phase-one-stop-shop"),
    ("opettajien täydennyskoulutus", "practice:luma-strategy-teacher-training"),
    ("rollemodeller for unge ingeniører", "practice:relatable-engineering-role-models"),
)
# Nothing in the knowledge base is about these (a word may match: "engine" is stemmed as "engineering").
UNANSWERABLE = ("how to fix my car engine", "pizza recipe with mushrooms", "bitcoin price", "Wie backe ich Brot?")


def first_entry(session: Session, query: str) -> str:
    hits = find_anything(session, query, limit=3)
    if not hits:
        return ""
    model = Platform if hits[0].kind == "platform" else Practice
    return f"{hits[0].kind}:{session.scalar(select(model.slug).where(model.id == hits[0].ref_id))}"


async def test_the_shipped_load_stores_one_vector_per_document_once(database: Database) -> None:
    async def counts(session: AsyncSession) -> tuple[int | None, int | None]:
        documents = await session.scalar(select(func.count()).select_from(SearchDocument))
        return documents, await session.scalar(select(func.count()).select_from(SearchVector))

    documents, vectors = await database.transaction(counts)
    assert documents and vectors == documents
    report = await load_shipped(database, read_shipped_data())
    assert report.vectors == 0  # a restart reads them


async def test_a_changed_text_gets_a_new_vector_and_the_old_one_goes(database: Database) -> None:
    async def keys(session: AsyncSession) -> set[str]:
        return set((await session.scalars(select(SearchVector.content_key))).all())

    async def rewrite(session: AsyncSession) -> None:
        await session.execute(
            update(SearchDocument)
            .where(SearchDocument.kind == "platform", SearchDocument.title == "Astra")
            .values(body="Denmark's national centre for science education.")
        )

    before = await database.transaction(keys)
    await database.transaction(rewrite)
    report = await load_shipped(database, read_shipped_data())
    after = await database.transaction(keys)
    assert report.vectors == 1
    assert len(after) == len(before) and len(after - before) == 1


async def test_two_instances_loading_at_once_store_each_vector_once(database_url: str) -> None:
    """The slow part runs outside any transaction, so neither start waits on the other's lock; both compute,
    and the vectors are stored once."""

    async def clear(session: AsyncSession) -> None:
        await session.execute(delete(SearchVector))

    first, second = Database.open(database_url), Database.open(database_url)
    try:
        await first.transaction(clear)
        reports = await asyncio.gather(
            load_shipped(first, read_shipped_data()), load_shipped(second, read_shipped_data())
        )
        documents = await first.read(lambda session: session.scalar(select(func.count()).select_from(SearchDocument)))
        vectors = await first.read(lambda session: session.scalar(select(func.count()).select_from(SearchVector)))
    finally:
        await first.close()
        await second.close()
    assert vectors == documents
    assert sum(report.vectors for report in reports) == documents


async def test_meaning_finds_what_words_alone_miss(database: Database, engine: AsyncEngine) -> None:
    words_only = Database(engine, semantic=False)
    try:
        missed_by_words = 0
        for query, expected in BY_MEANING:
            assert await database.read(first_entry, query) == expected, query
            missed_by_words += await words_only.read(first_entry, query) != expected
    finally:
        await words_only.close()
    # Most of them: the lexicon's translations may reach some on their own.
    assert missed_by_words >= len(BY_MEANING) // 2


async def test_a_question_the_base_cannot_answer_stays_a_miss(database: Database, engine: AsyncEngine) -> None:
    """Counted as a knowledge gap, and no entry is shown only for being the nearest in meaning."""
    words_only = Database(engine, semantic=False)
    try:
        for query in UNANSWERABLE:
            found = await database.read(graded_find, query)
            # The words' ranking as deep as the fused one reads it.
            by_words = await words_only.read(graded_find, query, limit=FUSION_DEPTH)
            assert found.weak, (query, found.hits[:1])
            assert {(hit.kind, hit.ref_id) for hit in found.hits} <= {(hit.kind, hit.ref_id) for hit in by_words.hits}
    finally:
        await words_only.close()


async def test_a_new_document_is_searchable_by_meaning_before_it_has_a_stored_vector(database: Database) -> None:
    async def add(session: AsyncSession) -> None:
        session.add(
            SearchDocument(
                kind="practice",
                ref_id=990_001,
                title="Robotics summer camps in village libraries",
                body="Week-long robot building camps for children in rural libraries during the holidays.",
                topics="",
            )
        )
        await bump_revision(session)

    await database.transaction(add)
    hits = await database.read(find_anything, "Roboterkurse für Kinder auf dem Land in den Ferien", limit=3)
    assert hits and hits[0].ref_id == 990_001
