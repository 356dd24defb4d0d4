"""Series a bot without rule checks stored (INTERVAL=0 and kin) do not stop the next start, nor /event show."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from db.engine import create_engine, create_sessionmaker
from db.models import Event

from .botproc import BotProcess
from .driver import Driver
from .fake import FakeDiscord

pytestmark = pytest.mark.timeout(150)

# Each made a pre-fix planner loop forever on the event loop, search to year 9999, or raise mid-iteration.
DEGENERATE_RULES = (
    "FREQ=DAILY;INTERVAL=0",
    "FREQ=WEEKLY;INTERVAL=0;BYDAY=MO",
    "FREQ=DAILY;INTERVAL=-1",
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31",
    "FREQ=MINUTELY",
)


async def store_series(fake: FakeDiscord, database_url: str, rules: tuple[str, ...]) -> list[int]:
    """Insert scheduled series straight into the tables, as an unchecked bot once did; return their ids.

    The first started three days ago, as a series does once it runs: expanding INTERVAL=0 from a start in the
    past never reaches "now", which is what hung a restarted bot. The others start tomorrow.
    """
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    moderator = int(fake.world.people["moderator"].id)
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine).begin() as session:
            events = [
                Event(
                    guild_id=int(fake.world.guild.id),
                    title=f"Degenerate series {number}",
                    kind="webinar",
                    description="",
                    timezone="Europe/Brussels",
                    starts_at=now + timedelta(days=-3 if number == 0 else 1),
                    ends_at=now + timedelta(days=-3 if number == 0 else 1, hours=1),
                    rrule=rule,
                    reminder_offsets=[3600],
                    status="scheduled",
                    created_by=moderator,
                    created_at=now - timedelta(days=4),
                    updated_at=now - timedelta(days=4),
                )
                for number, rule in enumerate(rules)
            ]
            session.add_all(events)
            await session.flush()
            return [event.id for event in events]
    finally:
        await engine.dispose()


async def test_bot_with_degenerate_series_stored_starts_in_usual_time_and_reports_them(
    fake: FakeDiscord, bot: BotProcess, bot_database_url: str, driver: Driver
) -> None:
    began = time.monotonic()
    bot.restart()
    usual = time.monotonic() - began

    bot.stop()
    ids = await store_series(fake, bot_database_url, DEGENERATE_RULES)
    began = time.monotonic()
    bot.start().wait_ready(timeout=max(30.0, 3 * usual))
    took = time.monotonic() - began
    assert took < max(2 * usual, usual + 5), f"start took {took:.1f} s with bad series, {usual:.1f} s without"

    listed = await driver.slash("event list", user=driver.alice)
    assert "Degenerate series" not in listed.text, "a series that cannot be expanded is not listed as coming up"
    for event_id, rule in zip(ids, DEGENERATE_RULES, strict=True):
        shown = await driver.slash("event show", user=driver.moderator, event=str(event_id))
        assert shown.ephemeral and "Series skipped" in shown.text, (rule, shown.text)
        assert "Sorry, something went wrong" not in shown.text
    member_view = await driver.slash("event show", user=driver.alice, event=str(ids[0]))
    assert "Series skipped" not in member_view.text, "only moderators see why a series is skipped"
    assert "skipped by the planner" in bot.log_since_start()
    driver.assert_clean()
