"""Times written in a member's own language, through the real bot process and the loopback Discord."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from .driver import Driver

pytestmark = pytest.mark.timeout(180)

BERLIN = ZoneInfo("Europe/Berlin")


def tomorrow_at(hour: int) -> int:
    """The Unix time of tomorrow at `hour` on Berlin's wall clock."""
    day = datetime.now(BERLIN).date() + timedelta(days=1)
    return int(datetime.combine(day, time(hour), tzinfo=BERLIN).astimezone(UTC).timestamp())


async def test_event_create_and_edit_read_times_written_in_german_and_french(driver: Driver) -> None:
    title = "Roundtable on platform work"
    expected = {tomorrow_at(14)}
    created = await driver.slash(
        "event-admin create",
        user=driver.moderator,
        title=title,
        kind="roundtable",
        start="morgen 14 Uhr",
        timezone="Europe/Berlin",
    )
    expected.add(tomorrow_at(14))  # the day may have turned while the bot answered
    assert created.ephemeral and any(f"<t:{moment}:F>" in created.text for moment in expected), created.text
    choices = await driver.autocomplete("event-admin edit", "event", "platform work", user=driver.moderator)
    expected = {tomorrow_at(9)}
    edited = await driver.slash("event-admin edit", user=driver.moderator, event=choices[0]["value"], start="demain 9h")
    expected.add(tomorrow_at(9))
    assert edited.ephemeral and any(f"<t:{moment}:F>" in edited.text for moment in expected), edited.text
    refused = await driver.slash(
        "event-admin create", user=driver.moderator, title="Night shift", kind="other", start="morgen 25 Uhr"
    )
    assert refused.ephemeral and "not a time of day" in refused.text
    driver.assert_clean()
