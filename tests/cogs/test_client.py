"""The client's lifecycle rules: shard selection, and a stop that finishes work under way."""

from __future__ import annotations

import asyncio

import discord
from discord.ext import commands

from bot.client import CoalitionBot, ShardedCoalitionBot, create_bot
from bot.settings import Settings
from bot.tree import RESTARTING, CoalitionTree
from db.database import Database
from tests.cogs.fakes import FakeBot, FakeInteraction, member


def _settings(**changes: object) -> Settings:
    return Settings(discord_token="x", **changes)  # type: ignore[arg-type]


async def test_create_bot_unsharded_single_shard_and_several(
    database: Database,
) -> None:
    plain = create_bot(_settings(), database)
    assert type(plain) is CoalitionBot and plain.shard_count is None

    one = create_bot(_settings(shard_count=4, shard_ids=(2,)), database)
    assert type(one) is CoalitionBot and (one.shard_id, one.shard_count) == (2, 4)

    several = create_bot(_settings(shard_count=4, shard_ids=(0, 1)), database)
    assert isinstance(several, ShardedCoalitionBot) and isinstance(several, commands.AutoShardedBot)
    assert several.shard_ids == [0, 1] and several.shard_count == 4


async def test_stop_waits_for_interaction_handlers_under_way(
    database: Database,
) -> None:
    bot = CoalitionBot(settings=_settings(), db=database)
    finished: list[str] = []

    async def handler() -> None:
        await asyncio.sleep(0.3)
        finished.append("handler")

    task = asyncio.create_task(handler(), name="CommandTree-invoker")
    await bot._wait_for_interactions(grace=5)
    assert task.done() and finished == ["handler"]


async def test_stop_gives_up_on_handlers_after_the_grace(
    database: Database,
) -> None:
    bot = CoalitionBot(settings=_settings(), db=database)
    stuck = asyncio.create_task(asyncio.sleep(30), name="discord-ui-view-dispatch-1")
    loop = asyncio.get_running_loop()
    started = loop.time()
    await bot._wait_for_interactions(grace=0.2)
    assert loop.time() - started < 2 and not stuck.done()
    stuck.cancel()


async def test_draining_bot_refuses_new_commands_politely(fake_bot: FakeBot) -> None:
    tree = CoalitionTree(discord.Client(intents=discord.Intents.none()))
    interaction = FakeInteraction(fake_bot, member())
    interaction.type = discord.InteractionType.application_command  # type: ignore[attr-defined]
    assert await tree.interaction_check(interaction)  # type: ignore[arg-type]
    fake_bot.draining = True  # type: ignore[attr-defined]
    assert not await tree.interaction_check(interaction)  # type: ignore[arg-type]
    assert interaction.last.ephemeral and interaction.last.content == RESTARTING
