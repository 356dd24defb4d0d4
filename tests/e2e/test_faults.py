"""Discord answers 429 or 500 now and then; the bot (through discord.py) retries and still delivers."""

from __future__ import annotations

import asyncio

import pytest

from .driver import Driver
from .fake import FakeDiscord, RecordedRequest
from .flows import open_review, submit_practice

pytestmark = pytest.mark.timeout(60)

CALLBACK = r"^/interactions/\d+/[^/]+/callback$"
FOLLOWUP = r"^/webhooks/\d+/[^/]+$"
CHANNEL_MESSAGES = r"^/channels/\d+/messages$"


async def answered(fake: FakeDiscord, path: str, *, since: int, count: int = 2) -> list[RecordedRequest]:
    """POSTs to `path`, once `count` are recorded with their answers: both land just after the reply is visible."""
    for _ in range(250):
        posts = fake.requests_matching("POST", path, since=since)
        if len(posts) >= count and all(post.status is not None for post in posts):
            return posts
        await asyncio.sleep(0.02)
    return posts


async def test_rate_limited_interaction_callback_is_retried(fake: FakeDiscord, driver: Driver) -> None:
    fault = fake.inject_fault("POST", CALLBACK, status=429, retry_after=0.3)
    result = await driver.slash("platform show", name="Astra")
    assert len(fault.hits) == 1 and fault.remaining == 0
    assert result.message.embed["title"].startswith("Astra")
    posts = await answered(fake, rf"^/interactions/{result.id}/", since=driver.mark)
    assert [r.status for r in posts] == [429, 200], posts
    assert result.latency is not None and result.latency >= 0.3, "the retry waited for retry_after"
    driver.assert_clean()


async def test_rate_limited_followup_and_failing_dm_are_retried(fake: FakeDiscord, driver: Driver) -> None:
    _receipt, number = await submit_practice(driver, driver.bob, title="Otter outreach in rural schools")
    card = await open_review(driver, driver.moderator)
    dm_channel_posts = len(fake.requests_matching("POST", CHANNEL_MESSAGES, status=200))

    followup_fault = fake.inject_fault("POST", FOLLOWUP, status=429, retry_after=0.3)
    dm_fault = fake.inject_fault("POST", CHANNEL_MESSAGES, status=500)
    approved = await driver.click(card, card.button("Approve")["custom_id"], user=driver.moderator)

    receipt = await approved.wait_followup(lambda m: f"#{number}" in m.content, timeout=15)
    assert "approved" in receipt.content
    dm = await driver.wait_for_dm(driver.bob, lambda m: "Otter" in m.content, timeout=15)
    assert "approved" in dm.content

    assert len(followup_fault.hits) == 1 and len(dm_fault.hits) == 1
    followups = await answered(fake, FOLLOWUP, since=driver.mark, count=2)
    assert [r.status for r in followups] == [429, 200], followups
    dm_posts = await answered(fake, CHANNEL_MESSAGES, since=dm_fault.hits[0].seq - 1, count=2)
    assert [r.status for r in dm_posts] == [500, 200], dm_posts
    assert dm_posts[1].json == dm_posts[0].json, "the retry sent the same message"
    assert len(fake.requests_matching("POST", CHANNEL_MESSAGES, status=200)) == dm_channel_posts + 1
    assert len(driver.dm_messages(driver.bob)) == 1, "delivered exactly once"
    driver.assert_clean()
