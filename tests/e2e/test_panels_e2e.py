"""Panel Q&A end to end: the real bot against the fake Discord, members asking and voting, moderators running it."""

from __future__ import annotations

import csv
import io
import json
import re
from functools import partial
from typing import Any

import pytest
from sqlalchemy import text

from db.engine import create_engine

from .botproc import BotProcess
from .driver import Driver, Message
from .fake import Channel, FakeDiscord

pytestmark = pytest.mark.timeout(120)

PANELISTS = (
    "Jan Lundell (Central Finland LUMA Centre); Mikkel Bohm (Astra); "
    "Morten Sørli (National Centre for Science Recruitment)"
)
MODERATORS_ONLY = "Sorry, only moderators can do that."


def number_in(text: str) -> int:
    found = re.search(r"#(\d+)", text)
    assert found, f"no question number in {text!r}"
    return int(found[1])


async def question_message(driver: Driver, channel: Channel, text: str) -> Message:
    return await driver.wait_for_message(channel, lambda m: any(text in (e.get("description") or "") for e in m.embeds))


def is_review_of(number: int, message: Message) -> bool:
    """The moderators' review card of question #number."""
    return f"#{number}" in message.text and bool(message.buttons)


def vote_button(message: Message) -> dict[str, Any]:
    return next(b for b in message.buttons if b["custom_id"].startswith("panel:vote:"))


async def test_panel_members_ask_and_vote_moderator_runs_and_exports(driver: Driver) -> None:
    refused = await driver.slash("panel open", user=driver.alice, title="Not mine", panelists="Someone")
    assert refused.ephemeral and refused.message.content == MODERATORS_ONLY

    opened = await driver.slash(
        "panel open",
        user=driver.moderator,
        title="EU STEM Coalition and STEM platforms across Europe",
        panelists=PANELISTS,
        topics="How is industry involved?; Most urgent challenges; Next three years",
    )
    assert opened.ephemeral and "is open in" in opened.message.content
    card = await driver.wait_for_message(driver.general, lambda m: bool(m.embeds) and bool(m.buttons))
    assert card.embed["title"] == "EU STEM Coalition and STEM platforms across Europe"
    # A regional LUMA centre is not the national network: its director is not linked to the network's card.
    assert "Jan Lundell" in card.text and "/platform show luma-centre-finland" not in card.text
    assert "/platform show astra" in card.text
    assert card.button("Ask a question") and card.button("Top questions")
    assert not [b for b in card.buttons if b.get("label") == "Ask anonymously"], "one form asks both ways"

    choices = await driver.autocomplete("ask", "to", "jan", user=driver.alice)
    assert [c["name"] for c in choices] == ["Jan Lundell (Central Finland LUMA Centre)"]
    asked = await driver.slash(
        "ask", user=driver.alice, question="How is industry involved in the activities of your platform?",
        to=choices[0]["value"],
    )  # fmt: skip
    assert asked.ephemeral and number_in(asked.message.content) == 1
    first = await question_message(driver, driver.general, "How is industry involved")
    assert "to Jan Lundell" in first.embed["author"]["name"] and driver.alice.mention in first.text
    assert not first.pinged

    form = await driver.click(card, card.button("Ask a question")["custom_id"], user=driver.bob)
    assert form.callback_type == 9
    sent = await driver.submit_modal(
        form,
        {
            "Your question": "@everyone What are the most urgent challenges for teachers?",
            "Your name": "Ask anonymously",
        },
        user=driver.bob,
    )
    assert sent.ephemeral and number_in(sent.message.content) == 2 and "anonymously" in sent.message.content
    second = await question_message(driver, driver.general, "urgent challenges")
    assert "anonymous" in second.text and driver.bob.id not in second.text and not second.pinged
    assert "@everyone" not in second.embed["description"]

    similar = await driver.slash(
        "ask", user=driver.chen, question="In what ways does industry get involved in your platform's activities?"
    )
    assert similar.ephemeral and "A similar question exists: **#1**" in similar.message.content
    upvote = similar.message.button("Upvote #1 instead")
    voted = await driver.click(similar.message, upvote["custom_id"], user=driver.chen)
    assert "You upvoted #1" in voted.message.content

    for member in (driver.alice, driver.moderator):
        await driver.click(second, vote_button(second)["custom_id"], user=member)
    assert vote_button(second)["label"] == "2"
    await driver.click(second, vote_button(second)["custom_id"], user=driver.alice)
    assert vote_button(second)["label"] == "1", "a second click takes the vote back"
    assert vote_button(first)["label"] == "1"

    top = await driver.click(card, card.button("Top questions")["custom_id"], user=driver.chen)
    assert top.ephemeral and top.message.embed["title"].startswith("Top questions")
    # One vote each: the earlier question first; the anonymous asker stays unnamed.
    assert [number_in(field["name"]) for field in top.message.embed["fields"]] == [1, 2]
    assert driver.bob.id not in top.text and not top.message.pinged
    to_answer = await driver.autocomplete("panel answered", "question", "urgent", user=driver.moderator)
    assert [choice["value"] for choice in to_answer] == [2]

    too_soon = await driver.slash("ask", user=driver.alice, question="And what about the next three years?")
    assert too_soon.ephemeral and "You can ask again in" in too_soon.message.content
    too_short = await driver.slash("ask", user=driver.chen, question="Why?")
    assert too_short.ephemeral and "too short" in too_short.message.content  # and not stored: see the export

    member_next = await driver.slash("panel next", user=driver.bob)
    assert member_next.message.content == MODERATORS_ONLY
    up = await driver.slash("panel next", user=driver.moderator)
    assert up.ephemeral and "Now answering #1" in up.message.content
    announcement = await driver.wait_for_message(driver.general, lambda m: "Now answering: #1" in m.text)
    assert "How is industry involved" in announcement.text
    moved = await driver.click(up.message, up.message.button("Next question")["custom_id"], user=driver.moderator)
    assert "#1 is marked answered. Now answering #2." in moved.message.content
    await driver.wait_until(lambda: "Answered" in first.embed["author"]["name"], "#1 to show it was answered")
    assert vote_button(first).get("disabled")

    listed = await driver.slash("questions", user=driver.chen, sort="top", status="all")
    assert listed.ephemeral and "#1" in listed.message.text and "#2" in listed.message.text

    closed = await driver.slash("panel close", user=driver.moderator)
    assert not closed.ephemeral and "Questions closed" in closed.message.text
    assert closed.message.field("Questions") == "2" and closed.message.field("Voters") == "2"
    # The card is edited right after the summary is posted.
    await driver.wait_until(
        lambda: any(b.get("label") == "Questions closed" for b in card.buttons), "the card to say questions are closed"
    )
    assert card.button("Questions closed").get("disabled")
    late = await driver.slash("ask", user=driver.chen, question="Is it too late to ask?")
    assert "no open panel in this channel" in late.message.content

    panels = await driver.autocomplete("panel export", "panel", "STEM platforms", user=driver.moderator)
    exported = await driver.slash("panel export", user=driver.moderator, panel=panels[0]["value"], format="csv")
    assert exported.ephemeral and exported.message.attachments
    rows = list(csv.DictReader(io.StringIO(exported.message.attachment_bytes(0).decode())))
    assert [(r["number"], r["status"], r["votes"]) for r in rows] == [("1", "answered", "1"), ("2", "open", "1")]
    assert rows[0]["author"] == driver.alice.id
    assert rows[1]["author"] == "anonymous" and driver.bob.id not in exported.message.attachment_bytes(0).decode()
    driver.assert_clean()


async def test_one_ask_form_takes_named_and_anonymous_questions_for_a_panelist(driver: Driver) -> None:
    await driver.slash(
        "panel open", user=driver.moderator, title="Platform directors", panelists=PANELISTS, topics="Funding"
    )
    card = await driver.wait_for_message(
        driver.general, lambda m: bool(m.embeds) and m.embed.get("title") == "Platform directors"
    )
    form = await driver.click(card, card.button("Ask a question")["custom_id"], user=driver.alice)
    fields = [component["label"] for component in form.modal["components"]]
    assert fields == ["Your question", "For a panelist or topic? (optional)", "Your name"]
    named = await driver.submit_modal(
        form,
        {"Your question": "How did the Astra merger work out?", "For a panelist or topic? (optional)": "Mikkel Bohm"},
        user=driver.alice,
    )
    assert named.ephemeral and number_in(named.message.content) == 1 and "anonymously" not in named.message.content
    first = await question_message(driver, driver.general, "Astra merger")
    assert "to Mikkel Bohm" in first.embed["author"]["name"] and driver.alice.mention in first.text

    form = await driver.click(card, card.button("Ask a question")["custom_id"], user=driver.bob)
    anonymous = await driver.submit_modal(
        form,
        {
            "Your question": "Where does the money for rural schools come from?",
            "For a panelist or topic? (optional)": "Funding",
            "Your name": "Ask anonymously",
        },
        user=driver.bob,
    )
    assert number_in(anonymous.message.content) == 2 and "anonymously" in anonymous.message.content
    second = await question_message(driver, driver.general, "rural schools")
    assert "anonymous" in second.text and driver.bob.id not in second.text and "Funding" in second.text
    assert "to " not in second.embed["author"]["name"]
    await driver.slash("panel close", user=driver.moderator)
    driver.assert_clean()


async def test_moderated_panel_queue_survives_kill_9(fake: FakeDiscord, bot: BotProcess, driver: Driver) -> None:
    opened = await driver.slash(
        "panel open",
        user=driver.moderator,
        title="Questions for the platform directors",
        panelists="Mikkel Bohm (Astra); Morten Sørli (NCSR)",
        moderated=True,
        options={"channel": driver.announcements, "moderator_channel": driver.moderators_channel},
    )
    assert "is open in" in opened.message.content
    asked = await driver.slash(
        "ask", user=driver.alice, channel=driver.announcements, question="How did the Astra merger work out?"
    )
    assert asked.ephemeral and "A moderator will review it" in asked.message.content
    queued = await driver.slash(
        "ask", user=driver.bob, channel=driver.announcements, question="How do you reach rural schools?", anonymous=True
    )
    assert "A moderator will review it" in queued.message.content
    reviews = [
        await driver.wait_for_message(driver.moderators_channel, partial(is_review_of, number)) for number in (1, 2)
    ]
    assert not [m for m in driver.messages_in(driver.announcements) if "Astra merger" in m.text], "not before approval"

    not_a_moderator = await driver.click(reviews[0], reviews[0].button("Approve")["custom_id"], user=driver.alice)
    assert not_a_moderator.message.content == MODERATORS_ONLY
    approved = await driver.click(reviews[0], reviews[0].button("Approve")["custom_id"], user=driver.moderator)
    assert approved.callback_type == 7 and "Approved by" in reviews[0].embed["footer"]["text"]
    posted = await question_message(driver, driver.announcements, "Astra merger")

    bot.kill()
    bot.start().wait_ready()

    after = await driver.click(reviews[1], reviews[1].button("Approve")["custom_id"], user=driver.moderator)
    assert after.callback_type == 7, f"the review button did not survive the restart: {after.text!r}"
    rural = await question_message(driver, driver.announcements, "rural schools")
    assert "anonymous" in rural.text and driver.bob.id not in rural.text
    vote = await driver.click(posted, vote_button(posted)["custom_id"], user=driver.chen)
    # The click updates the question in place (its count) and tells the voter in a followup.
    assert vote.callback_type == 7 and vote_button(posted)["label"] == "1"
    await vote.wait_followup(lambda m: "You upvoted #1" in m.content)

    queue = await driver.slash("panel queue", user=driver.moderator, channel=driver.announcements)
    assert "No question" in queue.message.content
    panels = await driver.autocomplete("panel export", "panel", "directors", user=driver.moderator)
    exported = await driver.slash("panel export", user=driver.moderator, panel=panels[0]["value"], format="json")
    document = json.loads(exported.message.attachment_bytes(0))
    assert [(q["number"], q["status"], q["votes"], q["author"]) for q in document["questions"]] == [
        (1, "open", 1, driver.alice.id),
        (2, "open", 0, "anonymous"),
    ]
    driver.assert_clean()


async def test_question_posted_but_not_recorded_before_kill_9_is_not_posted_twice(
    fake: FakeDiscord, bot: BotProcess, driver: Driver
) -> None:
    await driver.slash(
        "panel open", user=driver.moderator, channel=driver.general, title="Crash window", panelists=PANELISTS
    )
    await driver.slash("ask", user=driver.alice, channel=driver.general, question="Will this be posted only once?")
    posted = await question_message(driver, driver.general, "posted only once")
    question_id = int(vote_button(posted)["custom_id"].rsplit(":", 1)[1])

    bot.kill()
    # The state a kill between posting and recording leaves behind: posted, but no message id saved.
    engine = create_engine(bot.database_url)
    async with engine.begin() as connection:
        await connection.execute(
            text("UPDATE panel_questions SET message_id = NULL WHERE id = :id"), {"id": question_id}
        )
    await engine.dispose()
    bot.start().wait_ready()

    bot.wait_for_log("(1 found already posted)")
    copies = [m for m in driver.messages_in(driver.general) if "posted only once" in m.text]
    assert len(copies) == 1, "the restart adopted the posted message instead of posting it again"
    vote = await driver.click(posted, vote_button(posted)["custom_id"], user=driver.chen)
    assert vote.callback_type == 7 and vote_button(posted)["label"] == "1"
    await vote.wait_followup(lambda m: "You upvoted #1" in m.content)
