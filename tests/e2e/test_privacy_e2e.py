"""Members' data rights end to end: export, forget after confirming, export again shows nothing left."""

from __future__ import annotations

import json

import pytest

from .driver import Driver

pytestmark = pytest.mark.timeout(120)


async def test_privacy_export_forget_export_leaves_nothing(driver: Driver) -> None:
    await driver.slash("panel open", user=driver.moderator, title="Teacher shortages", panelists="Mikkel Bohm (Astra)")
    asked = await driver.slash("ask", user=driver.alice, question="How do you train career changers as teachers?")
    assert asked.ephemeral
    posted = await driver.wait_for_message(driver.general, lambda m: "career changers" in m.text)
    assert driver.alice.mention in posted.text
    await driver.click(posted, posted.buttons[0]["custom_id"], user=driver.bob)
    await driver.slash("timezone set", user=driver.alice, zone="Europe/Helsinki")

    exported = await driver.slash("privacy export", user=driver.alice)
    assert exported.ephemeral and exported.message.attachments[0]["filename"] == (
        f"coalition-bot-data-{driver.alice.id}.json"
    )
    data = json.loads(exported.message.attachment_bytes(0))
    assert [q["text"] for q in data["questions"]] == ["How do you train career changers as teachers?"]
    assert data["time_zone"]["zone"] == "Europe/Helsinki"
    assert driver.bob.id not in exported.message.attachment_bytes(0).decode()

    warning = await driver.slash("privacy forget", user=driver.alice)
    assert warning.ephemeral and "cannot be undone" in warning.message.content
    forgotten = await driver.click(
        warning.message, warning.message.button("Yes, forget me")["custom_id"], user=driver.alice
    )
    assert "1 question made anonymous" in forgotten.message.content
    assert "your time zone deleted" in forgotten.message.content
    assert not forgotten.message.buttons

    # Her name leaves the posted question; Bob's vote on it stays.
    await driver.wait_for_message(driver.general, lambda m: m.id == posted.id and driver.alice.mention not in m.text)
    assert "anonymous" in posted.text and posted.buttons[0]["label"] == "1"

    again = await driver.slash("privacy export", user=driver.alice)
    data = json.loads(again.message.attachment_bytes(0))
    assert data["time_zone"] is None
    assert not any(data[kind] for kind in ("questions", "votes", "event_answers", "reminder_dms"))
    assert "holds nothing about you" in again.message.content
    driver.assert_clean()
