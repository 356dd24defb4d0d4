"""The reader: lookups in one hop on their own read-only SQLite connection, or through the engine elsewhere."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from db.engine import SQLITE_READER_MMAP_BYTES
from db.knowledge import warm_lookup_caches
from db.models import Platform
from db.reader import Reader
from db.search import knowledge_stamp
from db.session_state import lookup_caches


def platform_name(session: Session, slug: str) -> str | None:
    return session.scalar(select(Platform.name).where(Platform.slug == slug))


async def test_reader_sees_what_was_committed(sessions: async_sessionmaker[AsyncSession], reader: Reader) -> None:
    async with sessions.begin() as session:
        await session.execute(update(Platform).where(Platform.slug == "astra").values(name="Astra (renamed)"))
    assert await reader.run(platform_name, "astra") == "Astra (renamed)"


async def test_reader_cannot_write(sessions: async_sessionmaker[AsyncSession], reader: Reader) -> None:
    def rename(session: Session) -> None:
        session.execute(update(Platform).where(Platform.slug == "astra").values(name="written by a lookup"))
        session.commit()

    with pytest.raises(DBAPIError):  # SQLite: query_only; PostgreSQL: a read-only transaction
        await reader.run(rename)
    async with sessions() as session:
        assert await session.scalar(select(Platform.name).where(Platform.slug == "astra")) == "Astra"


@pytest.mark.sqlite_only
async def test_reader_reads_while_a_writer_holds_the_write_lock(
    sessions: async_sessionmaker[AsyncSession], reader: Reader
) -> None:
    """WAL: a lookup does not queue behind a long write transaction, and sees the last committed state."""
    async with sessions.begin() as session:
        await session.execute(update(Platform).where(Platform.slug == "astra").values(name="not yet committed"))
        count = await asyncio.wait_for(
            reader.run(lambda sync: sync.scalar(select(func.count()).select_from(Platform))), timeout=2
        )
        assert count and count > 20
        assert await reader.run(platform_name, "astra") == "Astra"


@pytest.mark.sqlite_only
async def test_reader_connection_is_query_only(reader: Reader) -> None:
    assert await reader.run(lambda sync: sync.scalar(text("PRAGMA query_only"))) == 1


@pytest.mark.sqlite_only
async def test_reader_connection_reads_through_a_memory_map(reader: Reader) -> None:
    assert await reader.run(lambda sync: sync.scalar(text("PRAGMA mmap_size"))) == SQLITE_READER_MMAP_BYTES


async def test_a_reader_of_its_own_keeps_its_lookup_caches_across_lookups(reader: Reader) -> None:
    """Built without a Database (a script, a benchmark), a reader still builds the name directory once, not
    per lookup: at 100,000 practices a rebuild per call turned a 3 ms lookup into 400 ms."""
    await reader.run(warm_lookup_caches)
    first, second = await reader.run(lookup_caches), await reader.run(lookup_caches)
    assert first is second
    stamp = await reader.run(knowledge_stamp)
    assert first.revisions() == {"directory": stamp, "vocabulary": stamp, "semantic": stamp}
