"""The test databases: a SQLite file or a PostgreSQL database of its own, made and removed per test or module.

PostgreSQL is used when TEST_POSTGRES_URL names a server (`eval "$(bash scripts/postgres)"` starts one); every
database the tests make there has a unique name and is dropped afterwards, so suites can share one server.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
import uuid
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
from sqlalchemy.engine import make_url

T = TypeVar("T")
SQLITE, POSTGRES = "sqlite", "postgres"
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "")
NO_POSTGRES = (
    'TEST_POSTGRES_URL is not set: start a server with `eval "$(bash scripts/postgres)"` to run these on '
    "PostgreSQL too (CI does)"
)


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


@contextmanager
def fresh_database(backend: str, directory: Path, template: str | None = None) -> Iterator[str]:
    """A database of its own (a copy of `template`, else blank) for as long as the block runs; yields its URL."""
    if backend == SQLITE:
        target = directory / "bot.db"
        if template:
            shutil.copyfile(template, target)
        yield sqlite_url(target)
        return
    name = create_postgres_database(template=template)
    try:
        yield postgres_url(name)
    finally:
        drop_postgres_database(name)
