"""Search by meaning in the running bot: on a new database the documents are embedded after the bot is ready,
then a question in a language the lexicon has no words for finds its entry; a restart reads the stored vectors."""

from __future__ import annotations

import asyncio

import pytest

from .botproc import BotProcess
from .driver import Driver

pytestmark = pytest.mark.timeout(180)

EMBEDDED = "Search by meaning: "
UKRAINIAN_QUESTION = "STEM коаліція в Україні"


async def test_a_new_database_is_embedded_after_start_and_kept_across_a_restart(
    bot: BotProcess, driver: Driver
) -> None:
    # The bot answered before the vectors were stored: they come in the background.
    await asyncio.to_thread(bot.wait_for_log, EMBEDDED, 150.0)
    assert "documents embedded and stored" in bot.log_since_start()

    found = await driver.slash("find", query=UKRAINIAN_QUESTION, user=driver.alice)
    assert not found.ephemeral
    first = found.message.embed["fields"][0]["name"]
    assert "CSR Ukraine" in first, found.message.embed["fields"][:2]
    labels = [button.get("label") for button in found.message.buttons]
    assert "Suggest a practice" not in labels, "a match by meaning is not a knowledge gap"

    bot.kill()
    bot.start().wait_ready()
    again = await driver.slash("find", query=UKRAINIAN_QUESTION, user=driver.bob)
    assert "CSR Ukraine" in again.message.embed["fields"][0]["name"]
    assert EMBEDDED not in bot.log_since_start(), "the stored vectors are read, not computed again"
    driver.assert_clean()
