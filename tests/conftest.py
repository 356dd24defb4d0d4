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

import asyncio
import os
import shutil
import threading
import uuid
from collections.abc import AsyncIterator, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.settings import Settings
from db import migrate
from db.engine import create_engine, create_sessionmaker
from db.shipped import load_shipped_data, read_shipped_data

T = TypeVar("T")
SQLITE, POSTGRES = "sqlite", "postgres"
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "")
NO_POSTGRES = (
    'TEST_POSTGRES_URL is not set: start a server with `eval "$(bash scripts/postgres)"` to run these on '
    "PostgreSQL too (CI does)"
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


def run_in_thread(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion on its own loop in a thread, leaving the test's event loop alone."""
    result: list[T] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            result.append(asyncio.run(coroutine))
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return result[0]


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def postgres_url(database: str) -> str:
    return make_url(POSTGRES_URL).set(database=database).render_as_string(hide_password=False)


async def _postgres_admin(*statements: str) -> None:
    """Run statements that cannot run in a transaction (CREATE/DROP DATABASE) on the server's own database."""
    dsn = make_url(POSTGRES_URL).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn)
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


def create_postgres_database(*, template: str | None = None, prefix: str = "test") -> str:
    """A new database (a copy of `template`, else empty) with a unique name; returns its name."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    source = f" TEMPLATE {template}" if template else ""
    run_in_thread(_postgres_admin(f"CREATE DATABASE {name}{source}"))
    return name


def drop_postgres_database(name: str) -> None:
    # FORCE ends whatever connection a test (or a bot process it started) left open.
    run_in_thread(_postgres_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


async def _load_shipped(url: str) -> None:
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine).begin() as session:
            await load_shipped_data(session, read_shipped_data())
    finally:
        await engine.dispose()


async def _migrate_and_load(url: str, *, shipped: bool) -> None:
    await migrate.upgrade(url)
    if shipped:
        await _load_shipped(url)


class Templates:
    """Migrated databases of one backend to copy per test: empty, and with the shipped data."""

    def __init__(self, backend: str, directory: Path) -> None:
        self.backend = backend
        self.directory = directory
        self.names: dict[bool, str] = {}

    def build(self) -> Templates:
        for shipped in (False, True):
            if self.backend == SQLITE:
                path = self.directory / ("shipped.db" if shipped else "empty.db")
                run_in_thread(_migrate_and_load(sqlite_url(path), shipped=shipped))
                self.names[shipped] = str(path)
            else:
                name = create_postgres_database(prefix="template")
                run_in_thread(_migrate_and_load(postgres_url(name), shipped=shipped))
                self.names[shipped] = name
        return self

    def drop(self) -> None:
        if self.backend == POSTGRES:
            for name in self.names.values():
                drop_postgres_database(name)


@pytest.fixture(scope="session")
def templates(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    built = Templates(backend, tmp_path_factory.mktemp(f"templates-{backend}")).build()
    try:
        yield built
    finally:
        built.drop()


def fresh_database(backend: str, tmp_path: Path, template: str | None) -> Iterator[str]:
    """A database of its own for one test: a copy of `template` (or blank), removed afterwards."""
    if backend == SQLITE:
        target = tmp_path / "bot.db"
        if template:
            shutil.copyfile(template, target)
        yield sqlite_url(target)
        return
    name = create_postgres_database(template=template)
    try:
        yield postgres_url(name)
    finally:
        drop_postgres_database(name)


@pytest.fixture
def blank_database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A database with nothing in it, not even the migrations."""
    yield from fresh_database(backend, tmp_path, None)


@pytest.fixture
def empty_database_url(backend: str, templates: Templates, tmp_path: Path) -> Iterator[str]:
    """A database with every migration applied and no data."""
    yield from fresh_database(backend, tmp_path, templates.names[False])


@pytest.fixture
def database_url(backend: str, templates: Templates, tmp_path: Path) -> Iterator[str]:
    """A database with every migration applied and the shipped knowledge base loaded."""
    yield from fresh_database(backend, tmp_path, templates.names[True])


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
