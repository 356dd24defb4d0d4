"""The bot's web server on a free loopback port, with the screen hub the panel cogs notify."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from bot.web import ScreenHub, WebServer
from db import screens
from db.database import Database
from tests.db.test_panels import MODERATOR, open_panel


@dataclass
class RunningWeb:
    url: str
    hub: ScreenHub
    server: WebServer


@contextlib.asynccontextmanager
async def running_web(settings: Settings, database: Database) -> AsyncIterator[RunningWeb]:
    """The web server as the bot builds it from these settings."""
    hub = ScreenHub(database, language=settings.server_language)
    database.on_change(hub.follow)
    # Port 0: the system picks a free one.
    server = WebServer(dataclasses.replace(settings, web_port=0), database, hub)
    await server.start()
    try:
        yield RunningWeb(f"http://127.0.0.1:{server.port}", hub, server)
    finally:
        await server.stop()


@pytest.fixture
async def web(settings: Settings, database: Database) -> AsyncIterator[RunningWeb]:
    async with running_web(settings, database) as running:
        yield running


@pytest.fixture
async def german_web(settings: Settings, database: Database) -> AsyncIterator[RunningWeb]:
    """The web server of a server whose language is German (SERVER_LANGUAGE=de)."""
    async with running_web(dataclasses.replace(settings, server_language="de"), database) as running:
        yield running


@dataclass
class Screen:
    panel_id: int
    token: str

    def path(self, url: str) -> str:
        return f"{url}/screen/{self.token}"


@pytest.fixture
async def screen(sessions: async_sessionmaker[AsyncSession]) -> Screen:
    """An open panel with one presenter link."""
    panel_id = await open_panel(sessions)
    async with sessions.begin() as session:
        token = await screens.open_screen(session, panel_id=panel_id, created_by=MODERATOR)
    return Screen(panel_id, token)
