"""Submitting a practice, and reviewing it: moderators only, verdicts reach the submitter by DM."""

from __future__ import annotations

import pytest

from .driver import Driver
from .flows import is_searchable, open_review, submit_practice

pytestmark = pytest.mark.timeout(60)


async def test_submit_opens_a_modal_and_keeps_the_practice_pending(driver: Driver) -> None:
    opened = await driver.slash("practice submit", user=driver.alice)
    assert opened.callback_type == 9
    labels = [c.get("label") for c in opened.modal["components"]] + [
        child.get("label") for row in opened.modal["components"] for child in row.get("components") or []
    ]
    for label in ("Title", "Summary", "Details", "Country or platform", "Link"):
        assert label in labels, f"modal fields: {labels}"

    answer, number = await submit_practice(driver, driver.alice, title="Quokka coding clubs in libraries")
    assert "Quokka coding clubs in libraries" in answer.message.content
    assert not await is_searchable(driver, "Quokka coding clubs", "Quokka coding clubs in libraries")

    card = await open_review(driver, driver.moderator)
    assert card.embed["title"] == "Quokka coding clubs in libraries"
    assert f"#{number}" in card.embed["footer"]["text"]
    rejected = await driver.click(card, card.button("Reject")["custom_id"], user=driver.moderator)
    assert rejected.callback_type == 7
    dm = await driver.wait_for_dm(driver.alice, lambda m: "Quokka" in m.content)
    assert "not accepted" in dm.content and not dm.pinged
    assert not await is_searchable(driver, "Quokka coding clubs", "Quokka coding clubs in libraries")
    driver.assert_clean()


async def test_review_is_refused_to_plain_members_and_works_for_moderators(driver: Driver) -> None:
    _answer, number = await submit_practice(
        driver,
        driver.bob,
        title="Walrus welding workshops for girls",
        where="Norway",
        link="https://example.org/walrus",
    )

    for plain in (driver.alice, driver.chen):
        refused = await driver.slash("knowledge review", user=plain)
        assert refused.ephemeral
        assert refused.message.content == "Sorry, only moderators can do that."
        assert not refused.message.buttons and not refused.message.embeds

    # Nothing changed: the submission still waits, untouched, and the refusals told nobody else.
    assert not driver.dm_messages(driver.bob)
    card = await open_review(driver, driver.moderator)
    assert card.ephemeral, "the review card is for the moderator's eyes only"
    assert card.embed["title"] == "Walrus welding workshops for girls"
    assert f"#{number}" in card.embed["footer"]["text"]
    assert driver.bob.mention in card.field("Submitted by")
    assert "Norway" in card.field("Country / platform")
    assert not card.pinged, "naming the submitter must not ping them"

    approved = await driver.click(card, card.button("Approve")["custom_id"], user=driver.moderator)
    assert approved.callback_type == 7
    assert not card.buttons, "a decided submission has no buttons left"
    assert "Approved" in card.embed["author"]["name"]
    receipt = await approved.wait_followup(lambda m: f"#{number}" in m.content)
    assert receipt.ephemeral and "approved" in receipt.content

    dm = await driver.wait_for_dm(driver.bob, lambda m: "Walrus" in m.content)
    assert "approved" in dm.content
    assert await is_searchable(driver, "walrus welding", "Walrus welding workshops for girls")
    driver.assert_clean()


async def test_manage_server_permission_counts_as_moderator(driver: Driver) -> None:
    """Dana has Manage Server but not the Moderator role."""
    result = await driver.slash("knowledge review", user=driver.organiser)
    assert result.message.content != "Sorry, only moderators can do that."
    assert result.ephemeral
    assert result.message.embeds or "Nothing is waiting" in result.message.content
    driver.assert_clean()


async def test_member_text_on_the_review_card_is_shown_as_typed(driver: Driver) -> None:
    title = "Robots for @everyone **now**"
    await submit_practice(driver, driver.chen, title=title, summary="Ping <@&1> and @here, _please_ read this.")
    card = await open_review(driver, driver.moderator)
    assert not card.pinged
    assert "**now**" not in card.embed["title"], "markdown typed by a member is escaped, not rendered"
    rejected = await driver.click(card, card.button("Reject")["custom_id"], user=driver.moderator)
    assert rejected.callback_type == 7
    await driver.wait_for_dm(driver.chen, lambda m: "not accepted" in m.content)
    driver.assert_clean()
