"""Multi-step member journeys shared by several test modules."""

from __future__ import annotations

import re

from .driver import Driver, InteractionResult, Message
from .fake import Member


async def submit_practice(
    driver: Driver,
    member: Member,
    *,
    title: str,
    summary: str = "Pupils build and program robots with local engineers every week.",
    details: str = "",
    where: str = "Belgium",
    link: str = "",
) -> tuple[InteractionResult, int]:
    """/practice submit, fill in the modal, submit. Returns the answer and the submission number."""
    opened = await driver.slash("practice submit", user=member)
    assert opened.callback_type == 9, f"/practice submit should open a modal, got callback {opened.callback_type}"
    values = {"Title": title, "Summary": summary}
    for label, value in (("Details", details), ("Country or platform", where), ("Link", link)):
        if value:
            values[label] = value
    answer = await driver.submit_modal(opened, values, user=member)
    assert answer.ephemeral, "the submission receipt is only for the submitter"
    number = re.search(r"#(\d+)", answer.message.content)
    assert number, f"the receipt names no submission number: {answer.message.content!r}"
    return answer, int(number[1])


async def open_review(driver: Driver, moderator: Member) -> Message:
    """/knowledge review as a moderator: the next pending submission, with Approve / Reject buttons."""
    result = await driver.slash("knowledge review", user=moderator)
    card = result.message
    assert card.embeds, f"/knowledge review answered without a card: {card.text!r}"
    assert card.button("Approve") and card.button("Reject")
    return card


async def is_searchable(driver: Driver, query: str, title: str) -> bool:
    """Whether /practice search for ``query`` lists a practice titled ``title`` (first page)."""
    result = await driver.slash("practice search", query=query, user=driver.bob)
    return any(title in (f.get("name") or "") for e in result.message.embeds for f in e.get("fields") or [])
