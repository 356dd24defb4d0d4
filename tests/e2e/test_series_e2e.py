"""A weekly series with one occurrence moved and one skipped: the reminders, the .ics (read back by
recurring-ical-events) and the server's Events tab all show the same occurrences, across the end of winter time."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from icalendar import Calendar

from .botproc import BotProcess
from .driver import Driver
from .fake import FakeDiscord
from .test_events import announcing, start_in_at_least

pytestmark = pytest.mark.timeout(240)

BERLIN = ZoneInfo("Europe/Berlin")
# Long enough that the Events tab reaches past the last Sunday of March, when Berlin moves to summer time.
TAB_DAYS = 140
SCHEDULED, CANCELLED = 1, 4


@pytest.fixture(scope="module")
def bot(fake: FakeDiscord, bot_dir: Path, bot_database_url: str) -> Iterator[BotProcess]:
    process = BotProcess(
        fake,
        database_url=bot_database_url,
        log_path=bot_dir / "bot.log",
        env_overrides={"EVENTS_TAB_DAYS": str(TAB_DAYS)},
    )
    try:
        process.start().wait_ready()
        yield process
    finally:
        process.stop()
        process.kill()


def next_tuesday_10am(after: datetime) -> datetime:
    """Tuesday 10:00 Berlin, at least two days ahead."""
    day = (after + timedelta(days=2)).astimezone(BERLIN).date()
    day += timedelta(days=(1 - day.weekday()) % 7)
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=BERLIN).astimezone(UTC)


def typed(moment: datetime) -> str:
    return moment.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M")


def stamps(text: str, style: str) -> set[datetime]:
    return {datetime.fromtimestamp(int(ts), UTC) for ts in re.findall(rf"<t:(\d+):{style}>", text)}


async def test_weekly_series_with_a_move_and_a_skip_agrees_everywhere_across_dst(
    fake: FakeDiscord, driver: Driver
) -> None:
    title = "Taskforce call on teacher shortages"
    now = datetime.now(UTC)
    first = next_tuesday_10am(now)
    await driver.slash(
        "event-admin create",
        user=driver.moderator,
        title=title,
        kind="taskforce",
        start=typed(first),
        timezone="Europe/Berlin",
        repeat="weekly",
        reminders="1m",
        location="Online",
    )
    await driver.wait_for_message(driver.announcements, announcing(title))
    (event_id,) = {c["value"] for c in await driver.autocomplete("event-admin edit", "event", "teacher shortages")}

    # Autocomplete offers the next occurrences in Berlin time; the second moves to a minute from now, the third
    # is skipped.
    offered = await driver.autocomplete("event-admin edit", "occurrence", "", user=driver.moderator, event=event_id)
    assert offered[0]["name"].startswith(f"{first.astimezone(BERLIN):%a %-d %b %Y} 10:00 CE")
    second, third = offered[1]["value"], offered[2]["value"]
    moved_to = start_in_at_least(75)
    moved = await driver.slash(
        "event-admin edit", user=driver.moderator, event=event_id, occurrence=second, start=typed(moved_to)
    )
    assert moved.ephemeral and f"now starts <t:{int(moved_to.timestamp())}:F>" in moved.text, moved.text
    skipped = await driver.slash("event-admin edit", user=driver.moderator, event=event_id, occurrence=third, skip=True)
    assert "is skipped" in skipped.text, skipped.text

    # The Events tab: one native event per occurrence in the window, the moved one moved, the skipped one cancelled.
    natives = [e for e in fake.world.guild.scheduled_events.values() if e["name"] == title]
    listed = sorted(datetime.fromisoformat(e["scheduled_start_time"]) for e in natives if e["status"] == SCHEDULED)
    assert [e["status"] for e in natives].count(CANCELLED) == 1

    # The calendar file, expanded by another implementation, holds exactly those occurrences.
    ics = await driver.slash("event ics", user=driver.bob, event=event_id)
    calendar = Calendar.from_ical(ics.message.attachment_bytes())
    window = (now, now + timedelta(days=TAB_DAYS))
    in_calendar = sorted(
        item.decoded("DTSTART").astimezone(UTC) for item in recurring_ical_events.of(calendar).between(*window)
    )
    assert in_calendar == listed
    assert in_calendar[0] == moved_to and datetime.fromisoformat(second.replace("Z", "+00:00")) not in in_calendar
    assert datetime.fromisoformat(third.replace("Z", "+00:00")) not in in_calendar
    # Every other occurrence at 10:00 Berlin, winter and summer time alike: two different UTC hours.
    assert {s.astimezone(BERLIN).strftime("%a %H:%M") for s in in_calendar[1:]} == {"Tue 10:00"}
    assert {s.hour for s in in_calendar[1:]} == {8, 9}

    # Alice presses Interested on the moved occurrence's native event: she gets its reminder by DM.
    (moved_native,) = [e for e in natives if datetime.fromisoformat(e["scheduled_start_time"]) == moved_to]
    await fake.press_interested(moved_native["id"], driver.alice.id)

    # Reminders are planned for the same occurrences (as moderators see in /event show), none at the old times.
    shown = await driver.slash("event show", user=driver.moderator, event=event_id)
    planned = stamps(shown.message.field("Reminders (moderators)"), "d")
    soon = {start for start in in_calendar if start <= now + timedelta(days=34)}
    assert soon <= planned <= set(in_calendar), (soon, planned)

    posted = await driver.wait_for_message(
        driver.announcements,
        lambda m: m.content.startswith("⏰") and title in m.content,
        timeout=(moved_to - datetime.now(UTC)).total_seconds() + 30,
    )
    assert stamps(posted.content, "R") == {moved_to}
    dm = await driver.wait_for_dm(driver.alice, lambda m: title in m.content, timeout=30)
    assert f"<t:{int(moved_to.timestamp())}:F>" in dm.content
    driver.assert_clean()


async def test_bad_occurrence_edits_answer_politely_and_change_nothing_nor_does_a_restart(
    fake: FakeDiscord, bot: BotProcess, driver: Driver
) -> None:
    title = "Webinar series on inclusive classrooms"
    first = next_tuesday_10am(datetime.now(UTC))
    await driver.slash(
        "event-admin create",
        user=driver.moderator,
        title=title,
        kind="webinar",
        start=typed(first),
        timezone="Europe/Berlin",
        repeat="weekly",
        count=4,
    )
    (event_id,) = {c["value"] for c in await driver.autocomplete("event-admin edit", "event", "inclusive classrooms")}
    before = sorted(e["scheduled_start_time"] for e in fake.world.guild.scheduled_events.values() if e["name"] == title)
    assert len(before) == 4  # count 4: the series ends after four occurrences
    cases: list[tuple[dict[str, Any], str]] = [
        ({"occurrence": first.strftime("%Y-%m-%dT%H:%MZ"), "start": "2020-01-01 10:00"}, "is in the past"),
        ({"occurrence": "2099-01-01", "skip": True}, "has no occurrence on 1 January 2099"),
        ({"ends": "2020-01-01"}, "before it starts"),
        ({"count": 0}, "at least 1"),
    ]
    for options, message in cases:
        answer = await driver.slash("event-admin edit", user=driver.moderator, event=event_id, **options)
        assert answer.ephemeral and message in answer.text, answer.text
    after = sorted(e["scheduled_start_time"] for e in fake.world.guild.scheduled_events.values() if e["name"] == title)
    assert after == before

    # A restart brings the Events tab in step again (when the gateway is ready) and finds nothing to add.
    mark = fake.mark()
    bot.kill()
    bot.start().wait_ready()
    listing = r"/guilds/\d+/scheduled-events$"
    await driver.wait_until(lambda: bool(fake.requests_matching("GET", listing, since=mark)), "the Events tab pass")
    await asyncio.sleep(2)
    assert fake.requests_matching("POST", listing, since=mark) == []
    restarted = sorted(
        e["scheduled_start_time"] for e in fake.world.guild.scheduled_events.values() if e["name"] == title
    )
    assert restarted == before
    driver.assert_clean()
