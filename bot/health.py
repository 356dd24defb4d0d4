"""`/healthz` and `/metrics` on the bot's web server, for a monitor or a load balancer to ask.

`/healthz` answers 200 when the bot can do its job and 503 when it cannot: the gateway is down, the database
cannot be read, the reminder timer is not running, or reminders are overdue. Its JSON body says which.
`/metrics` is the Prometheus text format of `BotMetrics`.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from bot.metrics import BotMetrics, watch_interactions
from db.engine import is_sqlite
from db.models.base import utcnow
from db.operations import OperationsSnapshot, checked_snapshot, sqlite_file_readable

if TYPE_CHECKING:
    from bot.client import CoalitionBot

log = logging.getLogger(__name__)

# A health check that waits longer than this on the database counts it as unreachable.
DATABASE_CHECK_SECONDS = 5.0


@dataclass(frozen=True)
class HealthReport:
    gateway_connected: bool
    database_reachable: bool
    timer_running: bool
    reminders_overdue: int | None
    problems: tuple[str, ...]

    @property
    def healthy(self) -> bool:
        return not self.problems


def gateway_connected(bot: CoalitionBot) -> bool:
    """True while every gateway connection of this process is open."""
    if bot.is_closed():
        return False
    shards = getattr(bot, "shards", None)
    if isinstance(shards, dict) and shards:
        return all(not shard.is_closed() for shard in shards.values())
    return bot.ws is not None and bot.ws.open


async def read_snapshot(bot: CoalitionBot) -> OperationsSnapshot:
    """Check the database can be read afresh, then read the operations totals from it."""
    url = bot.settings.database_url
    if is_sqlite(url):
        await asyncio.to_thread(sqlite_file_readable, url)
    return await bot.db.transaction(checked_snapshot, now=utcnow())


async def check_health(bot: CoalitionBot, metrics: BotMetrics) -> HealthReport:
    """Look at the gateway, the database, the timer and overdue reminders; name what is wrong."""
    problems: list[str] = []
    connected = gateway_connected(bot)
    if not connected:
        problems.append("the Discord gateway is not connected")
    snapshot: OperationsSnapshot | None = None
    try:
        snapshot = await asyncio.wait_for(read_snapshot(bot), DATABASE_CHECK_SECONDS)
    except Exception as error:
        log.warning("Health check: the database cannot be read (%s)", error)
        problems.append(f"the database cannot be read ({type(error).__name__})")
    running = bot.reminders.scheduler.running
    if not running:
        problems.append("the reminder timer is not running")
    if snapshot is not None:
        metrics.record_snapshot(snapshot)
        if snapshot.reminders_overdue:
            problems.append(f"{snapshot.reminders_overdue} reminder(s) overdue")
    metrics.gateway_connected.set(connected)
    metrics.database_reachable.set(snapshot is not None)
    return HealthReport(
        gateway_connected=connected,
        database_reachable=snapshot is not None,
        timer_running=running,
        reminders_overdue=None if snapshot is None else snapshot.reminders_overdue,
        problems=tuple(problems),
    )


def health_routes(bot: CoalitionBot, metrics: BotMetrics) -> list[web.RouteDef]:
    """The two monitoring routes, bound to this bot and its metrics."""

    async def healthz(_request: web.Request) -> web.Response:
        report = await check_health(bot, metrics)
        body = {"status": "ok" if report.healthy else "failing", **asdict(report)}
        return web.Response(
            text=json.dumps(body),
            status=200 if report.healthy else 503,
            content_type="application/json",
            headers={"Cache-Control": "no-store"},
        )

    async def metrics_page(_request: web.Request) -> web.Response:
        # The same look at the database as /healthz, so the gauges are fresh; a failure shows as reachable 0.
        await check_health(bot, metrics)
        return web.Response(body=metrics.render(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    return [web.get("/healthz", healthz), web.get("/metrics", metrics_page)]


def monitor(bot: CoalitionBot, metrics: BotMetrics) -> None:
    """Count the bot's commands and database errors, and serve /healthz and /metrics with its web views."""
    watch_interactions(bot, metrics)
    bot.db.on_statement_error(metrics.database_errors.inc)
    bot.web.extra_routes.extend(health_routes(bot, metrics))
