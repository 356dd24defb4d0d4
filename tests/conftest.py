"""Shared fixtures: settings, and a fresh migrated database per test, on SQLite and on PostgreSQL.

Every test that takes a database fixture (`database_url`, `empty_database_url`, `blank_database_url`, `engine`,
`sessions`, `session`) runs once per backend: `sqlite` always, `postgres` when TEST_POSTGRES_URL names a server
(`eval "$(bash scripts/postgres)"` starts one). A test about SQLite itself is marked `@pytest.mark.sqlite_only`
and runs on SQLite alone, visibly.

Migrating is slow, copying is fast: each backend is migrated (and loaded with the shipped data) once per session
into a template, and each test gets a copy — a file copy on SQLite, `CREATE DATABASE … TEMPLATE` on PostgreSQL,
dropped after the test.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.settings import Settings
from db import migrate
from db.database import Database
from db.engine import create_engine, create_sessionmaker
from db.reader import Reader
from db.shipped import load_shipped, read_shipped_data
from db.writer import Writer
from tests.databases import (
    NO_POSTGRES,
    POSTGRES,
    POSTGRES_URL,
    SQLITE,
    create_postgres_database,
    drop_postgres_database,
    fresh_database,
    postgres_url,
    run_in_thread,
    sqlite_url,
)

BACKENDS = [SQLITE, pytest.param(POSTGRES, marks=pytest.mark.skipif(not POSTGRES_URL, reason=NO_POSTGRES))]
DATABASE_FIXTURES = {"backend", "database_url", "empty_database_url", "blank_database_url"}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: the test is about SQLite itself; it runs on SQLite alone")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every test that touches a database once per backend (PostgreSQL skipped, with a reason, when absent)."""
    if DATABASE_FIXTURES.isdisjoint(metafunc.fixturenames):
        return
    only_sqlite = metafunc.definition.get_closest_marker("sqlite_only") is not None
    metafunc.parametrize("backend", [SQLITE] if only_sqlite else BACKENDS, indirect=True, scope="session")


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def _load_shipped(url: str) -> None:
    """As the bot does at start: the shipped data, then the vectors for search by meaning."""
    database = Database.open(url)
    try:
        await load_shipped(database, read_shipped_data())
    finally:
        await database.close()


class Templates:
    """Migrated databases of one backend to copy per test: empty, and with the shipped data."""

    def __init__(self, backend: str, directory: Path) -> None:
        self.backend = backend
        self.directory = directory
        self.empty = self._copy(None, "empty")
        run_in_thread(migrate.upgrade(self._url(self.empty)))
        self.shipped = self._copy(self.empty, "shipped")
        run_in_thread(_load_shipped(self._url(self.shipped)))

    def _copy(self, template: str | None, name: str) -> str:
        """A new template: a copy of another one (or blank); returns its file path or database name."""
        if self.backend == POSTGRES:
            return create_postgres_database(template=template, prefix=f"template_{name}")
        path = self.directory / f"{name}.db"
        if template:
            shutil.copyfile(template, path)
        return str(path)

    def _url(self, template: str) -> str:
        return postgres_url(template) if self.backend == POSTGRES else sqlite_url(Path(template))

    def drop(self) -> None:
        if self.backend == POSTGRES:
            drop_postgres_database(self.shipped)
            drop_postgres_database(self.empty)


@pytest.fixture(scope="session")
def templates(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    built = Templates(backend, tmp_path_factory.mktemp(f"templates-{backend}"))
    try:
        yield built
    finally:
        built.drop()


@pytest.fixture
def blank_database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A database with nothing in it, not even the migrations."""
    with fresh_database(backend, tmp_path) as url:
        yield url


@pytest.fixture
def empty_database_url(backend: str, templates: Templates, tmp_path: Path) -> Iterator[str]:
    """A database with every migration applied and no data."""
    with fresh_database(backend, tmp_path, templates.empty) as url:
        yield url


@pytest.fixture
def database_url(backend: str, templates: Templates, tmp_path: Path) -> Iterator[str]:
    """A database with every migration applied and the shipped knowledge base loaded."""
    with fresh_database(backend, tmp_path, templates.shipped) as url:
        yield url


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine)


@pytest.fixture
def reader(engine: AsyncEngine) -> Iterator[Reader]:
    """The bot's lookup path: its own read-only connection on SQLite, the engine on PostgreSQL."""
    reader = Reader(engine)
    yield reader
    reader.close()


@pytest.fixture
async def writer(engine: AsyncEngine) -> AsyncIterator[Writer]:
    """The bot's path for questions and votes: group commit on its own connection on SQLite."""
    writer = Writer(engine)
    yield writer
    await writer.close()


@pytest.fixture
async def database(engine: AsyncEngine) -> AsyncIterator[Database]:
    """The one door the bot uses: fast reads, group-committed writes, transactions; fresh caches per test."""
    db = Database(engine)
    yield db
    await db.close()


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


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Sum up skipped tests in one line per reason, for a person: `-ra` would list every PostgreSQL run by name."""
    reasons: dict[str, int] = {}
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = report.longrepr
        reason = str(longrepr[2]) if isinstance(longrepr, tuple) else str(longrepr)
        reason = reason.removeprefix("Skipped: ")
        reasons[reason] = reasons.get(reason, 0) + 1
    for reason, count in sorted(reasons.items()):
        what = "PostgreSQL test run(s)" if reason == NO_POSTGRES else "test(s)"
        terminalreporter.write_line(f"{count} {what} skipped: {reason}")
