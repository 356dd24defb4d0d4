"""/event and /timezone commands and the RSVP buttons with the shared strict fakes over a real database."""

from __future__ import annotations

import dataclasses
import io
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import discord
import pytest
from discord import app_commands
from icalendar import Calendar
from sqlalchemy import select

from cogs.events import Events
from cogs.events._views import RsvpButton
from db.models import Event, NativeEvent, Reminder
from tests.cogs.fakes import FakeBot, FakeInteraction, FakeMessage, member, moderator, run_command

MEMBER_ID, OTHER_ID = member().id, 900000000000000003
MANAGE_EVENTS = discord.Permissions(manage_events=True)


@pytest.fixture
def cog(fake_bot: FakeBot) -> Events:
    return Events(fake_bot)  # type: ignore[arg-type]


def kind(value: str) -> app_commands.Choice[str]:
    return app_commands.Choice(name=value, value=value)


async def create(cog: Events, interaction: FakeInteraction, **options: Any) -> None:
    """Create a webinar five hours from now, with whatever the test changes."""
    values = {"title": "Webinar on role models", "kind": kind("webinar"), "start": "in 5 hours"} | options
    await run_command(cog.create, interaction, **values)


async def stored(bot: FakeBot) -> list[Event]:
    return await bot.db.read(lambda session: list(session.scalars(select(Event).order_by(Event.id)).all()))


def announcement(bot: FakeBot) -> FakeMessage:
    assert bot.settings.announce_channel_id is not None
    (message,) = bot.get_partial_messageable(bot.settings.announce_channel_id).messages
    return message


def timer_jobs(bot: FakeBot) -> list[str]:
    return sorted(job.id for job in bot.reminders.scheduler.get_jobs())


@pytest.mark.parametrize("name", ["create", "edit", "cancel"])
async def test_moderator_commands_refuse_plain_member_politely(cog: Events, fake_bot: FakeBot, name: str) -> None:
    command = getattr(cog, name)
    interaction = FakeInteraction(fake_bot, member())
    await run_command(command, interaction)
    assert interaction.reply.content == "Sorry, only moderators can do that."
    assert interaction.reply.ephemeral
    assert await command._check_can_run(FakeInteraction(fake_bot, moderator()))  # and lets a moderator through


async def test_create_announces_with_rsvp_buttons_plans_reminders_and_echoes_time(
    cog: Events, fake_bot: FakeBot
) -> None:
    interaction = FakeInteraction(fake_bot, moderator())
    await create(cog, interaction, ping_role=None)
    (event,) = await stored(fake_bot)
    reply = interaction.reply
    assert reply.ephemeral and f"<t:{int(event.starts_at.timestamp())}:F>" in reply.content
    local = event.starts_at.astimezone(ZoneInfo("Europe/Brussels"))
    assert f"read as {local:%A %-d %B %Y %H:%M %Z} in Europe/Brussels" in reply.content
    assert "Manage Events" in reply.content  # not mirrored, and says so
    posted = announcement(fake_bot)
    assert posted.sent.embed is not None and "Webinar on role models" in (posted.sent.embed.title or "")
    assert posted.sent.custom_ids == [
        f"event:rsvp:going:{event.id}",
        f"event:rsvp:maybe:{event.id}",
        f"event:rsvp:not_going:{event.id}",
        f"event:ics:{event.id}",
    ]
    assert event.announcement_message_id == posted.id
    assert len(timer_jobs(fake_bot)) == 2  # 1h and 10m before a webinar; 1d was already past


async def test_create_echoes_the_end_and_says_when_it_rolls_to_the_next_day(cog: Events, fake_bot: FakeBot) -> None:
    interaction = FakeInteraction(fake_bot, moderator())
    await create(cog, interaction, start="2027-03-04 15:00", end="14:00")
    (event,) = await stored(fake_bot)
    assert event.ends_at - event.starts_at == timedelta(hours=23)
    assert f"🏁 Ends <t:{int(event.ends_at.timestamp())}:F>." in interaction.reply.content
    assert "⚠️ The end 14:00 is not after the start, so it is read as the next day, Friday." in interaction.reply.content


async def test_create_mirrors_to_scheduled_events_when_allowed(cog: Events, fake_bot: FakeBot) -> None:
    interaction = FakeInteraction(fake_bot, moderator(), app_permissions=MANAGE_EVENTS)
    await create(cog, interaction, location="Online", duration="90m")
    (event,) = await stored(fake_bot)
    (mirrored,) = fake_bot.guild.scheduled_events
    assert mirrored.entity_type == discord.EntityType.external
    assert mirrored.location == "Online"
    assert mirrored.end_time - mirrored.start_time == timedelta(minutes=90)
    listed = await fake_bot.db.read(lambda session: session.scalars(select(NativeEvent)).all())
    assert [(row.event_id, row.discord_event_id) for row in listed] == [(event.id, mirrored.id)]
    assert "Events tab" in interaction.reply.content


async def test_create_bad_input_changes_nothing_and_explains(cog: Events, fake_bot: FakeBot) -> None:
    interaction = FakeInteraction(fake_bot, moderator())
    await create(cog, interaction, reminders="5x")
    assert "“5x” is not a reminder offset" in interaction.reply.content
    assert interaction.reply.ephemeral
    assert await stored(fake_bot) == [] and timer_jobs(fake_bot) == []
    assert [message for channel in fake_bot.channels.values() for message in channel.messages] == []


async def test_create_in_channel_without_access_still_saves_and_says_so(cog: Events, fake_bot: FakeBot) -> None:
    assert fake_bot.settings.announce_channel_id is not None
    fake_bot.get_partial_messageable(fake_bot.settings.announce_channel_id).forbidden = True
    interaction = FakeInteraction(fake_bot, moderator())
    await create(cog, interaction)
    assert len(await stored(fake_bot)) == 1
    assert "can't post in" in interaction.reply.content


async def test_edit_reschedules_without_duplicates_and_updates_announcement(cog: Events, fake_bot: FakeBot) -> None:
    await create(cog, FakeInteraction(fake_bot, moderator()))
    (event,) = await stored(fake_bot)
    before = timer_jobs(fake_bot)
    interaction = FakeInteraction(fake_bot, moderator())
    await run_command(cog.edit, interaction, event=str(event.id), start="in 4 hours")
    after = timer_jobs(fake_bot)
    assert len(after) == 2 and set(after).isdisjoint(before)
    pending = await fake_bot.db.read(
        lambda session: session.scalars(select(Reminder).where(Reminder.status == "pending")).all()
    )
    assert sorted(f"reminder:{r.id}" for r in pending) == after
    assert "Updated" in interaction.reply.content and "(start)" in interaction.reply.content
    assert len(announcement(fake_bot).edits) == 1


async def test_edit_cancelled_event_is_refused(cog: Events, fake_bot: FakeBot) -> None:
    await create(cog, FakeInteraction(fake_bot, moderator()))
    (event,) = await stored(fake_bot)
    await run_command(cog.cancel, FakeInteraction(fake_bot, moderator()), event=str(event.id), reason=None)
    interaction = FakeInteraction(fake_bot, moderator())
    await run_command(cog.edit, interaction, event=str(event.id), title="New title")
    assert "cancelled events can't be edited" in interaction.reply.content and interaction.reply.ephemeral


async def test_cancel_tells_going_and_maybe_by_dm_and_marks_announcement(cog: Events, fake_bot: FakeBot) -> None:
    await create(cog, FakeInteraction(fake_bot, moderator()))
    (event,) = await stored(fake_bot)
    going, maybe, not_going = member(MEMBER_ID), member(OTHER_ID), member(OTHER_ID + 1)
    for voter, choice in ((going, "going"), (maybe, "maybe"), (not_going, "not_going")):
        click = FakeInteraction(fake_bot, voter, message=announcement(fake_bot))
        await RsvpButton(choice, event.id).handle(click)  # type: ignore[arg-type]
    maybe.dms_closed = True
    interaction = FakeInteraction(fake_bot, moderator())
    await run_command(cog.cancel, interaction, event=str(event.id), reason="Speaker ill @everyone")
    assert [user.id for user in fake_bot.users.values() if user.dms] == [MEMBER_ID]
    (dm,) = going.dms
    assert "has been cancelled" in dm.content and "@\u200beveryone" in dm.content
    assert "Told 1 member by DM. 1 member has DMs closed." in interaction.reply.content
    last_edit = announcement(fake_bot).edits[-1]
    assert last_edit.embed is not None and (last_edit.embed.title or "").startswith("CANCELLED")
    assert last_edit.view is None
    assert timer_jobs(fake_bot) == []


async def test_rsvp_button_updates_counts_on_announcement_and_confirms_privately(
    cog: Events, fake_bot: FakeBot
) -> None:
    await create(cog, FakeInteraction(fake_bot, moderator()))
    (event,) = await stored(fake_bot)
    click = FakeInteraction(fake_bot, member(), message=announcement(fake_bot))
    await RsvpButton("going", event.id).handle(click)  # type: ignore[arg-type]
    edited, confirmation = click.sent
    assert edited.kind == "edit_message" and confirmation.kind == "followup"
    assert edited.labels[0] == "Going · 1" and edited.labels[1] == "Maybe · 0"
    assert confirmation.ephemeral and "You're going" in confirmation.content


async def test_rsvp_on_cancelled_event_explains(cog: Events, fake_bot: FakeBot) -> None:
    await create(cog, FakeInteraction(fake_bot, moderator()))
    (event,) = await stored(fake_bot)
    await run_command(cog.cancel, FakeInteraction(fake_bot, moderator()), event=str(event.id), reason=None)
    click = FakeInteraction(fake_bot, member())
    await RsvpButton("going", event.id).callback(click)  # type: ignore[arg-type]  # errors are reported, not raised
    assert "was cancelled" in click.reply.content and click.reply.ephemeral


async def test_show_gives_moderators_reminder_status_and_members_their_answer(cog: Events, fake_bot: FakeBot) -> None:
    await create(cog, FakeInteraction(fake_bot, moderator()))
    (event,) = await stored(fake_bot)
    as_member, as_moderator = FakeInteraction(fake_bot, member()), FakeInteraction(fake_bot, moderator())
    await run_command(cog.show, as_member, event=str(event.id))
    await run_command(cog.show, as_moderator, event=str(event.id))
    member_fields = {f.name: f.value or "" for f in as_member.reply.embed.fields}  # type: ignore[union-attr]
    moderator_fields = {f.name: f.value or "" for f in as_moderator.reply.embed.fields}  # type: ignore[union-attr]
    assert "Reminders (moderators)" not in member_fields and member_fields["You"].startswith("No answer yet")
    assert "⏳ planned" in moderator_fields["Reminders (moderators)"]
    assert as_member.reply.ephemeral


async def test_show_unknown_event_explains(cog: Events, fake_bot: FakeBot) -> None:
    interaction = FakeInteraction(fake_bot, member())
    await run_command(cog.show, interaction, event="Nothing like this")
    assert "Pick one from the list" in interaction.reply.content and interaction.reply.ephemeral


async def test_list_shows_upcoming_with_timestamps(cog: Events, fake_bot: FakeBot) -> None:
    await create(cog, FakeInteraction(fake_bot, moderator()), location="Brussels, Rue de la Loi 1")
    interaction = FakeInteraction(fake_bot, member())
    await run_command(cog.list_events, interaction, kind=None)
    embed = interaction.reply.embed
    assert embed is not None and "Upcoming events (1)" in (embed.title or "")
    assert "<t:" in (embed.fields[0].value or "") and "Rue de la Loi" in (embed.fields[0].value or "")


async def test_remind_opts_in_and_out(cog: Events, fake_bot: FakeBot) -> None:
    await create(cog, FakeInteraction(fake_bot, moderator()))
    (event,) = await stored(fake_bot)
    on, off = FakeInteraction(fake_bot, member()), FakeInteraction(fake_bot, member())
    await run_command(cog.remind, on, event=str(event.id), on=True)
    await run_command(cog.remind, off, event=str(event.id), on=False)
    assert "You'll get the reminders" in on.reply.content
    assert "won't get DM reminders" in off.reply.content


async def test_ics_and_calendar_attach_readable_files(cog: Events, fake_bot: FakeBot) -> None:
    await create(cog, FakeInteraction(fake_bot, moderator()), repeat="weekly")
    (event,) = await stored(fake_bot)
    single, everything = FakeInteraction(fake_bot, member()), FakeInteraction(fake_bot, member())
    await run_command(cog.ics, single, event=str(event.id))
    await run_command(cog.calendar, everything)
    for interaction in (single, everything):
        sent = interaction.reply
        assert sent.ephemeral and sent.file is not None
        data = sent.file.fp.read() if isinstance(sent.file.fp, io.BytesIO) else b""
        (component,) = Calendar.from_ical(data).walk("VEVENT")
        assert component.decoded("DTSTART") == event.starts_at.astimezone(UTC)
        assert "RRULE" in component


async def test_timezone_set_and_show(cog: Events, fake_bot: FakeBot) -> None:
    set_zone, show = FakeInteraction(fake_bot, member()), FakeInteraction(fake_bot, member())
    await run_command(cog.timezone_set, set_zone, zone="europe/lisbon")
    await run_command(cog.timezone_show, show)
    assert "Europe/Lisbon" in set_zone.reply.content
    assert "**Europe/Lisbon** (you set it" in show.reply.content
    unknown = FakeInteraction(fake_bot, member())
    await run_command(cog.timezone_set, unknown, zone="Atlantis/Capital")
    assert "not a time zone" in unknown.reply.content and unknown.reply.ephemeral


async def test_timezone_set_reads_a_city_and_suggests_on_a_typo(cog: Events, fake_bot: FakeBot) -> None:
    by_city, show = FakeInteraction(fake_bot, member()), FakeInteraction(fake_bot, member())
    await run_command(cog.timezone_set, by_city, zone="helsinki")
    await run_command(cog.timezone_show, show)
    assert "**Europe/Helsinki** (you set it" in show.reply.content
    typo = FakeInteraction(fake_bot, member())
    await run_command(cog.timezone_set, typo, zone="Helsinkii")
    assert "Did you mean Europe/Helsinki?" in typo.reply.content and typo.reply.ephemeral


async def test_create_reads_start_in_creator_zone(cog: Events, fake_bot: FakeBot) -> None:
    await run_command(cog.timezone_set, FakeInteraction(fake_bot, moderator()), zone="Europe/Kyiv")
    await create(cog, FakeInteraction(fake_bot, moderator()), start="2027-05-04 14:00")
    (event,) = await stored(fake_bot)
    assert event.timezone == "Europe/Kyiv"
    assert event.starts_at == datetime(2027, 5, 4, 11, 0, tzinfo=UTC)


async def test_calendar_links_the_feed_only_when_the_web_views_are_on(cog: Events, fake_bot: FakeBot) -> None:
    await create(cog, FakeInteraction(fake_bot, moderator()))
    without_web = FakeInteraction(fake_bot, member())
    await run_command(cog.calendar, without_web)
    assert "calendar.ics" not in without_web.reply.content
    fake_bot.settings = dataclasses.replace(fake_bot.settings, web_port=8080, public_base_url="https://bot.example.org")
    with_web = FakeInteraction(fake_bot, member())
    await run_command(cog.calendar, with_web)
    assert "subscribe in your calendar app to <https://bot.example.org/calendar.ics>" in with_web.reply.content
    assert with_web.reply.file is not None
