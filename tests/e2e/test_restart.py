"""The bot is killed (-9) and started again on the same database: buttons posted before still work."""

from __future__ import annotations

import pytest

from .botproc import BotProcess
from .driver import Driver
from .fake import FakeDiscord
from .flows import is_searchable, open_review, submit_practice

pytestmark = pytest.mark.timeout(90)


async def test_approve_button_posted_before_a_kill_9_still_works(
    fake: FakeDiscord, bot: BotProcess, driver: Driver
) -> None:
    title = "Narwhal night school for maths teachers"
    _receipt, number = await submit_practice(driver, driver.alice, title=title, where="Denmark")
    card = await open_review(driver, driver.moderator)
    assert card.embed["title"] == title
    approve_id = card.button("Approve")["custom_id"]

    first_pid = bot.pid
    bot.kill()
    assert not bot.running
    identified = fake.identify_count()
    bot.start().wait_ready()
    assert bot.pid != first_pid
    assert fake.identify_count() == identified + 1, "the new process identified afresh on the gateway"

    approved = await driver.click(card, approve_id, user=driver.moderator)
    assert approved.callback_type == 7, f"the old button did not work after the restart: {approved.text!r}"
    assert "Approved" in card.embed["author"]["name"]
    receipt = await approved.wait_followup(lambda m: f"#{number}" in m.content)
    assert receipt.ephemeral and "approved" in receipt.content
    dm = await driver.wait_for_dm(driver.alice, lambda m: "Narwhal" in m.content)
    assert "approved" in dm.content
    assert await is_searchable(driver, "narwhal night school", title)

    # A clean SIGTERM ends the process with status 0 (then the fixture no longer has a bot to stop).
    assert bot.stop() == 0
    driver.assert_clean()
