"""The daily retention job: registered on the timer to run soon after start and then daily, and logging its work."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.retention import RETENTION_JOB_ID, run_retention, schedule_retention
from bot.settings import Settings
from db import panels
from db.database import Database
from db.models import Panel
from db.models.base import utcnow
from tests.db.test_panels import CHANNEL, ask, open_panel


async def test_retention_job_runs_soon_after_start_then_daily(database: Database, settings: Settings) -> None:
    scheduler = AsyncIOScheduler()
    schedule_retention(scheduler, db=database, settings=settings)
    job = scheduler.get_job(RETENTION_JOB_ID)
    assert job is not None and job.args == (database, 180)
    assert isinstance(job.trigger, IntervalTrigger) and job.trigger.interval == timedelta(days=1)
    first = job.trigger.get_next_fire_time(None, utcnow())
    assert first is not None and utcnow() < first < utcnow() + timedelta(minutes=5)


async def test_retention_job_drops_expired_authors_and_logs_how_many(
    sessions: async_sessionmaker[AsyncSession], database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    panel_id = await open_panel(sessions)
    await ask(sessions, panel_id, 910000000000000001, "How do you recruit STEM teachers?")
    async with sessions.begin() as session:
        await panels.close_panel(session, channel_id=CHANNEL)
        await session.execute(update(Panel).values(closed_at=utcnow() - timedelta(days=31)))
    with caplog.at_level(logging.INFO, logger="bot.retention"):
        assert await run_retention(database, 30) == 1
        assert await run_retention(database, 30) == 0  # a second instance finds nothing left to do
    assert [record.getMessage() for record in caplog.records] == [
        f"Retention: dropped the author id of {count} question(s) of panels closed over 30 days ago" for count in (1, 0)
    ]
