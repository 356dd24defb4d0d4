"""Creating and editing events with times written in the members' languages, on a real SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.events import EventInput, create_event, edit_event
from db.models import Event
from rules.errors import InvalidInputError

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)  # Monday
MODERATOR = 900000000000000001


async def create(session: AsyncSession, start: str, zone: str, end: str | None = None) -> Event:
    saved = await create_event(
        session,
        guild_id=1,
        author_id=MODERATOR,
        fields=EventInput(title="Taskforce on role models", kind="taskforce", start=start, timezone=zone, end=end),
        default_zone="Europe/Brussels",
        now=NOW,
    )
    return saved.event


@pytest.mark.parametrize(
    ("start", "zone", "starts_at"),
    [
        ("morgen 14 Uhr", "Europe/Berlin", datetime(2027, 3, 2, 13, 0, tzinfo=UTC)),
        ("huomenna klo 10", "Europe/Helsinki", datetime(2027, 3, 2, 8, 0, tzinfo=UTC)),
        ("i morgen kl. 10", "Europe/Copenhagen", datetime(2027, 3, 2, 9, 0, tzinfo=UTC)),
        ("demain 14h", "Europe/Paris", datetime(2027, 3, 2, 13, 0, tzinfo=UTC)),
        ("tomorrow at noon", "Europe/London", datetime(2027, 3, 2, 12, 0, tzinfo=UTC)),
        ("mañana a las 10", "Europe/Madrid", datetime(2027, 3, 2, 9, 0, tzinfo=UTC)),
        ("overmorgen om 9 uur", "Europe/Amsterdam", datetime(2027, 3, 3, 8, 0, tzinfo=UTC)),
        ("imorgon kl 14", "Europe/Stockholm", datetime(2027, 3, 2, 13, 0, tzinfo=UTC)),
    ],
)
async def test_create_event_reads_the_issue_examples_in_the_event_zone(
    session: AsyncSession, start: str, zone: str, starts_at: datetime
) -> None:
    event = await create(session, start, zone)
    assert event.starts_at == starts_at and event.timezone == zone


async def test_create_event_reads_a_localised_end_and_edit_moves_it(session: AsyncSession) -> None:
    event = await create(session, "morgen 14 Uhr", "Europe/Berlin", end="16.30 Uhr")
    assert event.ends_at == datetime(2027, 3, 2, 15, 30, tzinfo=UTC)
    saved = await edit_event(session, event_id=event.id, fields=EventInput(start="vendredi à 9h30"), now=NOW)
    assert saved.event.starts_at == datetime(2027, 3, 5, 8, 30, tzinfo=UTC)
    assert saved.event.ends_at - saved.event.starts_at == event.ends_at - event.starts_at


async def test_create_event_localised_fold_time_takes_the_first_and_says_so(session: AsyncSession) -> None:
    saved = await create_event(
        session,
        guild_id=1,
        author_id=MODERATOR,
        fields=EventInput(title="Night owls", kind="other", start="31. lokakuuta klo 3.30", timezone="Europe/Helsinki"),
        default_zone="Europe/Brussels",
        now=NOW,
    )
    assert saved.event.starts_at == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # 03:30 EEST
    assert "happens twice" in str(saved.notes[0])
    assert (
        saved.notes[0].in_language("fi").startswith("31. lokakuuta 2027 3.30 on vyöhykkeellä Europe/Helsinki kahdesti")
    )


async def test_create_event_localised_skipped_time_is_refused_and_nothing_stored(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    with pytest.raises(InvalidInputError) as raised:
        async with sessions.begin() as session:
            await create(session, "28. März um 2:30 Uhr", "Europe/Berlin")
    assert "does not exist in Europe/Berlin" in raised.value.user_message
    async with sessions.begin() as session:
        assert (await session.scalars(select(Event))).all() == []
