"""The daily retention job: forget who asked the questions of panels closed longer ago than the retention period.

It runs on the reminder timer's APScheduler (in memory), once shortly after start and then every day. The
update only touches rows that still hold an author, so a second instance running it is harmless.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.settings import Settings
from db.database import Database
from db.models.base import utcnow
from db.privacy import drop_expired_question_authors

log = logging.getLogger(__name__)

RETENTION_JOB_ID = "privacy:retention"
RETENTION_INTERVAL = timedelta(days=1)
# Not at once: the first run waits until the start-up work (sync, reminder rebuild) is out of the way.
FIRST_RUN_AFTER = timedelta(minutes=2)


async def run_retention(db: Database, retention_days: int) -> int:
    """Job: drop expired question authors in one transaction and log how many."""
    dropped = await db.transaction(drop_expired_question_authors, now=utcnow(), retention_days=retention_days)
    log.info(
        "Retention: dropped the author id of %d question(s) of panels closed over %d days ago", dropped, retention_days
    )
    return dropped


def schedule_retention(scheduler: BaseScheduler, *, db: Database, settings: Settings) -> None:
    """Run the retention job shortly after start, then once a day."""
    scheduler.add_job(
        run_retention,
        IntervalTrigger(seconds=RETENTION_INTERVAL.total_seconds(), start_date=utcnow() + FIRST_RUN_AFTER),
        args=[db, settings.question_author_retention_days],
        id=RETENTION_JOB_ID,
        replace_existing=True,
    )
