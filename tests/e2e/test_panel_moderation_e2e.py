"""Panel moderation end to end: the word filter in five languages, blocking an asker, answers and edits."""

from __future__ import annotations

import json
from functools import partial

import pytest

from .driver import Driver, Message
from .test_panels_e2e import MODERATORS_ONLY, PANELISTS, is_review_of, number_in, question_message, vote_button

pytestmark = pytest.mark.timeout(120)

RUDE = (
    ("Why is this panel so full of sh1t?", "sh1t"),
    ("Sie sind ein ARSCHLOCH, Herr Bohm", "ARSCHLOCH"),
    ("Quelle bande de connards, vraiment", "connards"),
    ("Wat een k l o o t z a k is dat", "k l o o t z a k"),
    ("haista vittu koko paneeli", "vittu"),
)


def has_heading(heading: str, message: Message) -> bool:
    return heading in message.text


async def test_censor_panel_stars_five_languages_blocks_an_asker_and_exports_originals(driver: Driver) -> None:
    opened = await driver.slash(
        "panel open", user=driver.moderator, title="Teachers for tomorrow", panelists=PANELISTS, word_filter="censor"
    )
    assert "is open in" in opened.message.content
    askers = (driver.alice, driver.bob, driver.chen, driver.owner, driver.organiser)
    for (text, word), member in zip(RUDE, askers, strict=True):
        asked = await driver.slash("ask", user=member, question=text)
        assert asked.ephemeral and "posted" in asked.message.content, asked.message.content
        posted = await driver.wait_for_message(
            driver.general, partial(has_heading, f"Question #{number_in(asked.message.content)}")
        )
        assert "\\*\\*\\*" in posted.text and word not in posted.text, posted.text

    # Alice (#1) is blocked: her next question and her vote are refused and stored nowhere.
    refused = await driver.slash("panel block", user=driver.bob, question=1)
    assert refused.message.content == MODERATORS_ONLY
    blocked = await driver.slash("panel block", user=driver.moderator, question=1)
    assert "asker of #1 can no longer ask or vote" in blocked.message.content
    assert driver.alice.mention not in blocked.message.content
    again = await driver.slash("ask", user=driver.alice, question="How do you train teachers in rural schools?")
    assert again.ephemeral and "paused your questions and votes" in again.message.content
    second = await question_message(driver, driver.general, "Sie sind ein")
    vote = await driver.click(second, vote_button(second)["custom_id"], user=driver.alice)
    assert "paused your questions and votes" in vote.message.content
    assert vote_button(second).get("label") == "0"

    panels = await driver.autocomplete("panel export", "panel", "Teachers", user=driver.moderator)
    exported = await driver.slash("panel export", user=driver.moderator, panel=panels[0]["value"], format="json")
    document = json.loads(exported.message.attachment_bytes(0))
    assert [q["asked_as"] for q in document["questions"]] == [text for text, _word in RUDE]
    assert all("***" in q["text"] for q in document["questions"])
    assert len(document["questions"]) == 5, "the blocked member's question was stored nowhere"
    driver.assert_clean()


async def test_review_panel_holds_rude_question_then_moderator_edits_approves_and_answers(driver: Driver) -> None:
    await driver.slash(
        "panel open",
        user=driver.moderator,
        title="Questions for the platform directors",
        panelists="Mikkel Bohm (Astra); Morten Sørli (NCSR)",
        word_filter="review",
        options={"channel": driver.announcements, "moderator_channel": driver.moderators_channel},
    )
    held = await driver.slash(
        "ask", user=driver.alice, channel=driver.announcements, question="Why is Astra such a sh1t show?"
    )
    assert "A moderator will review it" in held.message.content
    review = await driver.wait_for_message(driver.moderators_channel, partial(is_review_of, 1))
    assert "shit (en)" in review.text
    assert not [m for m in driver.messages_in(driver.announcements) if "Astra such" in m.text]

    edited = await driver.slash(
        "panel edit",
        user=driver.moderator,
        channel=driver.announcements,
        question=1,
        text="Why is Astra organised the way it is?",
    )
    assert "#1 now reads" in edited.message.content
    await driver.click(review, review.button("Approve")["custom_id"], user=driver.moderator)
    posted = await question_message(driver, driver.announcements, "Why is Astra organised the way it is?")
    assert "sh1t" not in posted.text
    answered = await driver.slash(
        "answer",
        user=driver.moderator,
        channel=driver.announcements,
        question=1,
        text="It grew out of three national centres.",
    )
    assert "written answer" in answered.message.content
    shown = await driver.wait_for_message(
        driver.announcements, lambda m: m.id == posted.id and "three national centres" in m.text
    )
    assert "Answer" in shown.text
    driver.assert_clean()
