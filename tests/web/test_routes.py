"""The web routes over real HTTP (no browser): 404s, headers, the event stream, escaping, the calendar feed."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from collections.abc import AsyncIterator
from datetime import timedelta

import aiohttp
import pytest
from icalendar import Calendar
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from bot.web import ScreenHub, WebServer
from bot.web.server import CONTENT_SECURITY_POLICY
from db import questions, screens
from db.database import Database
from db.engine import create_engine, create_sessionmaker
from db.events import EventInput, create_event, edit_event
from db.models.base import utcnow
from rules.question_text import QuestionRules
from tests.db.test_panels import MODERATOR, ask, open_panel
from tests.web.conftest import RunningWeb, Screen

Sessions = async_sessionmaker[AsyncSession]
ANONYMOUS_AUTHOR = 510000000000000077


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as client:
        yield client


async def next_event(stream: aiohttp.ClientResponse, within: float = 5.0) -> tuple[str, str]:
    """(event name, data) of the next server-sent event, skipping comments and the retry line."""
    name, data = "message", list[str]()
    async with asyncio.timeout(within):
        while True:
            line = (await stream.content.readline()).decode()
            if not line:
                return "end", ""
            line = line.rstrip("\n")
            if line == "" and data:
                return name, "\n".join(data)
            if line.startswith("event: "):
                name = line.removeprefix("event: ")
            elif line.startswith("data: "):
                data.append(line.removeprefix("data: "))


# --- the presenter page -----------------------------------------------------------------------------------


async def test_screen_unknown_token_is_404_page_and_stream(web: RunningWeb, http: aiohttp.ClientSession) -> None:
    for path in ("/screen/not-a-token", "/screen/not-a-token/events"):
        async with http.get(web.url + path) as response:
            assert response.status == 404
            assert "unknown or was revoked" in await response.text()
            assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


async def test_screen_revoked_token_is_404(
    web: RunningWeb, http: aiohttp.ClientSession, screen: Screen, sessions: Sessions
) -> None:
    async with http.get(screen.path(web.url)) as response:
        assert response.status == 200
    async with sessions.begin() as session:
        await screens.revoke_screens(session, panel_id=screen.panel_id)
    async with http.get(screen.path(web.url)) as response:
        assert response.status == 404


async def test_screen_page_escapes_the_title_and_sends_strict_headers(
    web: RunningWeb, http: aiohttp.ClientSession, sessions: Sessions
) -> None:
    panel_id = await open_panel(sessions, title="<script>alert(1)</script> & friends")
    async with sessions.begin() as session:
        token = await screens.open_screen(session, panel_id=panel_id, created_by=MODERATOR)
    async with http.get(f"{web.url}/screen/{token}") as response:
        page = await response.text()
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Cache-Control"] == "no-store"
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; friends" in page
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY and "unsafe-inline" not in CONTENT_SECURITY_POLICY
    async with http.get(f"{web.url}/static/screen.js") as script:
        assert script.status == 200
        assert "innerHTML" not in await script.text()


async def test_screen_stream_sends_the_snapshot_without_authors(
    web: RunningWeb, http: aiohttp.ClientSession, screen: Screen, sessions: Sessions
) -> None:
    await ask(sessions, screen.panel_id, ANONYMOUS_AUTHOR, "<b>Who</b> funds the platforms?", anonymous=True)
    async with http.get(screen.path(web.url) + "/events") as stream:
        assert stream.headers["Content-Type"] == "text/event-stream; charset=utf-8"
        assert stream.headers["Cache-Control"] == "no-store"
        assert (await stream.content.readline()) == b"retry: 2000\n"
        name, data = await next_event(stream)
    assert name == "snapshot"
    snapshot = json.loads(data)
    assert snapshot["top"] == [
        {
            "number": 1,
            "text": "<b>Who</b> funds the platforms?",
            "votes": 0,
            "panelist": None,
            "answer": None,
            "votes_text": "0 votes",
            "to_text": "",
        }
    ]
    assert snapshot["counts_text"] == "1 asked · 0 answered"
    assert str(ANONYMOUS_AUTHOR) not in data and "author" not in data


async def test_screen_stream_pushes_a_change_as_soon_as_it_is_committed(
    web: RunningWeb, http: aiohttp.ClientSession, screen: Screen, database: Database
) -> None:
    """Nobody tells the screens: a change committed through the database reaches them within half a second,
    far sooner than the poll that catches other instances' changes."""
    async with http.get(screen.path(web.url) + "/events") as stream:
        assert (await next_event(stream))[0] == "snapshot"
        started = time.monotonic()
        question = await database.write(
            questions.ask_question,
            panel_id=screen.panel_id,
            author_id=510000000000000001,
            text="How do you train teachers?",
            anonymous=False,
            rules=QuestionRules(),
        )
        name, data = await next_event(stream)
        assert name == "snapshot" and json.loads(data)["top"][0]["text"] == "How do you train teachers?"
        assert time.monotonic() - started < 0.5
        await database.write(questions.toggle_vote, question_id=question.id, member_id=520000000000000001)
        assert json.loads((await next_event(stream))[1])["top"][0]["votes"] == 1


async def test_screen_stream_sees_changes_of_another_bot_instance(
    web: RunningWeb, http: aiohttp.ClientSession, screen: Screen, database_url: str
) -> None:
    other_engine = create_engine(database_url)
    try:
        async with http.get(screen.path(web.url) + "/events") as stream:
            assert (await next_event(stream))[0] == "snapshot"
            # Written through another engine and never announced to this hub: only the poll can see it.
            await ask(create_sessionmaker(other_engine), screen.panel_id, 510000000000000001, "Asked elsewhere?")
            name, data = await next_event(stream, within=2.0)
    finally:
        await other_engine.dispose()
    assert name == "snapshot" and json.loads(data)["top"][0]["text"] == "Asked elsewhere?"


async def test_screen_stream_ends_with_revoked_when_the_link_is_revoked(
    web: RunningWeb, http: aiohttp.ClientSession, screen: Screen, database: Database
) -> None:
    async with http.get(screen.path(web.url) + "/events") as stream:
        assert (await next_event(stream))[0] == "snapshot"
        await database.transaction(screens.revoke_screens, panel_id=screen.panel_id)
        assert (await next_event(stream))[0] == "revoked"
        assert (await next_event(stream))[0] == "end"


async def test_web_server_stop_ends_open_streams_promptly(
    web: RunningWeb, http: aiohttp.ClientSession, screen: Screen
) -> None:
    async with http.get(screen.path(web.url) + "/events") as stream:
        assert (await next_event(stream))[0] == "snapshot"
        started = time.monotonic()
        await web.server.stop()
        assert (await next_event(stream))[0] == "end"
    assert time.monotonic() - started < 3


async def test_web_server_without_port_listens_nowhere(settings: Settings, database: Database) -> None:
    server = WebServer(dataclasses.replace(settings, web_port=None), database, ScreenHub(database))
    await server.start()
    assert server.port is None
    await server.stop()


# --- the calendar feed ------------------------------------------------------------------------------------


async def add_event(sessions: Sessions, title: str) -> int:
    async with sessions.begin() as session:
        saved = await create_event(
            session,
            guild_id=None,
            author_id=MODERATOR,
            fields=EventInput(title=title, kind="webinar", start="2030-03-04 14:00", timezone="Europe/Brussels"),
            default_zone="Europe/Brussels",
            now=utcnow(),
        )
        return saved.event.id


async def test_calendar_feed_is_a_parsable_calendar_with_cache_headers(
    web: RunningWeb, http: aiohttp.ClientSession, sessions: Sessions
) -> None:
    await add_event(sessions, "Teacher training webinar")
    async with http.get(web.url + "/calendar.ics") as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
        assert response.headers["Cache-Control"] == "public, max-age=300"
        etag, last_modified = response.headers["ETag"], response.headers["Last-Modified"]
        body = await response.read()
    calendar = Calendar.from_ical(body)
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Teacher training webinar"
    assert event.decoded("DTSTART").isoformat() == "2030-03-04T14:00:00+01:00"
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Brussels"

    async with http.get(web.url + "/calendar.ics", headers={"If-None-Match": etag}) as again:
        assert again.status == 304 and await again.read() == b""
        assert again.headers["ETag"] == etag
    async with http.get(web.url + "/calendar.ics", headers={"If-Modified-Since": last_modified}) as again:
        assert again.status == 304
    async with http.get(web.url + "/calendar.ics") as again:
        assert again.headers["ETag"] == etag and await again.read() == body


async def test_calendar_feed_changes_etag_when_an_event_changes(
    web: RunningWeb, http: aiohttp.ClientSession, sessions: Sessions
) -> None:
    event_id = await add_event(sessions, "Oslo taskforce")
    async with http.get(web.url + "/calendar.ics") as response:
        etag = response.headers["ETag"]
    async with sessions.begin() as session:
        await edit_event(
            session, event_id=event_id, fields=EventInput(location="Oslo"), now=utcnow() + timedelta(seconds=1)
        )
    async with http.get(web.url + "/calendar.ics", headers={"If-None-Match": etag}) as response:
        assert response.status == 200
        assert response.headers["ETag"] != etag
        (event,) = Calendar.from_ical(await response.read()).walk("VEVENT")
    assert str(event["LOCATION"]) == "Oslo"
