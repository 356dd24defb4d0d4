"""A real fault gets the apology with an error id; the log line carries the same id and the traceback."""

from __future__ import annotations

import logging
import re

import pytest

from bot.tree import report_error
from rules.errors import InvalidInputError

from .fakes import FakeBot, FakeInteraction, FakeMember

ERROR_ID = re.compile(r"error `([0-9a-f]{8})`")


async def test_unexpected_error_apology_carries_the_id_logged_with_the_traceback(
    fake_bot: FakeBot, caplog: pytest.LogCaptureFixture
) -> None:
    interaction = FakeInteraction(fake_bot, FakeMember(1))
    with caplog.at_level(logging.ERROR, logger="bot.tree"):
        await report_error(interaction, RuntimeError("database on fire"))  # type: ignore[arg-type]
    reply = interaction.reply
    assert reply.ephemeral and reply.text.startswith("Sorry, something went wrong on our side")
    found = ERROR_ID.search(reply.text)
    assert found is not None, reply.text
    [record] = [r for r in caplog.records if r.name == "bot.tree"]
    assert found[1] in record.getMessage() and record.exc_info is not None
    assert "database on fire" not in reply.text


async def test_each_fault_gets_its_own_id(fake_bot: FakeBot) -> None:
    first, second = (FakeInteraction(fake_bot, FakeMember(1)) for _ in range(2))
    for interaction in (first, second):
        await report_error(interaction, RuntimeError("boom"))  # type: ignore[arg-type]
    ids = [ERROR_ID.search(interaction.reply.text) for interaction in (first, second)]
    assert ids[0] and ids[1] and ids[0][1] != ids[1][1]


async def test_domain_error_is_shown_as_is_without_an_id(fake_bot: FakeBot) -> None:
    interaction = FakeInteraction(fake_bot, FakeMember(1))
    await report_error(interaction, InvalidInputError("Give a time, e.g. tomorrow 9:30."))  # type: ignore[arg-type]
    assert interaction.reply.text == "Give a time, e.g. tomorrow 9:30."
