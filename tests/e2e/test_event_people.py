"""The people side of events end to end: who is told of a change, who is coming, who waits for a seat."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from .botproc import BotProcess
from .driver import Driver, Message
from .fake import FakeDiscord, Member
from .test_events import announcing, reminders_of, start_in_at_least

pytestmark = pytest.mark.timeout(240)

BRUSSELS = ZoneInfo("Europe/Brussels")
CHANNEL_MESSAGES = r"^/channels/\d+/messages$"


def typed(moment: datetime) -> str:
    return moment.astimezone(BRUSSELS).strftime("%Y-%m-%d %H:%M")


def stamp(moment: datetime, style: str = "F") -> str:
    return f"<t:{int(moment.timestamp())}:{style}>"


async def create_announced(driver: Driver, title: str, **options: str) -> tuple[Message, str]:
    """/event-admin create as the moderator; the announcement and the event id autocomplete offers."""
    await driver.slash("event-admin create", user=driver.moderator, options={"title": title, **options})
    announcement = await driver.wait_for_message(driver.announcements, announcing(title))
    choices = await driver.autocomplete("event-admin edit", "event", title, user=driver.moderator)
    return announcement, choices[0]["value"]


async def answer(driver: Driver, announcement: Message, choice: str, *members: Member) -> None:
    for member in members:
        clicked = await driver.click(
            announcement, announcement.button(startswith=f"event:rsvp:{choice}")["custom_id"], user=member
        )
        await clicked.wait_followup()


def dms_about(driver: Driver, member: Member, title: str, marker: str) -> list[Message]:
    return [m for m in driver.dm_messages(member) if title in m.content and marker in m.content]


async def test_moving_the_start_tells_each_going_member_once_and_reminders_follow_the_new_time(
    driver: Driver,
) -> None:
    title = "Taskforce call on teacher shortages"
    new_start = start_in_at_least(150)
    old_start = new_start + timedelta(hours=1)
    announcement, event_id = await create_announced(
        driver, title, kind="taskforce", start=typed(old_start), reminders="2m,1m", location="Online"
    )
    going = (driver.alice, driver.bob, driver.chen)
    await answer(driver, announcement, "going", *going)

    moved = await driver.slash("event-admin edit", user=driver.moderator, event=event_id, start=typed(new_start))
    assert "Told 3 members by DM." in moved.text, moved.text
    for member in going:
        (notice,) = dms_about(driver, member, title, "has changed")
        assert f"~~{stamp(old_start)}~~ → {stamp(new_start)}" in notice.content
        assert not notice.pinged
    assert f"Moved: ~~{stamp(old_start)}~~" in announcement.field("When")
    assert stamp(new_start) in announcement.field("When")

    shown = await driver.slash("event show", user=driver.moderator, event=event_id)
    reminders = shown.message.field("Reminders")
    for offset in (120, 60):
        assert stamp(new_start - timedelta(seconds=offset), "R") in reminders
        assert stamp(old_start - timedelta(seconds=offset), "R") not in reminders, "a reminder of the old time"

    last_due = (new_start - timedelta(minutes=1) - datetime.now(UTC)).total_seconds()
    await driver.wait_until(lambda: len(reminders_of(driver, title)) >= 2, "both reminders", timeout=last_due + 30)
    await asyncio.sleep(3)
    posted = reminders_of(driver, title)
    assert len(posted) == 2 and all(stamp(new_start) in m.content for m in posted), posted
    for member in going:
        assert len(dms_about(driver, member, title, "⏰")) == 2
        assert len(dms_about(driver, member, title, "has changed")) == 1
    driver.assert_clean()


async def test_cancel_tells_each_member_once_and_no_reminder_fires(driver: Driver) -> None:
    title = "Roundtable on girls in engineering"
    start = start_in_at_least(90)
    announcement, event_id = await create_announced(
        driver, title, kind="roundtable", start=typed(start), reminders="1m"
    )
    await answer(driver, announcement, "going", driver.alice, driver.bob)
    await answer(driver, announcement, "maybe", driver.chen)

    cancelled = await driver.slash("event-admin cancel", user=driver.moderator, event=event_id, reason="Speaker ill")
    assert "Told 3 members by DM." in cancelled.text
    for member in (driver.alice, driver.bob, driver.chen):
        (notice,) = dms_about(driver, member, title, "has been cancelled")
        assert stamp(start) in notice.content and "Speaker ill" in notice.content

    await asyncio.sleep(max(0.0, (start - timedelta(minutes=1) - datetime.now(UTC)).total_seconds()) + 5)
    assert reminders_of(driver, title) == []
    assert all(dms_about(driver, member, title, "⏰") == [] for member in (driver.alice, driver.bob, driver.chen))
    driver.assert_clean()


async def test_a_full_event_puts_the_third_member_in_line_and_moves_them_up_when_one_cancels(driver: Driver) -> None:
    title = "General Assembly Oslo 2027"
    announcement, _event_id = await create_announced(
        driver, title, kind="general_assembly", start="in 20 days at 09:00", capacity="2"
    )
    await answer(driver, announcement, "going", driver.alice, driver.bob)
    waiting = await driver.click(
        announcement, announcement.button(startswith="event:rsvp:going")["custom_id"], user=driver.chen
    )
    assert "is full: you're number 1 on the waiting list" in (await waiting.wait_followup()).content
    coming = announcement.field("Who's coming")
    assert "Going **2** of 2" in coming and "Waiting **1**" in coming
    assert f"<@{driver.alice.id}>" in coming and f"<@{driver.chen.id}>" not in coming

    await answer(driver, announcement, "not_going", driver.bob)

    told = await driver.wait_for_dm(driver.chen, lambda m: title in m.content and "seat freed up" in m.content)
    assert "you're now going" in told.content
    coming = announcement.field("Who's coming")
    assert f"<@{driver.chen.id}>" in coming and f"<@{driver.bob.id}>" not in coming and "Waiting" not in coming
    driver.assert_clean()


async def test_a_member_who_is_forgotten_frees_their_seat_and_the_first_in_line_is_told(driver: Driver) -> None:
    title = "Roundtable on teacher shortages"
    announcement, _event_id = await create_announced(
        driver, title, kind="roundtable", start="in 12 days at 10:00", capacity="1"
    )
    await answer(driver, announcement, "going", driver.alice)
    waiting = await driver.click(
        announcement, announcement.button(startswith="event:rsvp:going")["custom_id"], user=driver.bob
    )
    assert "you're number 1 on the waiting list" in (await waiting.wait_followup()).content

    warning = await driver.slash("privacy forget", user=driver.alice)
    await driver.click(warning.message, warning.message.button("Yes, forget me")["custom_id"], user=driver.alice)

    told = await driver.wait_for_dm(driver.bob, lambda m: title in m.content and "seat freed up" in m.content)
    assert "you're now going" in told.content
    await driver.wait_for_message(
        driver.announcements,
        lambda m: m.id == announcement.id and f"<@{driver.bob.id}>" in m.field("Who's coming"),
    )
    assert f"<@{driver.alice.id}>" not in announcement.field("Who's coming")
    driver.assert_clean()


async def test_bad_capacity_or_cutoff_is_refused_and_nothing_is_announced(driver: Driver) -> None:
    before = len(driver.messages_in(driver.announcements))
    zero = await driver.slash(
        "event-admin create",
        user=driver.moderator,
        title="Empty room",
        kind="panel",
        start="in 5 days at 10:00",
        capacity="0",
    )
    assert zero.ephemeral and "“0” is not a capacity: write how many can go, at least 1" in zero.text
    late = await driver.slash(
        "event-admin create",
        user=driver.moderator,
        title="Late cut-off",
        kind="panel",
        start="in 5 days at 10:00",
        rsvp_cutoff="in 6 days at 10:00",
    )
    assert late.ephemeral and "is after the start" in late.text
    assert len(driver.messages_in(driver.announcements)) == before
    assert await driver.autocomplete("event-admin edit", "event", "Empty room", user=driver.moderator) == []
    driver.assert_clean()


async def test_names_in_show_and_the_moderators_attendee_files(driver: Driver) -> None:
    title = "Webinar on inquiry-based science"
    announcement, event_id = await create_announced(
        driver, title, kind="webinar", start="in 9 days at 16:00", url="https://eu01web.zoom.us/j/555"
    )
    await answer(driver, announcement, "going", driver.alice, driver.bob)
    await answer(driver, announcement, "maybe", driver.chen)
    join = announcement.button("Join")
    assert join["url"] == "https://eu01web.zoom.us/j/555" and join["style"] == 5

    shown = await driver.slash("event show", user=driver.bob, event=event_id)
    assert "Alice" in shown.message.field("Going (2)") and "Bob" in shown.message.field("Going (2)")
    assert "Chen" in shown.message.field("Maybe (1)")
    assert driver.alice.id not in shown.message.text

    exported = await driver.slash("event-admin attendees", user=driver.moderator, event=event_id, format="csv")
    rows = list(csv.DictReader(io.StringIO(exported.messages[-1].attachment_bytes().decode())))
    assert [(r["Answer"], r["Display name"], r["Member ID"]) for r in rows] == [
        ("Going", "Alice", driver.alice.id),
        ("Going", "Bob", driver.bob.id),
        ("Maybe", "Chen", driver.chen.id),
    ]
    markdown = await driver.slash("event-admin attendees", user=driver.moderator, event=event_id, format="markdown")
    text = markdown.messages[-1].attachment_bytes().decode()
    assert "## Going (2)" in text and "1. Alice" in text and "## Maybe (1)" in text
    assert driver.alice.id not in text
    refused = await driver.slash("event-admin attendees", user=driver.alice, event=event_id)
    assert refused.text == "Sorry, only moderators can do that."

    calendar = await driver.click(
        announcement, announcement.button(startswith="event:ics")["custom_id"], user=driver.bob
    )
    links = {button["label"]: button["url"] for button in calendar.message.buttons}
    assert links["Google Calendar"].startswith("https://calendar.google.com/calendar/render?action=TEMPLATE")
    assert links["Outlook"].startswith("https://outlook.live.com/calendar/0/action/compose?")
    assert calendar.message.attachments[0]["filename"].endswith(".ics")
    driver.assert_clean()


async def test_a_kill_9_while_notices_go_out_tells_nobody_twice(
    fake: FakeDiscord, bot: BotProcess, driver: Driver
) -> None:
    title = "Peer learning on maker spaces"
    start = datetime.now(UTC) + timedelta(days=12)
    announcement, event_id = await create_announced(driver, title, kind="peer_learning", start=typed(start))
    going = (driver.alice, driver.bob, driver.chen)
    await answer(driver, announcement, "going", *going)

    # The first notice's DM hangs on a long rate limit; the bot is killed while it waits.
    stalled = fake.inject_fault("POST", CHANNEL_MESSAGES, status=429, retry_after=30)
    await driver.slash(
        "event-admin edit", user=driver.moderator, event=event_id, location="Ljubljana, Hall B", settle=False
    )
    await driver.wait_until(lambda: bool(stalled.hits), "the first notice to be attempted", timeout=20)
    bot.kill()
    bot.start().wait_ready()

    told = [m for m in going if m is not driver.alice]
    for member in told:
        await driver.wait_for_dm(member, lambda m: title in m.content and "has changed" in m.content, timeout=20)
    await asyncio.sleep(3)
    for member in told:
        (notice,) = dms_about(driver, member, title, "has changed")
        assert "→ Ljubljana, Hall B" in notice.content
    # Alice's notice was claimed when the bot died: at most once means it is never sent again.
    assert dms_about(driver, driver.alice, title, "has changed") == []


async def test_reminders_missed_while_down_are_summed_up_once_per_channel(bot: BotProcess, driver: Driver) -> None:
    started = start_in_at_least(100)
    late = started + timedelta(minutes=3)
    await create_announced(driver, "Panel that starts while down", kind="panel", start=typed(started), reminders="1m")
    await create_announced(driver, "Panel reminded late", kind="panel", start=typed(late), reminders="4m")
    bot.kill()
    await asyncio.sleep(max(0.0, (started - datetime.now(UTC)).total_seconds()) + 5)
    bot.start().wait_ready()

    summary = await driver.wait_for_message(driver.announcements, lambda m: m.content.startswith("⏱️"), timeout=30)
    assert summary.content.endswith(
        f"in <#{driver.announcements.id}>: 1 reminder sent late, 1 skipped because the event had started."
    ), summary.content
    assert "Offline " in summary.content and " UTC" in summary.content
    (reminded,) = reminders_of(driver, "Panel reminded late")
    assert stamp(late, "R") in reminded.content
    assert reminders_of(driver, "Panel that starts while down") == []
    await asyncio.sleep(3)
    assert len([m for m in driver.messages_in(driver.announcements) if m.content.startswith("⏱️")]) == 1
    driver.assert_clean()
