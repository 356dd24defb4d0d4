"""Answers to a weekly series belong to one occurrence, end to end: who is told when a week moves, who is listed
for which week; and members who turned event notices off are not told (the moderator sees how many)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest

from .driver import Driver, Message
from .fake import Member
from .test_event_people import create_announced, dms_about
from .test_series_e2e import BERLIN, next_tuesday_10am, typed

pytestmark = pytest.mark.timeout(240)


def stamp(moment: datetime, style: str = "F") -> str:
    return f"<t:{int(moment.timestamp())}:{style}>"


async def going(driver: Driver, message: Message, member: Member) -> str:
    clicked = await driver.click(message, message.button(startswith="event:rsvp:going")["custom_id"], user=member)
    return clicked.text if message.ephemeral else (await clicked.wait_followup()).content


async def test_each_week_of_a_series_has_its_own_people_and_only_they_hear_of_its_move(driver: Driver) -> None:
    title = "Weekly taskforce on STEM teacher supply"
    first = next_tuesday_10am(datetime.now(UTC))
    second = first + timedelta(days=7)
    announcement, event_id = await create_announced(
        driver, title, kind="taskforce", start=typed(first), timezone="Europe/Berlin", repeat="weekly"
    )
    # Alice answers from the announcement: that is the next week, and the reply says so.
    reply = await going(driver, announcement, driver.alice)
    assert f"for the occurrence on {stamp(first)} only" in reply, reply

    # Bob picks the second week in /event show and answers with the buttons under it.
    weeks = await driver.autocomplete("event show", "occurrence", "", user=driver.bob, event=event_id)
    second_value = weeks[1]["value"]
    shown = await driver.slash("event show", user=driver.bob, event=event_id, occurrence=second_value)
    assert stamp(second) in shown.message.field("Answers for the occurrence")
    reply = await going(driver, shown.message, driver.bob)
    assert f"for the occurrence on {stamp(second)} only" in reply, reply

    # The moderator moves the first week by a day: Alice alone is told.
    moved_to = first + timedelta(days=1)
    moved = await driver.slash(
        "event-admin edit",
        user=driver.moderator,
        event=event_id,
        occurrence=f"{first:%Y-%m-%dT%H:%MZ}",
        start=typed(moved_to),
    )
    assert "Told 1 member by DM." in moved.text, moved.text
    (notice,) = dms_about(driver, driver.alice, title, "has changed")
    assert f"~~{stamp(first)}~~ → {stamp(moved_to)}" in notice.content
    assert dms_about(driver, driver.bob, title, "has changed") == []

    # The attendees of the second week are Bob only; the first (moved) week keeps Alice.
    exported = await driver.slash(
        "event-admin attendees", user=driver.moderator, event=event_id, format="csv", occurrence=second_value
    )
    assert f"on {stamp(second)}: 1 going" in exported.text, exported.text
    rows = list(csv.DictReader(io.StringIO(exported.messages[-1].attachment_bytes().decode())))
    assert [(r["Answer"], r["Display name"]) for r in rows] == [("Going", "Bob")]
    assert (
        exported.messages[-1]
        .attachments[0]["filename"]
        .endswith(f"-{second.astimezone(BERLIN):%Y-%m-%d}-attendees.csv")
    )
    shown = await driver.slash("event show", user=driver.moderator, event=event_id)
    assert "Alice" in shown.message.field("Going (1)") and "Bob" not in shown.message.field("Going (1)")
    assert stamp(moved_to) in shown.message.field("Answers for the occurrence")
    driver.assert_clean()


async def test_a_date_that_is_no_occurrence_is_refused_politely_and_changes_nothing(driver: Driver) -> None:
    title = "Weekly peer learning on lab safety"
    first = next_tuesday_10am(datetime.now(UTC))
    _announcement, event_id = await create_announced(
        driver, title, kind="peer_learning", start=typed(first), timezone="Europe/Berlin", repeat="weekly"
    )
    wednesday = (first + timedelta(days=1)).astimezone(BERLIN)
    refused = await driver.slash("event show", user=driver.bob, event=event_id, occurrence=f"{wednesday:%Y-%m-%d}")
    assert refused.ephemeral and f"has no occurrence on {wednesday:%-d %B %Y}" in refused.text, refused.text
    refused = await driver.slash("event-admin attendees", user=driver.moderator, event=event_id, occurrence="next week")
    assert refused.ephemeral and "is not an occurrence" in refused.text, refused.text
    shown = await driver.slash("event show", user=driver.bob, event=event_id)
    assert "Nobody yet" in shown.message.field("Going (0)")
    driver.assert_clean()


async def test_a_member_who_turned_notices_off_is_not_told_and_the_moderator_sees_how_many(driver: Driver) -> None:
    title = "Open meeting on STEM careers fairs"
    announcement, event_id = await create_announced(driver, title, kind="open_meeting", start="in 11 days at 15:00")
    off = await driver.slash("event notices", user=driver.chen, on=False)
    assert off.ephemeral and "You won't get DMs about changed or cancelled events" in off.text
    exported = await driver.slash("privacy export", user=driver.chen)
    assert json.loads(exported.message.attachment_bytes(0))["event_notices_on"] is False
    await going(driver, announcement, driver.alice)
    await going(driver, announcement, driver.chen)

    edited = await driver.slash("event-admin edit", user=driver.moderator, event=event_id, location="Ghent")
    assert "Told 1 member by DM." in edited.text, edited.text
    assert "1 member turned event notices off and was not told." in edited.text
    assert str(driver.chen.id) not in edited.text
    assert len(dms_about(driver, driver.alice, title, "has changed")) == 1
    assert dms_about(driver, driver.chen, title, "has changed") == []

    on = await driver.slash("event notices", user=driver.chen, on=True)
    assert "You'll get a DM when an event you answered moves" in on.text
    await driver.slash("event-admin edit", user=driver.moderator, event=event_id, location="Leuven")
    await driver.wait_for_dm(driver.chen, lambda m: title in m.content and "Leuven" in m.content)
    driver.assert_clean()
