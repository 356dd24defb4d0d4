"""A member's secret calendar feed over real HTTP: only their Going events, a new link stops the old, revocable."""

from __future__ import annotations

import aiohttp
from icalendar import Calendar
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.events import set_rsvp
from db.member_feeds import open_member_feed, revoke_member_feed
from db.models.base import utcnow
from db.privacy import export_member_data, forget_member
from tests.web.conftest import RunningWeb
from tests.web.test_routes import add_event, http  # noqa: F401 (the http fixture)

Sessions = async_sessionmaker[AsyncSession]
ALICE = 900000000000000002


async def feed_titles(http: aiohttp.ClientSession, url: str) -> list[str] | int:  # noqa: F811
    async with http.get(url) as response:
        if response.status != 200:
            return response.status
        assert response.headers["Cache-Control"] == "private, max-age=300"
        calendar = Calendar.from_ical(await response.read())
    return sorted(str(event["SUMMARY"]) for event in calendar.walk("VEVENT"))


async def test_member_feed_holds_going_events_and_stops_when_replaced_revoked_or_forgotten(
    web: RunningWeb,
    http: aiohttp.ClientSession,  # noqa: F811
    sessions: Sessions,
) -> None:
    going = await add_event(sessions, "General Assembly Oslo")
    maybe = await add_event(sessions, "Webinar on role models")
    await add_event(sessions, "Taskforce call")
    async with sessions.begin() as session:
        await set_rsvp(session, event_id=going, member_id=ALICE, choice="going", now=utcnow())
        await set_rsvp(session, event_id=maybe, member_id=ALICE, choice="maybe", now=utcnow())
        first = await open_member_feed(session, member_id=ALICE, now=utcnow())

    assert await feed_titles(http, f"{web.url}/calendar/{first}.ics") == ["General Assembly Oslo"]
    async with sessions.begin() as session:
        second = await open_member_feed(session, member_id=ALICE, now=utcnow())
        exported = await export_member_data(session, member_id=ALICE)
    assert exported["calendar_feed"] is not None and second not in str(exported)
    assert await feed_titles(http, f"{web.url}/calendar/{first}.ics") == 404
    assert await feed_titles(http, f"{web.url}/calendar/{second}.ics") == ["General Assembly Oslo"]

    async with sessions.begin() as session:
        assert await revoke_member_feed(session, member_id=ALICE)
        third = await open_member_feed(session, member_id=ALICE, now=utcnow())
    assert await feed_titles(http, f"{web.url}/calendar/{second}.ics") == 404
    async with sessions.begin() as session:
        report = await forget_member(session, member_id=ALICE)
    assert report.calendar_feed == 1
    assert await feed_titles(http, f"{web.url}/calendar/{third}.ics") == 404
