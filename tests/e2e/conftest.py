"""Fixtures of the end-to-end suite: one fake Discord and one bot process per test module.

* ``fake``   — the loopback Discord (REST + gateway), module-scoped;
* ``bot``    — ``python -m bot`` against it on a fresh database, started once per module, ready: a SQLite file,
  and again on a PostgreSQL database of its own when TEST_POSTGRES_URL is set (the ``backend`` parameter of
  tests/conftest.py; the bot migrates the blank database itself, as in production);
* ``driver`` — per test: slash commands, autocomplete, clicks, modals, waits (see driver.py).

A failing test gets the bot's log tail, the requests the fake refused and any unknown route it was
asked for appended to its report.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.databases import fresh_database

from .botproc import BotProcess
from .driver import Driver
from .fake import FakeDiscord


@pytest.fixture(scope="module")
def fake(backend: str) -> Iterator[FakeDiscord]:
    """A fresh Discord per backend: one community's history never leaks into another database's run."""
    server = FakeDiscord().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def bot_dir(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, backend: str) -> Path:
    return tmp_path_factory.mktemp(f"e2e-{request.module.__name__.rsplit('.', 1)[-1]}-{backend}")


@pytest.fixture(scope="module")
def bot_database_url(backend: str, bot_dir: Path) -> Iterator[str]:
    """A blank database for the module's bot (it applies the migrations at start, as in production)."""
    with fresh_database(backend, bot_dir) as url:
        yield url


@pytest.fixture(scope="module")
def bot(fake: FakeDiscord, bot_dir: Path, bot_database_url: str) -> Iterator[BotProcess]:
    process = BotProcess(fake, database_url=bot_database_url, log_path=bot_dir / "bot.log")
    try:
        process.start().wait_ready()
        yield process
    finally:
        process.stop()
        process.kill()


@pytest.fixture
def driver(fake: FakeDiscord, bot: BotProcess) -> Driver:
    return Driver(fake, bot)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    report = yield
    if not report.failed or report.when not in ("setup", "call"):
        return report
    funcargs = getattr(item, "funcargs", {})
    bot = funcargs.get("bot")
    fake = funcargs.get("fake")
    if isinstance(bot, BotProcess):
        report.sections.append(("bot log (tail)", bot.describe(150)))
    if isinstance(fake, FakeDiscord):
        lines = [f"refused: {r}" for r in fake.rejections_since(0)]
        lines += [f"unknown route: {r.method} {r.path}" for r in fake.unknown_since(0)]
        lines += [f"request: {r!r}" for r in fake.requests[-25:]]
        report.sections.append(("fake Discord", "\n".join(lines)))
    return report
