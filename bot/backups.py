"""Scheduled backups of the SQLite database into BACKUP_DIR: one shortly after start, then one a day.

Each copy is taken online with SQLite's backup API and integrity-checked (db/backup.py, the same code as
`python -m bot db backup`); only the newest BACKUP_KEEP copies are kept. The job runs on the reminder timer's
APScheduler, like the retention job. PostgreSQL has its own tools (pg_dump), so nothing is scheduled for it.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from datetime import datetime, timedelta
from pathlib import Path

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.settings import Settings
from db.backup import backup_sqlite
from db.engine import is_sqlite
from db.models.base import utcnow

log = logging.getLogger(__name__)

BACKUP_JOB_ID = "backups:daily"
BACKUP_INTERVAL = timedelta(days=1)
# Soon after start, so a fresh deployment has a copy at once, but after the start-up work (sync, timer rebuild).
FIRST_BACKUP_AFTER = timedelta(seconds=15)
BACKUP_PREFIX = "coalition-"
BACKUP_SUFFIX = ".db"


def backup_name(now: datetime) -> str:
    """A name that sorts by time: coalition-20270304-140000.db."""
    return f"{BACKUP_PREFIX}{now.strftime('%Y%m%d-%H%M%S')}{BACKUP_SUFFIX}"


def backups_in(directory: Path) -> list[Path]:
    """The scheduled backups in `directory`, oldest first (other files there are left alone)."""
    return sorted(directory.glob(f"{BACKUP_PREFIX}*{BACKUP_SUFFIX}"))


def take_backup(database_url: str, directory: Path, *, keep: int, now: datetime) -> Path:
    """Write one checked copy into `directory`, then delete all but the newest `keep`; return the copy."""
    target = directory / backup_name(now)
    backup_sqlite(database_url, target, overwrite=True)
    for old in backups_in(directory)[:-keep]:
        old.unlink(missing_ok=True)
    return target


async def run_backup_job(database_url: str, directory: Path, keep: int) -> Path | None:
    """Job: take a backup in a worker thread; a failure is logged (the next day tries again), never raised."""
    try:
        target = await asyncio.to_thread(take_backup, database_url, directory, keep=keep, now=utcnow())
    except Exception:
        log.exception("Backup into %s failed", directory)
        return None
    log.info("Backup written to %s (%d kept)", target, len(backups_in(directory)))
    return target


def schedule_backups(scheduler: BaseScheduler, *, settings: Settings) -> None:
    """Schedule the daily backup when BACKUP_DIR is set and the database is a SQLite file."""
    if settings.backup_dir is None:
        return
    if not is_sqlite(settings.database_url):
        log.warning("BACKUP_DIR is set but the database is PostgreSQL: back it up with pg_dump (docs/postgres.md)")
        return
    scheduler.add_job(
        run_backup_job,
        IntervalTrigger(seconds=BACKUP_INTERVAL.total_seconds(), start_date=utcnow() + FIRST_BACKUP_AFTER),
        args=[settings.database_url, settings.backup_dir, settings.backup_keep],
        id=BACKUP_JOB_ID,
        replace_existing=True,
    )
    log.info("Backups: daily into %s, keeping %d", settings.backup_dir, settings.backup_keep)


async def run_restore(settings: Settings, source: Path) -> int:
    """`db restore PATH`: put a backup in place while the bot is stopped, keeping the previous file."""
    from db.restore import restore_sqlite
    from rules.errors import DomainError

    try:
        kept = await asyncio.to_thread(restore_sqlite, settings.database_url, source)
    except DomainError as error:
        print(f"error: {error.user_message}", file=sys.stderr)
        return 1
    print(f"restored {source} as the database; migrations, if any are newer, run at the next start")
    if kept is not None:
        print(f"the previous database is kept at {kept}")
    return 0
