"""The bot's small web server: the presenter screen of a panel and the subscribable events feeds.

aiohttp (which discord.py already brings) runs inside the bot's own event loop, so a page hears of a
change the moment a cog commits it. Off unless WEB_PORT is set.
"""

from __future__ import annotations

import hashlib
import html
import logging
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

from aiohttp import web

from bot.calendar import CALENDAR_LIMIT, build_calendar
from bot.settings import Settings
from bot.web.hub import ScreenHub
from bot.web.screen_text import page_texts
from db.database import Database
from db.events import list_upcoming_events
from db.member_feeds import member_feed_events
from db.models.base import utcnow
from db.screens import UNKNOWN_SCREEN, hash_token, screen_panel, screen_panel_id
from rules.errors import NotFoundError
from rules.i18n import translate

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
SCREEN_PAGE = (HERE / "screen.html").read_text(encoding="utf-8")
# Only our own script, style and event stream; no inline code, no frames, no forms, no other origin.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # The screen's address is its password: never send it to another site.
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
HEARTBEAT_SECONDS = 15
RECONNECT_MILLISECONDS = 2000
CALENDAR_MAX_AGE = 300
DATABASE = web.AppKey("database", Database)
SCREENS = web.AppKey("screens", ScreenHub)


class CalendarFeedCache:
    """When this process first served each version of the feed: its Last-Modified."""

    def __init__(self) -> None:
        self.etag = ""
        self.since = utcnow()

    def last_modified(self, etag: str) -> datetime:
        if etag != self.etag:
            self.etag, self.since = etag, utcnow().replace(microsecond=0)
        return self.since


FEED = web.AppKey("feed", CalendarFeedCache)


async def add_security_headers(_request: web.Request, response: web.StreamResponse) -> None:
    """On every response, errors and static files included."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)


def create_app(*, db: Database, screens: ScreenHub) -> web.Application:
    app = web.Application()
    app.on_response_prepare.append(add_security_headers)
    app[DATABASE] = db
    app[SCREENS] = screens
    app[FEED] = CalendarFeedCache()
    app.router.add_get("/screen/{token}", screen_page)
    app.router.add_get("/screen/{token}/events", screen_events)
    app.router.add_get("/calendar.ics", calendar_feed)
    app.router.add_get("/calendar/{token}.ics", member_calendar_feed)
    app.router.add_static("/static/", HERE / "static", append_version=False)
    return app


async def screen_page(request: web.Request) -> web.Response:
    """The presenter page: a shell with the panel's title; screen.js fills it from the event stream."""
    language = request.app[SCREENS].language
    try:
        title = (await request.app[DATABASE].transaction(screen_panel, token=request.match_info["token"])).title
    except NotFoundError:
        raise web.HTTPNotFound(text=translate(language, UNKNOWN_SCREEN)) from None
    page = SCREEN_PAGE
    for name, text in {**page_texts(language), "title": html.escape(title)}.items():
        page = page.replace(f"{{{name}}}", text)
    return web.Response(
        text=page,
        content_type="text/html",
        headers={"Cache-Control": "no-store"},
    )


async def screen_events(request: web.Request) -> web.StreamResponse:
    """Server-sent events: the panel's state now and after every change; `revoked` ends the stream."""
    try:
        panel_id = await request.app[DATABASE].transaction(screen_panel_id, token=request.match_info["token"])
    except NotFoundError:
        raise web.HTTPNotFound(text=translate(request.app[SCREENS].language, UNKNOWN_SCREEN)) from None
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/event-stream; charset=utf-8",
            "Cache-Control": "no-store",
            # nginx would otherwise buffer the stream and the screen would lag.
            "X-Accel-Buffering": "no",
        }
    )
    await response.prepare(request)
    token_hash = hash_token(request.match_info["token"])
    try:
        await response.write(f"retry: {RECONNECT_MILLISECONDS}\n\n".encode())
        async with request.app[SCREENS].subscribe(panel_id, token_hash) as subscription:
            while True:
                update = await subscription.next(HEARTBEAT_SECONDS)
                if update is None:
                    await response.write(b": keep-alive\n\n")
                    continue
                if update.kind == "closed":
                    break
                await response.write(f"event: {update.kind}\ndata: {update.data}\n\n".encode())
                if update.kind == "revoked":
                    break
    except ConnectionResetError:
        pass  # the page was closed
    return response


async def calendar_feed(request: web.Request) -> web.Response:
    """The upcoming events as a subscribable iCalendar feed: what /event calendar sends as a file."""
    upcoming = await request.app[DATABASE].transaction(list_upcoming_events, now=utcnow(), limit=CALENDAR_LIMIT)
    events = [item.event for item in upcoming]
    # Stamped with the newest change, not the clock, so an unchanged feed is byte-identical (one ETag).
    body = build_calendar(events, now=max((event.updated_at for event in events), default=utcnow()))
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    last_modified = request.app[FEED].last_modified(etag)
    headers = {
        "ETag": etag,
        "Last-Modified": format_datetime(last_modified, usegmt=True),
        "Cache-Control": f"public, max-age={CALENDAR_MAX_AGE}",
    }
    if _not_modified(request, etag, last_modified):
        return web.Response(status=304, headers=headers)
    return web.Response(body=body, content_type="text/calendar", charset="utf-8", headers=headers)


async def member_calendar_feed(request: web.Request) -> web.Response:
    """One member's secret feed: the events (occurrences of a series) they answered Going to. The address is the
    password."""
    try:
        feed = await request.app[DATABASE].transaction(
            member_feed_events, token=request.match_info["token"], now=utcnow()
        )
    except NotFoundError:
        raise web.HTTPNotFound(text="This calendar link does not exist (any more).") from None
    stamp = max((event.updated_at for event in feed.events), default=utcnow())
    body = build_calendar(feed.events, now=stamp, name="My events", only=feed.occurrences)
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": f"private, max-age={CALENDAR_MAX_AGE}"}
    if any(tag.strip() in (etag, "W/" + etag) for tag in request.headers.get("If-None-Match", "").split(",")):
        return web.Response(status=304, headers=headers)
    return web.Response(body=body, content_type="text/calendar", charset="utf-8", headers=headers)


def _not_modified(request: web.Request, etag: str, last_modified: datetime) -> bool:
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        return any(tag.strip() in (etag, "*", "W/" + etag) for tag in if_none_match.split(","))
    if_modified_since = request.headers.get("If-Modified-Since")
    if if_modified_since is None:
        return False
    try:
        return parsedate_to_datetime(if_modified_since) >= last_modified
    except (TypeError, ValueError):
        return False


class WebServer:
    """Start and stop the web views with the bot; nothing listens unless WEB_PORT is set."""

    def __init__(self, settings: Settings, db: Database, screens: ScreenHub) -> None:
        self.settings = settings
        self.db = db
        self.screens = screens
        # Routes other parts of the bot serve on the same port (bot/health.py: /healthz and /metrics).
        self.extra_routes: list[web.RouteDef] = []
        self._runner: web.AppRunner | None = None

    @property
    def port(self) -> int | None:
        """The port actually listened on (WEB_PORT, or the one the system chose for 0 in tests)."""
        if self._runner is None or not self._runner.addresses:
            return None
        return int(self._runner.addresses[0][1])

    async def start(self) -> None:
        if self.settings.web_port is None:
            return
        # No access log: a screen's address is its secret.
        app = create_app(db=self.db, screens=self.screens)
        app.router.add_routes(self.extra_routes)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=5)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.settings.web_host, self.settings.web_port).start()
        except OSError as error:
            await runner.cleanup()
            log.error(
                "Web views are off: cannot listen on %s:%s (%s). Check WEB_HOST and WEB_PORT.",
                self.settings.web_host,
                self.settings.web_port,
                error,
            )
            return
        self._runner = runner
        log.info("Web views on %s:%s, linked as %s", self.settings.web_host, self.port, self.settings.web_base_url)

    async def stop(self) -> None:
        if self._runner is None:
            return
        await self.screens.close()
        await self._runner.cleanup()
        self._runner = None
