"""Panelists write answers, moderators see who is blocked and let them back: the real bot against the fake."""

from __future__ import annotations

import pytest

from .driver import Driver
from .test_panels_e2e import MODERATORS_ONLY, PANELISTS, number_in, question_message, vote_button

pytestmark = pytest.mark.timeout(120)


async def test_panelist_role_may_answer_a_plain_member_may_not(driver: Driver) -> None:
    opened = await driver.slash(
        "panel open",
        user=driver.moderator,
        title="Teachers for tomorrow",
        panelists=PANELISTS,
        panelist_role="Coalition member",  # Alice and Bob have it, Chen has no role
    )
    assert "is open in" in opened.message.content
    asked = await driver.slash("ask", user=driver.chen, question="How do you train teachers in rural schools?")
    assert number_in(asked.message.content) == 1
    posted = await question_message(driver, driver.general, "rural schools")

    refused = await driver.slash("answer", user=driver.chen, question=1, text="Nobody knows.")
    assert refused.ephemeral and "Only moderators and this panel's panelists" in refused.message.content
    answered = await driver.slash("answer", user=driver.alice, question=1, text="With mentors from forty companies.")
    assert answered.ephemeral and "now carries your written answer" in answered.message.content
    shown = await driver.wait_for_message(driver.general, lambda m: m.id == posted.id and "forty companies" in m.text)
    assert "Nobody knows" not in shown.text
    await driver.slash("panel close", user=driver.moderator)
    driver.assert_clean()


async def test_blocked_list_names_named_askers_only_and_unblocks_from_the_list(driver: Driver) -> None:
    await driver.slash("panel open", user=driver.moderator, title="Platform directors", panelists=PANELISTS)
    named = await driver.slash("ask", user=driver.bob, question="Why does Astra never answer emails?")
    hidden = await driver.slash(
        "ask", user=driver.organiser, question="Is the whole coalition a waste of money?", anonymous=True
    )
    assert "anonymously" in hidden.message.content
    empty = await driver.slash("panel blocked", user=driver.moderator)
    assert "Nobody is blocked" in empty.message.content
    for number in (number_in(named.message.content), number_in(hidden.message.content)):
        await driver.slash("panel block", user=driver.moderator, question=number)

    refused = await driver.slash("panel blocked", user=driver.alice)
    assert refused.message.content == MODERATORS_ONLY
    listed = await driver.slash("panel blocked", user=driver.moderator)
    lines = listed.message.content.splitlines()
    assert listed.ephemeral and "(2)" in lines[0]
    assert driver.bob.mention in lines[1] and "#1" in lines[1]
    assert "The anonymous asker" in lines[2] and "#2" in lines[2]
    assert driver.organiser.id not in listed.message.text and not listed.message.pinged
    assert [b["label"] for b in listed.message.buttons] == ["Unblock #1", "Unblock #2"]

    unblocked = await driver.click(
        listed.message, listed.message.button("Unblock #2")["custom_id"], user=driver.moderator
    )
    assert unblocked.callback_type == 7 and "(1)" in listed.message.content
    assert [b["label"] for b in listed.message.buttons] == ["Unblock #1"]
    first = await question_message(driver, driver.general, "Astra never answer")
    vote = await driver.click(first, vote_button(first)["custom_id"], user=driver.organiser)
    await vote.wait_followup(lambda m: "You upvoted #1" in m.content)
    still = await driver.slash("ask", user=driver.bob, question="What is the budget of NCSR this year?")
    assert "paused your questions and votes" in still.message.content
    await driver.slash("panel close", user=driver.moderator)
    driver.assert_clean()
