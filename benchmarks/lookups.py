"""Latency of the lookup services on the shipped data and on 10,000 platforms / 100,000 practices.

The generated text is Zipf-distributed over a 5,000-word vocabulary with the domain words ("teacher",
"training", "quality"...) at mid ranks, as words are spread in real prose; a query term then matches a
few percent of the documents rather than nearly all of them.

Run: .venv/bin/python benchmarks/lookups.py [--platforms 10000 --practices 100000 --rounds 300]
Prints p50/p99/max per service, in milliseconds, measured as the cogs call them: `db.read(lookup, ...)`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from machine import python_speed
from questions import distinct_member_questions
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from db import migrate
from db.database import Database
from db.engine import create_engine, create_sessionmaker
from db.knowledge import autocomplete_practices, find_anything, search_practices, warm_lookup_caches
from db.models import Platform, Practice, SearchDocument
from db.platforms import autocomplete_platforms, find_platform
from db.search import bump_revision, knowledge_stamp, topics_cell
from db.semantic import MAX_DOCUMENTS, embedder_of, semantic_index
from db.shipped import TOPICS, load_shipped, read_shipped_data
from rules.errors import NotFoundError

WORDS = (
    "teacher training role models industry regional network school pupils science technology engineering "
    "mathematics girls women inclusion quality criteria evaluation impact early intervention outreach campaign "
    "career guidance strategy ministry municipality university centre platform pact companies vocational "
    "apprenticeship mentoring laboratory olympiad festival museum robotics coding digital skills shortage "
    "curriculum ambassadors workshop summer camp competition innovation entrepreneurship funding policy"
).split()
COUNTRIES = [
    "Finland",
    "Denmark",
    "Norway",
    "Sweden",
    "Germany",
    "Belgium",
    "Spain",
    "Albania",
    "Bulgaria",
    "Estonia",
    "Hungary",
    "Netherlands",
    "Ukraine",
    "Turkey",
    "United Kingdom",
    "Portugal",
    "Italy",
    "France",
    "Poland",
    "Austria",
    "Ireland",
    "Greece",
    "Czechia",
    "Slovakia",
    "Slovenia",
    "Croatia",
    "Romania",
    "Latvia",
]
SYLLABLES = ["ka", "lo", "mi", "ste", "ve", "ra", "tek", "nor", "lum", "as", "tri", "bel", "va", "zon", "qui"]

QUERIES = [
    "teacher training",
    "role models for girls",
    "industry involvement",
    "regional networks",
    "quality criteria",
    "decision-makers",
    "evaluation impact",
    "techer trainnig",
    "early intervention",
    'NEAR( "AND *',
    "baseline study",
    "one employee per region",
]
NAMES = ["obuda", "teknikolege", "Norway", "LUMA", "astra", "mint vernetzt", "Estonia", "ncsr", "zdi", "vlaio"]


def generated_name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


FUNCTION_WORDS = "the of and to in a for with on is that by as are from at this be or an their".split()


def zipf_vocabulary(rng: random.Random, size: int = 5000) -> tuple[list[str], list[float]]:
    """Words ranked as in real prose: function words on top, domain words at mid ranks, a long tail."""
    tail = [generated_name(rng).lower() + str(number) for number in range(size)]
    ranked = FUNCTION_WORDS + tail
    for word in WORDS:
        ranked.insert(rng.randint(40, 1500), word)
    return ranked, [1 / (rank + 1) ** 1.07 for rank in range(len(ranked))]


def sentence(rng: random.Random, words: int, vocabulary: tuple[list[str], list[float]]) -> str:
    return " ".join(rng.choices(vocabulary[0], vocabulary[1], k=words))


async def generate(sessions: async_sessionmaker[AsyncSession], platforms: int, practices: int, seed: int) -> None:
    """Bulk-insert synthetic platforms and practices with their search documents."""
    rng = random.Random(seed)
    vocabulary = zipf_vocabulary(rng)
    async with sessions.begin() as session:
        rows: list[dict[str, Any]] = []
        for number in range(platforms):
            name = f"{generated_name(rng)} {rng.choice(['STEM', 'Science', 'Tech', 'MINT'])} {number}"
            rows.append(
                {
                    "slug": f"gen-platform-{number}",
                    "name": name,
                    "acronym": name[:3].upper() + str(number),
                    "aliases": [f"{generated_name(rng)} Network"],
                    "country": rng.choice(COUNTRIES),
                    "region": None,
                    "kind": rng.choice(["national platform", "network", "university"]),
                    "founded": None,
                    "funding": None,
                    "summary": sentence(rng, 20, vocabulary),
                    "role": sentence(rng, 40, vocabulary),
                    "activities": [sentence(rng, 8, vocabulary)],
                    "impact": [sentence(rng, 8, vocabulary)],
                    "people": [],
                    "website": None,
                    "sources": [],
                    "origin": "member",
                }
            )
        await session.execute(insert(Platform), rows)
        practice_rows: list[dict[str, Any]] = []
        for number in range(practices):
            practice_rows.append(
                {
                    "slug": f"gen-practice-{number}",
                    "title": sentence(rng, 6, vocabulary).capitalize(),
                    "summary": sentence(rng, 25, vocabulary),
                    "details": sentence(rng, 80, vocabulary),
                    "country": rng.choice(COUNTRIES),
                    "topics": rng.sample(TOPICS, 2),
                    "sources": [],
                    "link": None,
                    "origin": "member",
                    "status": "published",
                }
            )
        for start in range(0, len(practice_rows), 5000):
            await session.execute(insert(Practice), practice_rows[start : start + 5000])
        offset = 1_000_000
        documents = [
            {
                "kind": "platform",
                "ref_id": offset + i,
                "title": row["name"],
                "body": f"{row['summary']}\n{row['role']}",
                "country": row["country"],
                "topics": "",
            }
            for i, row in enumerate(rows)
        ]
        documents += [
            {
                "kind": "practice",
                "ref_id": offset + i,
                "title": row["title"],
                "body": f"{row['summary']}\n{row['details']}",
                "country": row["country"],
                "topics": topics_cell(row["topics"]),
            }
            for i, row in enumerate(practice_rows)
        ]
        for start in range(0, len(documents), 5000):
            await session.execute(insert(SearchDocument), documents[start : start + 5000])
        await bump_revision(session)


async def measure(
    db: Database,
    label: str,
    inputs: list[str],
    call: Callable[[Session, str], object],
    rounds: int,
) -> None:
    timings = []
    await db.read(call, inputs[0])  # warm the per-process caches, as a running bot has them
    for number in range(rounds):
        text = inputs[number % len(inputs)]
        start = time.perf_counter()
        with contextlib.suppress(NotFoundError):
            await db.read(call, text)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p50 = statistics.median(timings)
    p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
    print(f"  {label:<28} p50 {p50:7.2f} ms   p99 {p99:7.2f} ms   max {timings[-1]:7.2f} ms   (n={len(timings)})")


def documents_searched_by_meaning(session: Session) -> int:
    embedder = embedder_of(session)
    index = semantic_index(session, embedder, knowledge_stamp(session)) if embedder is not None else None
    return len(index.kinds) if index is not None else 0


async def run_suite(db: Database, rounds: int) -> None:
    # As the bot does at start; after a knowledge change the first lookup pays this instead.
    start = time.perf_counter()
    await db.read(warm_lookup_caches)
    print(f"  name directory, typo vocabulary and meaning index built in {(time.perf_counter() - start) * 1000:.0f} ms")
    indexed = await db.read(documents_searched_by_meaning)
    meaning = f"on, {indexed} documents" if indexed else f"off (over {MAX_DOCUMENTS:,} documents)"
    print(f"  search by meaning: {meaning}")
    gc.collect()
    gc.freeze()  # as the bot does once started (bot/client.py)
    await measure(db, "platform show (find)", NAMES, find_platform, rounds)
    await measure(db, "platform autocomplete", [n[:4] for n in NAMES], autocomplete_platforms, rounds)
    await measure(db, "practice search", QUERIES, search_practices, rounds)
    await measure(
        db,
        "practice search + topic",
        QUERIES,
        lambda s, q: search_practices(s, q, topic="teacher training"),
        rounds,
    )
    await measure(
        db, "practice search + country", QUERIES, lambda s, q: search_practices(s, q, country="Finland"), rounds
    )
    await measure(db, "practice autocomplete", QUERIES, autocomplete_practices, rounds)
    await measure(db, "find (everything)", QUERIES + NAMES, find_anything, rounds)
    await measure(db, "find (member questions)", distinct_member_questions(rounds + 1), find_anything, rounds)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--platforms", type=int, default=10_000)
    parser.add_argument("--practices", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args()
    print(python_speed(), end="\n\n")
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite+aiosqlite:///{Path(directory) / 'bench.db'}"
        await migrate.upgrade(url)
        engine = create_engine(url)
        sessions = create_sessionmaker(engine)
        db = Database(engine)
        await load_shipped(db, read_shipped_data())
        print(
            f"Shipped data ({len(read_shipped_data().platforms)} platforms, "
            f"{len(read_shipped_data().practices)} practices):"
        )
        await run_suite(db, args.rounds)
        start = time.perf_counter()
        await generate(sessions, args.platforms, args.practices, seed=7)
        print(
            f"\nGenerated {args.platforms:,} platforms and {args.practices:,} practices "
            f"in {time.perf_counter() - start:.1f} s:"
        )
        await run_suite(db, args.rounds)
        await db.close()


if __name__ == "__main__":
    asyncio.run(main())
