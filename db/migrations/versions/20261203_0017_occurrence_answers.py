"""Answers per occurrence of a series, members' opt-out of event notices, and no unused events.discord_event_id.

An answer to a series (Going, Maybe, Not going, waiting) now belongs to one occurrence, named by the start its
rule gives it (UTC). Answers given before, which stood for the whole series, move to the series' next occurrence
as of the upgrade (its last one when the series is over); a "remind me" without an answer stays on the whole
series. One-off events keep one answer each, under the WHOLE_EVENT key.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03
"""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

from db.models.base import UTCDateTime
from rules.recurrence import RecurrenceError
from rules.series import Exceptions, series_occurrences
from rules.timeparse import last_occurrence

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHOLE_EVENT = datetime(1970, 1, 1, tzinfo=UTC)
FAR_AHEAD = timedelta(days=365 * 100)

attendees = sa.table(
    "event_attendees",
    sa.column("event_id", sa.Integer()),
    sa.column("member_id", sa.BigInteger()),
    sa.column("occurrence_start", UTCDateTime()),
    sa.column("rsvp", sa.String()),
    sa.column("updated_at", UTCDateTime()),
)
events = sa.table(
    "events",
    sa.column("id", sa.Integer()),
    sa.column("starts_at", UTCDateTime()),
    sa.column("ends_at", UTCDateTime()),
    sa.column("timezone", sa.String()),
    sa.column("rrule", sa.String()),
)
changes = sa.table(
    "event_occurrence_changes",
    sa.column("event_id", sa.Integer()),
    sa.column("original_start", UTCDateTime()),
    sa.column("skipped", sa.Boolean()),
    sa.column("starts_at", UTCDateTime()),
    sa.column("ends_at", UTCDateTime()),
)


def _next_original(connection: sa.Connection, event: sa.Row, now: datetime) -> datetime:
    """The series' next occurrence (its rule's start), else its last one, else its first."""
    rows = connection.execute(sa.select(changes).where(changes.c.event_id == event.id)).all()
    exceptions = Exceptions(
        frozenset(row.original_start for row in rows if row.skipped),
        {row.original_start: (row.starts_at, row.ends_at) for row in rows if not row.skipped and row.starts_at},
    )
    try:
        upcoming = series_occurrences(
            event.starts_at,
            duration=event.ends_at - event.starts_at,
            zone=event.timezone,
            rule=event.rrule,
            exceptions=exceptions,
            after=now,
            before=now + FAR_AHEAD,
            limit=1,
        )
        if upcoming:
            return upcoming[0].original
        return last_occurrence(event.starts_at, zone=event.timezone, rule=event.rrule) or event.starts_at
    except RecurrenceError:
        return event.starts_at


def upgrade() -> None:
    with op.batch_alter_table("event_attendees") as batch:
        batch.add_column(sa.Column("occurrence_start", UTCDateTime(), nullable=True))
    connection = op.get_bind()
    connection.execute(attendees.update().values(occurrence_start=WHOLE_EVENT))
    now = datetime.now(UTC)
    answered = sa.select(attendees.c.event_id).where(attendees.c.rsvp.is_not(None))
    series = connection.execute(sa.select(events).where(events.c.rrule.is_not(None), events.c.id.in_(answered))).all()
    for event in series:
        connection.execute(
            attendees.update()
            .where(attendees.c.event_id == event.id, attendees.c.rsvp.is_not(None))
            .values(occurrence_start=_next_original(connection, event, now))
        )
    with op.batch_alter_table("event_attendees") as batch:
        batch.alter_column("occurrence_start", existing_type=UTCDateTime(), nullable=False)
        batch.drop_constraint("pk_event_attendees", type_="primary")
        batch.create_primary_key("pk_event_attendees", ["event_id", "occurrence_start", "member_id"])
    with op.batch_alter_table("events") as batch:
        batch.drop_column("discord_event_id")
    with op.batch_alter_table("member_preferences") as batch:
        batch.add_column(sa.Column("event_notices", sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table("member_preferences") as batch:
        batch.drop_column("event_notices")
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("discord_event_id", sa.BigInteger(), nullable=True))
    # One answer per member and event remains: the one given last (an answer before a bare "remind me").
    newer = sa.alias(attendees, "newer")
    superseded = sa.exists().where(
        newer.c.event_id == attendees.c.event_id,
        newer.c.member_id == attendees.c.member_id,
        sa.or_(
            newer.c.updated_at > attendees.c.updated_at,
            sa.and_(
                newer.c.updated_at == attendees.c.updated_at, newer.c.occurrence_start > attendees.c.occurrence_start
            ),
        ),
    )
    op.get_bind().execute(attendees.delete().where(superseded))
    with op.batch_alter_table("event_attendees") as batch:
        batch.drop_constraint("pk_event_attendees", type_="primary")
        batch.create_primary_key("pk_event_attendees", ["event_id", "member_id"])
        batch.drop_column("occurrence_start")
