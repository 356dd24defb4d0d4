"""Times written in a member's own language, and events speaking it, through the real bot process and the loopback
Discord."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from rules.i18n import format_when

from .driver import Driver, Message

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


def announcing(title: str) -> Callable[[Message], bool]:
    return lambda message: bool(message.embeds) and title in message.embeds[0].get("title", "")


async def test_replies_and_dms_follow_each_members_language_and_the_channel_the_servers(driver: Driver) -> None:
    title = "Taskforce on open science"
    created = await driver.slash(
        "event-admin create",
        user=driver.moderator,
        title=title,
        kind="taskforce",
        start="morgen 14 Uhr",
        timezone="Europe/Berlin",
        locale="de",
    )
    moments = {tomorrow_at(14)}
    in_words = {format_when(datetime.fromtimestamp(moment, BERLIN), "de") for moment in moments}
    assert created.ephemeral and f"✅ **{title}** angelegt (Veranstaltung #" in created.text, created.text
    assert any(f"gelesen als {words} " in created.text for words in in_words), created.text
    assert "-# Falsch? Korrigiere es mit `/veranstaltung-admin bearbeiten" in created.text
    announcement = await driver.wait_for_message(driver.announcements, announcing(title))
    assert [field["name"] for field in announcement.embed["fields"]][:1] == ["When"]
    assert [b["label"] for b in announcement.buttons][:3] == ["Going · 0", "Maybe · 0", "Not going · 0"]

    soon = "Open meeting on citizen science"
    start = datetime.now(UTC) + timedelta(seconds=100)
    start = (start + timedelta(minutes=1)).replace(second=0, microsecond=0)
    await driver.slash(
        "event-admin create",
        user=driver.moderator,
        title=soon,
        kind="open_meeting",
        start=start.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M"),
        timezone="Europe/Berlin",
        reminders="1m",
    )
    posted = await driver.wait_for_message(driver.announcements, announcing(soon))
    going = posted.button(startswith="event:rsvp:going")["custom_id"]
    french = await driver.click(posted, going, user=driver.alice, locale="fr")
    assert (await french.wait_followup()).content.startswith(f"Vous allez à **{soon}**.")
    unknown = await driver.click(posted, going, user=driver.bob, locale="xx-XX")
    assert (await unknown.wait_followup()).content.startswith(f"You're going to **{soon}**.")
    assert posted.buttons[0]["label"] == "Going · 2"  # the announcement stays in the server's language

    due_in = (start - timedelta(minutes=1) - datetime.now(UTC)).total_seconds()
    dm = await driver.wait_for_dm(driver.alice, lambda m: soon in m.content, timeout=due_in + 30)
    assert dm.content.startswith(f"⏰ **{soon}** (") and f") commence <t:{int(start.timestamp())}:R>" in dm.content
    assert "-# Vous recevez ceci parce que vous y allez" in dm.content
    english = await driver.wait_for_dm(driver.bob, lambda m: soon in m.content, timeout=30)
    assert f") starts <t:{int(start.timestamp())}:R>" in english.content
    assert "-# You get this because you're going" in english.content
    channel = await driver.wait_for_message(driver.announcements, lambda m: m.content.startswith(f"⏰ **{soon}**"))
    assert " starts <t:" in channel.content
    driver.assert_clean()
