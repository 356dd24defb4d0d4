"""What operators watch, read from the database: reminder deliveries, overdue reminders, questions and votes,
and whether the database can be read at all."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Question, Reminder, ReminderDelivery, Vote
from db.models.panels import QUESTION_STATUSES
from db.reminders import CANCELLED, FAILED, PENDING, SENDING, SENT, SKIPPED, UNCONFIRMED

# Every status a delivery can have, so a scrape shows each one (at 0) before the first row reaches it.
DELIVERY_STATUSES = (PENDING, SENDING, SENT, FAILED, SKIPPED, CANCELLED, UNCONFIRMED)

# A reminder is overdue once it is this late: the timer fires on the second, sending takes a few.
OVERDUE_AFTER = timedelta(minutes=1)
SQLITE_CHECK_TIMEOUT_S = 5


@dataclass(frozen=True)
class OperationsSnapshot:
    """Totals kept in the database: each status is present, with 0 when no row has it."""

    deliveries: dict[str, int]
    reminders_overdue: int
    questions: dict[str, int]
    votes: int


async def operations_snapshot(session: AsyncSession, *, now: datetime) -> OperationsSnapshot:
    """Count reminder deliveries and panel questions by status, overdue reminders, and votes."""
    deliveries = dict.fromkeys(DELIVERY_STATUSES, 0)
    rows = await session.execute(select(ReminderDelivery.status, func.count()).group_by(ReminderDelivery.status))
    deliveries.update({status: count for status, count in rows})
    questions = dict.fromkeys(QUESTION_STATUSES, 0)
    rows = await session.execute(select(Question.status, func.count()).group_by(Question.status))
    questions.update({status: count for status, count in rows})
    overdue = await session.scalar(
        select(func.count())
        .select_from(Reminder)
        .where(Reminder.status.in_((PENDING, SENDING)), Reminder.due_at < now - OVERDUE_AFTER)
    )
    votes = await session.scalar(select(func.count()).select_from(Vote))
    return OperationsSnapshot(
        deliveries=deliveries, reminders_overdue=overdue or 0, questions=questions, votes=votes or 0
    )


def sqlite_file_readable(url: str) -> None:
    """Open the SQLite file afresh, without creating it, and read the migration table; raise if that fails.

    The bot's own connections keep working on a file deleted or moved under them, so they cannot tell.
    """
    database = make_url(url).database
    if not database or database == ":memory:":
        return
    path = Path(database)
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=SQLITE_CHECK_TIMEOUT_S)
    try:
        connection.execute("SELECT version_num FROM alembic_version").fetchall()
    finally:
        connection.close()


async def checked_snapshot(session: AsyncSession, *, now: datetime) -> OperationsSnapshot:
    """The operations totals, after checking that the database answers at all."""
    await database_answers(session)
    return await operations_snapshot(session, now=now)


async def database_answers(session: AsyncSession) -> None:
    """One round trip to the database server; raises if it does not answer."""
    await session.execute(text("SELECT 1"))
