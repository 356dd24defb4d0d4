"""Events end to end: create, RSVP, kill -9 and restart, and the reminder arrives exactly once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from .botproc import BotProcess
from .driver import Driver, Message
from .fake import FakeDiscord

pytestmark = pytest.mark.timeout(180)

BRUSSELS = ZoneInfo("Europe/Brussels")


def start_in_at_least(seconds: int) -> datetime:
    """The first whole minute at least `seconds` from now (members type minutes, not seconds)."""
    moment = datetime.now(UTC) + timedelta(seconds=seconds)
    return (moment + timedelta(minutes=1)).replace(second=0, microsecond=0) if moment.second else moment


def announcing(title: str) -> Callable[[Message], bool]:
    return lambda message: bool(message.embeds) and title in message.embeds[0].get("title", "")


def reminders_of(driver: Driver, title: str) -> list[Message]:
    return [m for m in driver.messages_in(driver.announcements) if m.content.startswith("⏰") and title in m.content]


async def test_reminder_planned_before_a_kill_9_is_delivered_once_after_restart(
    fake: FakeDiscord, bot: BotProcess, driver: Driver
) -> None:
    title = "Peer learning on role models"
    start = start_in_at_least(70)
    created = await driver.slash(
        "event-admin create",
        user=driver.moderator,
        title=title,
        kind="peer_learning",
        start=start.astimezone(BRUSSELS).strftime("%Y-%m-%d %H:%M"),
        reminders="1m",
        location="Online",
    )
    reply = created.message
    assert reply.ephemeral and f"<t:{int(start.timestamp())}:F>" in reply.content, reply.content
    announcement = await driver.wait_for_message(driver.announcements, announcing(title))
    assert [b["label"] for b in announcement.buttons][:3] == ["Going · 0", "Maybe · 0", "Not going · 0"]
    assert [e["name"] for e in fake.world.guild.scheduled_events.values()] == [title]

    going = await driver.click(announcement, announcement.button(startswith="event:rsvp:going")["custom_id"])
    assert going.callback_type == 7 and announcement.buttons[0]["label"] == "Going · 1"
    assert "You're going" in (await going.wait_followup()).content

    bot.kill()
    bot.start().wait_ready()

    due_in = (start - timedelta(minutes=1) - datetime.now(UTC)).total_seconds()
    posted = await driver.wait_for_message(
        driver.announcements, lambda m: m.content.startswith("⏰") and title in m.content, timeout=due_in + 30
    )
    dm = await driver.wait_for_dm(driver.alice, lambda m: title in m.content, timeout=30)
    assert f"<t:{int(start.timestamp())}:R>" in posted.content and "📍 Online" in posted.content
    assert not posted.pinged and f"<t:{int(start.timestamp())}:F>" in dm.content

    # Another restart after delivery: the timer is rebuilt from the tables and sends nothing again.
    bot.kill()
    bot.start().wait_ready()
    await asyncio.sleep(3)
    assert len(reminders_of(driver, title)) == 1
    assert len([m for m in driver.dm_messages(driver.alice) if title in m.content]) == 1
    driver.assert_clean()


async def test_plain_member_cannot_create_and_bad_input_changes_nothing(driver: Driver) -> None:
    refused = await driver.slash(
        "event-admin create", user=driver.alice, title="Sneaky", kind="other", start="tomorrow 10:00"
    )
    assert refused.ephemeral and refused.text == "Sorry, only moderators can do that."
    before = len(driver.messages_in(driver.announcements))
    bad = await driver.slash(
        "event-admin create",
        user=driver.moderator,
        title="Bad offsets",
        kind="webinar",
        start="tomorrow 10:00",
        reminders="5x",
    )
    assert bad.ephemeral and "“5x” is not a reminder offset" in bad.text
    past = await driver.slash(
        "event-admin create", user=driver.moderator, title="Too late", kind="panel", start="2020-01-01 10:00"
    )
    assert past.ephemeral and "is in the past" in past.text
    assert len(driver.messages_in(driver.announcements)) == before
    driver.assert_clean()


async def test_cancel_marks_announcement_and_tells_attendees(fake: FakeDiscord, driver: Driver) -> None:
    title = "Taskforce on evaluation"
    await driver.slash(
        "event-admin create", user=driver.moderator, title=title, kind="taskforce", start="in 3 days at 10:00"
    )
    announcement = await driver.wait_for_message(driver.announcements, announcing(title))
    await driver.click(announcement, announcement.button(startswith="event:rsvp:maybe")["custom_id"], user=driver.bob)
    choices = await driver.autocomplete("event-admin cancel", "event", "evaluation", user=driver.moderator)
    event_id = choices[0]["value"]
    cancelled = await driver.slash(
        "event-admin cancel", user=driver.moderator, event=event_id, reason="Moved to spring"
    )
    assert cancelled.ephemeral and "Told 1 member by DM" in cancelled.text
    dm = await driver.wait_for_dm(driver.bob, lambda m: title in m.content)
    assert "cancelled" in dm.content and "Moved to spring" in dm.content
    assert announcement.embed["title"].startswith("CANCELLED") and announcement.buttons == []
    assert all(e["status"] == 4 for e in fake.world.guild.scheduled_events.values() if e["name"] == title)
    driver.assert_clean()
