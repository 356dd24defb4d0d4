"""Shared fixtures: settings, and a fresh migrated SQLite file per test (migrated once, then copied)."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.settings import Settings
from db import migrate
from db.engine import create_engine, create_sessionmaker
from db.shipped import load_shipped_data, read_shipped_data


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


async def _load_shipped(url: str) -> None:
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine).begin() as session:
            await load_shipped_data(session, read_shipped_data())
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("templates") / "empty.db"
    asyncio.run(migrate.upgrade(sqlite_url(path)))
    return path


@pytest.fixture(scope="session")
def shipped_template(tmp_path_factory: pytest.TempPathFactory, empty_template: Path) -> Path:
    path = tmp_path_factory.mktemp("templates") / "shipped.db"
    shutil.copyfile(empty_template, path)
    asyncio.run(_load_shipped(sqlite_url(path)))
    return path


def _copy(template: Path, tmp_path: Path) -> str:
    target = tmp_path / "bot.db"
    shutil.copyfile(template, target)
    return sqlite_url(target)


@pytest.fixture
def empty_database_url(empty_template: Path, tmp_path: Path) -> str:
    return _copy(empty_template, tmp_path)


@pytest.fixture
def database_url(shipped_template: Path, tmp_path: Path) -> str:
    """A database with every migration applied and the shipped knowledge base loaded."""
    return _copy(shipped_template, tmp_path)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine)


@pytest.fixture
async def session(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """One transaction for a test that only needs to read or write within itself."""
    async with sessions.begin() as session:
        yield session


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        discord_token="test",
        database_url=database_url,
        guild_id=100000000000000001,
        moderator_role="Moderator",
        announce_channel_id=200000000000000001,
    )
