"""Two instances starting at once on a blank database: both migrate and load the shipped data without error."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from db import migrate
from db.engine import create_engine, create_sessionmaker
from db.models import Platform, Practice
from db.shipped import load_shipped_data, read_shipped_data


async def start_up(url: str) -> None:
    """What `python -m bot` does before it connects to Discord."""
    await migrate.upgrade(url)
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine).begin() as session:
            await load_shipped_data(session, read_shipped_data())
    finally:
        await engine.dispose()


async def test_two_instances_starting_at_once_migrate_and_load_once(blank_database_url: str) -> None:
    await asyncio.gather(start_up(blank_database_url), start_up(blank_database_url))
    assert await migrate.current_revision(blank_database_url) == migrate.head_revision()
    data = read_shipped_data()
    engine = create_engine(blank_database_url)
    try:
        async with create_sessionmaker(engine).begin() as session:
            assert await session.scalar(select(func.count()).select_from(Platform)) == len(data.platforms)
            assert await session.scalar(select(func.count()).select_from(Practice)) == len(data.practices)
    finally:
        await engine.dispose()
