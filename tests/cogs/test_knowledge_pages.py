"""Search and list pages whose buttons carry the page and the query, so they answer after a restart."""

from __future__ import annotations

import re
from typing import Any

import discord
import pytest

from bot.expired import EXPIRED, answer_if_expired, handles_component
from cogs._pagination import CUSTOM_ID_LIMIT, PageButton
from cogs.knowledge import Knowledge
from cogs.knowledge._pages import PlatformListPages, PracticeSearchPages
from tests.cogs.fakes import FakeBot, FakeInteraction, member, run_command


@pytest.fixture
def cog(fake_bot: FakeBot) -> Knowledge:
    return Knowledge(fake_bot)  # type: ignore[arg-type]


async def click(button_class: type[PageButton], custom_id: str, interaction: FakeInteraction) -> None:
    """Rebuild the button from its custom id alone, as a freshly started bot does, and click it."""
    match = re.fullmatch(button_class.__discord_ui_compiled_template__, custom_id)
    assert match, custom_id
    button = await button_class.from_custom_id(interaction, None, match)  # type: ignore[arg-type]
    await button.callback(interaction)  # type: ignore[arg-type]


def ids(sent: Any) -> list[str]:
    return [cid for cid in sent.custom_ids if cid.startswith("pg:") and cid != "pg:at"]


async def test_platform_list_next_works_from_the_custom_id_alone(cog: Knowledge, fake_bot: FakeBot) -> None:
    alice = member()
    interaction = FakeInteraction(fake_bot, alice)
    await run_command(cog.platform_list, interaction)
    first = interaction.last
    previous_id, next_id = ids(first)
    assert all(len(cid) <= CUSTOM_ID_LIMIT for cid in (previous_id, next_id))
    flip = FakeInteraction(fake_bot, alice)
    await click(PlatformListPages, next_id, flip)
    page_two = flip.last
    assert page_two.kind == "edit_message" and "2 / " in " ".join(page_two.labels)
    assert page_two.embeds[0].fields[0].name != first.embeds[0].fields[0].name
    back = FakeInteraction(fake_bot, alice)
    await click(PlatformListPages, ids(page_two)[0], back)
    assert back.last.embeds[0].fields[0].name == first.embeds[0].fields[0].name


async def test_practice_search_next_reruns_the_query_with_its_filters(cog: Knowledge, fake_bot: FakeBot) -> None:
    alice = member()
    interaction = FakeInteraction(fake_bot, alice)
    await run_command(cog.practice_search, interaction, query="strategy: schools", topic=None, country=None)
    first = interaction.last
    _previous_id, next_id = ids(first)
    assert next_id.endswith(":strategy: schools")
    flip = FakeInteraction(fake_bot, alice)
    await click(PracticeSearchPages, next_id, flip)
    assert (flip.last.embeds[0].fields[0].name or "").startswith(f"{len(first.embeds[0].fields) + 1}. ")
    assert flip.last.embeds[0].title == first.embeds[0].title


async def test_page_button_refuses_someone_else(cog: Knowledge, fake_bot: FakeBot) -> None:
    interaction = FakeInteraction(fake_bot, member())
    await run_command(cog.platform_list, interaction)
    bob = FakeInteraction(fake_bot, member(900000000000000077, "Bob"))
    await click(PlatformListPages, ids(interaction.last)[1], bob)
    assert bob.last.ephemeral and "someone else" in bob.last.content


async def test_a_query_too_long_for_a_custom_id_still_pages_in_memory(cog: Knowledge, fake_bot: FakeBot) -> None:
    interaction = FakeInteraction(fake_bot, member())
    await run_command(cog.practice_search, interaction, query="strategy " * 12, topic=None, country=None)
    assert not ids(interaction.last) and "Next ▶" in interaction.last.labels


class Store:
    """What discord.py's view store holds: dynamic item patterns and views by message id."""

    def __init__(self) -> None:
        self._dynamic_items = {PlatformListPages.__discord_ui_compiled_template__: PlatformListPages}
        self._views: dict[int | None, dict[tuple[int, str], Any]] = {None: {(2, "kept"): object()}}


def component_click(fake_bot: FakeBot, custom_id: str) -> FakeInteraction:
    interaction = FakeInteraction(fake_bot, member())
    interaction.data = {"custom_id": custom_id, "component_type": 2}
    interaction.type = discord.InteractionType.component  # type: ignore[attr-defined]
    return interaction


async def test_an_unknown_button_is_told_politely_it_expired(fake_bot: FakeBot) -> None:
    stale = component_click(fake_bot, "0f3c9a6b2d1e4f5a8b7c6d5e4f3a2b1c")
    await answer_if_expired(Store(), stale)  # type: ignore[arg-type]
    assert stale.last.ephemeral and stale.last.content == EXPIRED
    for known in ("kept", "pg:pl:n:1:abc:"):
        click_known = component_click(fake_bot, known)
        assert handles_component(Store(), click_known)  # type: ignore[arg-type]
        await answer_if_expired(Store(), click_known)  # type: ignore[arg-type]
        assert not click_known.sent
