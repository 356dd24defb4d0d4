"""A search page posted before a kill -9 still turns; a list the bot no longer knows says it has expired."""

from __future__ import annotations

import pytest

from .botproc import BotProcess
from .driver import Driver
from .fake import FakeDiscord

pytestmark = pytest.mark.timeout(90)


async def test_search_page_posted_before_a_kill_9_still_turns(
    fake: FakeDiscord, bot: BotProcess, driver: Driver
) -> None:
    search = await driver.slash("practice search", query="teachers", user=driver.alice)
    page = search.message
    first = [f["name"] for f in page.embed["fields"]]
    next_id = next(b["custom_id"] for b in page.buttons if "Next" in (b.get("label") or ""))
    assert len(next_id) <= 100
    # A query too long for a custom id pages in memory only: after the restart its buttons are unknown.
    long_search = await driver.slash("practice search", query="teachers schools " * 6, user=driver.alice)
    in_memory = long_search.message
    stale_id = next(b["custom_id"] for b in in_memory.buttons if "Next" in (b.get("label") or ""))
    assert not stale_id.startswith("pg:")

    bot.kill()
    bot.start().wait_ready()

    flipped = await driver.click(page, next_id, user=driver.alice)
    assert flipped.callback_type == 7, f"Next did not answer after the restart: {flipped.text!r}"
    names = [f["name"] for f in page.embed["fields"]]
    assert names and names[0].startswith(f"{len(first) + 1}. "), "page two of the same search"
    expired = await driver.click(in_memory, stale_id, user=driver.alice)
    assert (
        expired.ephemeral
        and "has expired" in expired.message.content
        and "Run the command again" in (expired.message.content)
    )
    driver.assert_clean()
