"""Panels feed knowledge: what a panel answered in writing is found by /find, cited by panel and day."""

from __future__ import annotations

import pytest

from .driver import Driver, Message
from .test_panels_e2e import PANELISTS, question_message

pytestmark = pytest.mark.timeout(120)

PANEL = "Industry in the classroom"
QUESTION = "How do you convince small engineering firms to host pupils for a week?"
ANSWER = "Teknikcollege signs a regional agreement so that each firm hosts only two pupils a year."


def answers(message: Message) -> list[dict[str, str]]:
    return [f for e in message.embeds for f in e.get("fields") or [] if f["name"].startswith("💬 Q&A")]


async def test_answered_panel_question_is_found_by_find_with_its_panel_and_never_its_asker(driver: Driver) -> None:
    await driver.slash("panel open", user=driver.moderator, title=PANEL, panelists=PANELISTS)
    await driver.slash("ask", user=driver.bob, question=QUESTION, anonymous=True)
    await driver.slash("ask", user=driver.alice, question="Which engineering firms host pupils in Flanders?")
    await question_message(driver, driver.general, "small engineering firms")
    for number in (1, 2):
        written = await driver.slash("answer", user=driver.moderator, question=number, text=f"{ANSWER} (#{number})")
        assert "written answer" in written.message.content
    before = await driver.slash("find", user=driver.chen, query="engineering firms host pupils")
    assert answers(before.message) == [], "written answers of questions the panel has not answered stay out"

    marked = await driver.slash("panel answered", user=driver.moderator, question=1)
    assert "answered" in marked.message.content
    found = await driver.slash("find", user=driver.chen, query="engineering firms host pupils")
    assert not found.ephemeral
    [hit] = answers(found.message)
    assert QUESTION in hit["name"]
    assert "regional agreement" in hit["value"] and f"Answered at the panel “{PANEL}”" in hit["value"]
    for trace in (driver.bob.id, driver.bob.name, driver.bob.mention):
        assert trace not in found.message.text, "an anonymous asker is never named"
    assert not found.message.pinged

    await driver.slash("panel hide", user=driver.moderator, question=1)
    hidden = await driver.slash("find", user=driver.chen, query="engineering firms host pupils")
    assert answers(hidden.message) == [], "a hidden question leaves /find at once"
    driver.assert_clean()
