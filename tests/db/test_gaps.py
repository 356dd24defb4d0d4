"""Knowledge gaps: weak or empty lookups counted by normalised query, never by who asked."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import inspect

from db.database import Database
from db.gaps import normalise_query, record_gap, top_gaps
from db.knowledge import graded_find, graded_practice_search


def test_normalise_query_merges_case_spacing_and_punctuation() -> None:
    assert normalise_query("  Wie erreiche ich  LEHRER? ") == "wie erreiche ich lehrer"
    assert normalise_query("“role models”!") == "role models"
    assert normalise_query("x" * 500) == "x" * 200


async def test_record_gap_counts_and_keeps_first_and_last_seen(database: Database) -> None:
    first, later = datetime(2026, 12, 1, 9, tzinfo=UTC), datetime(2026, 12, 3, 15, tzinfo=UTC)
    await database.write(record_gap, query="Quantum kindergartens", now=first)
    await database.write(record_gap, query="quantum  KINDERGARTENS?", now=later)
    await database.write(record_gap, query="moon schools", now=first)
    gaps = await database.read(top_gaps)
    assert [(g.query, g.misses) for g in gaps] == [("quantum kindergartens", 2), ("moon schools", 1)]
    assert gaps[0].first_seen == first and gaps[0].last_seen == later


async def test_gap_table_holds_no_member_ids(database: Database) -> None:
    def columns(session: object) -> list[str]:
        return [c["name"] for c in inspect(session.connection()).get_columns("knowledge_gaps")]  # type: ignore[attr-defined]

    assert sorted(await database.read(columns)) == ["first_seen", "id", "last_seen", "misses", "query"]


async def test_lookups_grade_misses_weak_and_strong_matches(database: Database) -> None:
    assert (await database.read(graded_find, "xylophone zeppelin")).weak
    assert not (await database.read(graded_find, "LUMA")).weak
    assert not (await database.read(graded_find, "teacher training")).weak
    # Only one of the words is known: the hits are any-word matches, a gap worth showing moderators.
    weak = await database.read(graded_find, "teachers xylophone")
    assert weak.hits and weak.weak
    assert (await database.read(graded_practice_search, "xylophone zeppelin")).weak
    assert not (await database.read(graded_practice_search, "role models")).weak
