"""The Events tab in step: one native event per occurrence in a rolling window, at most Discord's 100."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from sqlalchemy import delete

from cogs.events import Events
from db.events import get_event
from db.models import NativeEvent
from db.models.base import utcnow
from db.occurrences import event_occurrences
from tests.cogs.fakes import FakeBot, FakeInteraction, FakeScheduledEvent, moderator, run_command

MANAGE_EVENTS = discord.Permissions(manage_events=True)
BRUSSELS = ZoneInfo("Europe/Brussels")  # the default zone the moderator types in
TITLE = "Taskforce call"
OTHERS = 900000000000000555
_ids = itertools.count(800000000000000001)


async def weekly(cog: Events, bot: FakeBot, **options: Any) -> None:
    values = {
        "title": TITLE,
        "kind": app_commands.Choice(name="taskforce", value="taskforce"),
        "start": "in 2 days at 10:00",
        "repeat": "weekly",
        "location": "Online",
    } | options
    await run_command(cog.create, FakeInteraction(bot, moderator(), app_permissions=MANAGE_EVENTS), **values)


def listed(bot: FakeBot) -> list[datetime]:
    return sorted(e.start_time for e in bot.guild.scheduled_events if e.status == discord.EventStatus.scheduled)


async def occurring(bot: FakeBot, *, after: datetime, before: datetime) -> list[datetime]:
    async def read(session: Any) -> list[datetime]:
        event = await get_event(session, 1)
        return [o.start for o in event_occurrences(event, after=after, before=before)]

    return await bot.db.transaction(read)


def foreign(start: datetime) -> FakeScheduledEvent:
    return FakeScheduledEvent(
        next(_ids),
        "Someone else's event",
        start,
        start + timedelta(hours=1),
        discord.EntityType.external,
        discord.PrivacyLevel.guild_only,
        "Elsewhere",
        "",
        creator_id=OTHERS,
    )


async def test_window_rolls_forward_adding_new_occurrences_and_removing_past_ones(fake_bot: FakeBot) -> None:
    cog = Events(fake_bot)  # type: ignore[arg-type]
    now = utcnow()
    await weekly(cog, fake_bot)
    assert listed(fake_bot) == await occurring(fake_bot, after=now, before=now + timedelta(days=30))
    later = now + timedelta(days=20)
    cog.tab.clock = lambda: later
    await cog.tab.sync(fake_bot.guild)  # type: ignore[arg-type]
    await fake_bot.guild.fetch_scheduled_events()  # past ones deleted from the tab
    assert listed(fake_bot) == await occurring(
        fake_bot, after=later - timedelta(hours=1), before=later + timedelta(days=30)
    )
    assert min(listed(fake_bot)) > later - timedelta(hours=1)


async def test_never_more_than_discords_hundred_counting_other_events(fake_bot: FakeBot) -> None:
    cog = Events(fake_bot)  # type: ignore[arg-type]
    fake_bot.guild.scheduled_events += [foreign(utcnow() + timedelta(days=1)) for _ in range(98)]
    await weekly(cog, fake_bot, start="in 1 day at 10:00", repeat="FREQ=DAILY")
    ours = [e for e in fake_bot.guild.scheduled_events if e.name == TITLE]
    assert len(ours) == 2 and len(fake_bot.guild.scheduled_events) == 100


async def test_native_event_made_but_not_recorded_is_adopted_not_duplicated(fake_bot: FakeBot) -> None:
    cog = Events(fake_bot)  # type: ignore[arg-type]
    await weekly(cog, fake_bot, count=2)
    before = list(fake_bot.guild.scheduled_events)
    assert len(before) == 2

    async def forget_all(session: Any) -> None:
        await session.execute(delete(NativeEvent))

    await fake_bot.db.transaction(forget_all)
    await cog.tab.sync(fake_bot.guild)  # type: ignore[arg-type]
    assert fake_bot.guild.scheduled_events == before


async def test_skipping_an_occurrence_cancels_its_native_event_and_moving_one_moves_it(fake_bot: FakeBot) -> None:
    cog = Events(fake_bot)  # type: ignore[arg-type]
    await weekly(cog, fake_bot, count=3)
    first, second, third = listed(fake_bot)
    interaction = FakeInteraction(fake_bot, moderator(), app_permissions=MANAGE_EVENTS)
    await run_command(cog.edit, interaction, event="1", occurrence=f"{second:%Y-%m-%dT%H:%MZ}", skip=True)
    assert "is skipped" in interaction.reply.content
    new_start = (third + timedelta(days=2)).replace(second=0, microsecond=0)
    move = FakeInteraction(fake_bot, moderator(), app_permissions=MANAGE_EVENTS)
    await run_command(
        cog.edit,
        move,
        event="1",
        occurrence=f"{third:%Y-%m-%dT%H:%MZ}",
        start=f"{new_start.astimezone(BRUSSELS):%Y-%m-%d %H:%M}",
    )
    assert "now starts" in move.reply.content, move.reply.content
    assert listed(fake_bot) == [first, new_start]
    (cancelled,) = [e for e in fake_bot.guild.scheduled_events if e.status == discord.EventStatus.cancelled]
    assert cancelled.start_time == second
