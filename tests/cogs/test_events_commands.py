"""/event and /timezone callbacks with small strict fakes that record what a member would see."""

from __future__ import annotations

import dataclasses
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import discord
import pytest
from discord import app_commands
from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.scheduler import ReminderScheduler
from bot.settings import Settings
from bot.tree import report_error
from cogs._checks import NotModeratorError
from cogs.events import Events
from cogs.events._views import RsvpButton
from db.errors import DomainError
from db.models import Event, Reminder
from db.reader import Reader

MOD_ROLE = 555000000000000001
MODERATOR_ID, MEMBER_ID, OTHER_ID = 700000000000000001, 700000000000000002, 700000000000000003
ANNOUNCE_ID = 200000000000000001


class FakeMember(discord.Member):
    """A guild member with just what the checks read: id, roles and Manage Server."""

    def __init__(self, member_id: int, *, moderator: bool) -> None:
        self._fake_id = member_id
        self._fake_roles = [_role(MOD_ROLE, "Moderator")] if moderator else []

    @property  # type: ignore[override]
    def id(self) -> int:
        return self._fake_id

    @property
    def roles(self) -> list[discord.Role]:  # type: ignore[override]
        return self._fake_roles

    @property
    def guild_permissions(self) -> discord.Permissions:
        return discord.Permissions.none()

    @property
    def display_name(self) -> str:
        return f"member{self._fake_id}"


def _role(role_id: int, name: str) -> Any:
    @dataclass
    class Role:
        id: int
        name: str

    return Role(role_id, name)


@dataclass
class Sent:
    content: str | None = None
    embed: discord.Embed | None = None
    view: discord.ui.View | None = None
    ephemeral: bool = False
    file: discord.File | None = None
    allowed_mentions: discord.AllowedMentions | None = None
    id: int = 0
    edits: list[dict[str, Any]] = field(default_factory=list)

    async def edit(self, **changes: Any) -> None:
        self.edits.append(changes)

    def custom_ids(self) -> list[str]:
        return [item.custom_id for item in (self.view.children if self.view else [])]  # type: ignore[attr-defined]


class FakeResponse:
    def __init__(self, interaction: FakeInteraction) -> None:
        self.interaction = interaction
        self.done = False

    def is_done(self) -> bool:
        return self.done

    async def defer(self, *, ephemeral: bool = False, thinking: bool = False) -> None:
        assert not self.done, "answered twice"
        self.done = True

    async def send_message(self, content: str | None = None, **kwargs: Any) -> None:
        assert not self.done, "answered twice"
        self.done = True
        self.interaction.replies.append(Sent(content, **_message_fields(kwargs)))

    async def edit_message(self, **kwargs: Any) -> None:
        assert not self.done, "answered twice"
        self.done = True
        self.interaction.edited.append(kwargs)


class FakeFollowup:
    def __init__(self, interaction: FakeInteraction) -> None:
        self.interaction = interaction

    async def send(self, content: str | None = None, **kwargs: Any) -> None:
        self.interaction.replies.append(Sent(content, **_message_fields(kwargs)))


def _message_fields(kwargs: dict[str, Any]) -> dict[str, Any]:
    allowed = {"embed", "view", "ephemeral", "file", "allowed_mentions"}
    unknown = set(kwargs) - allowed
    assert not unknown, f"unexpected arguments {unknown}"
    if kwargs.get("view") is discord.utils.MISSING:
        kwargs["view"] = None
    return kwargs


class FakeChannel:
    def __init__(self, world: FakeDiscord, channel_id: int) -> None:
        self.world, self.id = world, channel_id

    async def send(self, content: str | None = None, **kwargs: Any) -> Sent:
        if self.id in self.world.forbidden_channels:
            raise discord.Forbidden(_response(403), "Missing Access")
        message = Sent(content, **_message_fields(kwargs), id=self.world.next_id())
        self.world.posts.setdefault(self.id, []).append(message)
        return message

    def get_partial_message(self, message_id: int) -> Sent:
        return next(m for m in self.world.posts.get(self.id, []) if m.id == message_id)


def _response(status: int) -> Any:
    @dataclass
    class Response:
        status: int
        reason: str = "error"

    return Response(status)


class FakeUser:
    def __init__(self, world: FakeDiscord, user_id: int) -> None:
        self.world, self.id = world, user_id

    async def send(self, content: str, **kwargs: Any) -> None:
        if self.id in self.world.closed_dms:
            raise discord.Forbidden(_response(403), "Cannot send messages to this user")
        self.world.dms.setdefault(self.id, []).append(content)


@dataclass
class FakeScheduledEvent:
    values: dict[str, Any]
    id: int = 990000000000000001
    status: discord.EventStatus = discord.EventStatus.scheduled

    async def edit(self, **values: Any) -> None:
        self.values |= values

    async def cancel(self, **_reason: Any) -> None:
        self.status = discord.EventStatus.cancelled


class FakeGuild:
    def __init__(self) -> None:
        self.id = 100000000000000001
        self.scheduled: dict[int, FakeScheduledEvent] = {}

    async def create_scheduled_event(self, **values: Any) -> FakeScheduledEvent:
        created = FakeScheduledEvent(values, id=990000000000000001 + len(self.scheduled))
        self.scheduled[created.id] = created
        return created

    async def fetch_scheduled_event(self, event_id: int) -> FakeScheduledEvent:
        return self.scheduled[event_id]


class FakeDiscord:
    """The bot as the cog sees it: settings, sessions, reader, reminder timer, channels and users."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], reader: Reader) -> None:
        self.settings = Settings(
            discord_token="test", moderator_role="Moderator", announce_channel_id=ANNOUNCE_ID, guild_id=1
        )
        self.sessions = sessions
        self.reader = reader
        self.posts: dict[int, list[Sent]] = {}
        self.dms: dict[int, list[str]] = {}
        self.closed_dms: set[int] = set()
        self.forbidden_channels: set[int] = set()
        self.guild = FakeGuild()
        self._ids = 800000000000000000

        async def ready() -> None:
            return None

        self.reminders = ReminderScheduler(sessions=sessions, sender=None, ready=ready, fallback_channel_id=None)  # type: ignore[arg-type]

    def next_id(self) -> int:
        self._ids += 1
        return self._ids

    def get_partial_messageable(self, channel_id: int) -> FakeChannel:
        return FakeChannel(self, channel_id)

    def get_user(self, user_id: int) -> FakeUser:
        return FakeUser(self, user_id)

    def announcement(self) -> Sent:
        (message,) = self.posts[ANNOUNCE_ID]
        return message

    def timer_jobs(self) -> list[str]:
        return sorted(job.id for job in self.reminders.scheduler.get_jobs())


class FakeInteraction:
    def __init__(self, bot: FakeDiscord, user: FakeMember, *, manage_events: bool = False) -> None:
        self.client = bot
        self.user = user
        self.guild_id = bot.guild.id
        self.guild = bot.guild
        self.app_permissions = discord.Permissions(manage_events=manage_events)
        self.response = FakeResponse(self)
        self.followup = FakeFollowup(self)
        self.replies: list[Sent] = []
        self.edited: list[dict[str, Any]] = []
        self.message: Any = None
        self.data: dict[str, Any] = {}
        self.id = 1

    def reply(self) -> Sent:
        (only,) = self.replies
        return only


@pytest.fixture
def bot(sessions: async_sessionmaker[AsyncSession], reader: Reader) -> FakeDiscord:
    return FakeDiscord(sessions, reader)


@pytest.fixture
def cog(bot: FakeDiscord) -> Events:
    return Events(bot)  # type: ignore[arg-type]


def moderator(bot: FakeDiscord, **kwargs: Any) -> Any:
    return FakeInteraction(bot, FakeMember(MODERATOR_ID, moderator=True), **kwargs)


def member(bot: FakeDiscord, member_id: int = MEMBER_ID) -> Any:
    return FakeInteraction(bot, FakeMember(member_id, moderator=False))


def kind(value: str) -> app_commands.Choice[str]:
    return app_commands.Choice(name=value, value=value)


async def create(cog: Events, interaction: Any, **options: Any) -> None:
    values = {"title": "Webinar on role models", "kind": kind("webinar"), "start": "in 5 hours"} | options
    await call(Events.create, cog, interaction, **values)


async def call(command: Any, cog: Events, interaction: Any, **options: Any) -> None:
    await command.callback(cog, interaction, **options)


async def stored(bot: FakeDiscord) -> list[Event]:
    async with bot.sessions.begin() as session:
        return list((await session.scalars(select(Event).order_by(Event.id))).all())


async def run_checks(command: Any, interaction: Any) -> None:
    for check in command.checks:
        await check(interaction)


@pytest.mark.parametrize("command", [Events.create, Events.edit, Events.cancel])
async def test_moderator_commands_refuse_plain_member_politely(bot: FakeDiscord, command: Any) -> None:
    interaction = member(bot)
    with pytest.raises(NotModeratorError) as raised:
        await run_checks(command, interaction)
    await report_error(interaction, raised.value)
    assert interaction.reply().content == "Sorry, only moderators can do that."
    assert interaction.reply().ephemeral
    await run_checks(command, moderator(bot))  # and lets a moderator through


async def test_create_announces_with_rsvp_buttons_plans_reminders_and_echoes_time(
    cog: Events, bot: FakeDiscord
) -> None:
    interaction = moderator(bot)
    await create(cog, interaction, ping_role=None)
    (event,) = await stored(bot)
    reply = interaction.reply()
    assert reply.ephemeral and f"<t:{int(event.starts_at.timestamp())}:F>" in (reply.content or "")
    local = event.starts_at.astimezone(ZoneInfo("Europe/Brussels"))
    assert f"read as {local:%A %-d %B %Y %H:%M %Z} in Europe/Brussels" in (reply.content or "")
    assert "Manage Events" in (reply.content or "")  # not mirrored, and says so
    announcement = bot.announcement()
    assert announcement.embed is not None and "Webinar on role models" in (announcement.embed.title or "")
    assert announcement.custom_ids() == [
        f"event:rsvp:going:{event.id}",
        f"event:rsvp:maybe:{event.id}",
        f"event:rsvp:not_going:{event.id}",
        f"event:ics:{event.id}",
    ]
    assert event.announcement_message_id == announcement.id
    assert len(bot.timer_jobs()) == 2  # 1h and 10m before a webinar; 1d was already past


async def test_create_mirrors_to_scheduled_events_when_allowed(cog: Events, bot: FakeDiscord) -> None:
    interaction = moderator(bot, manage_events=True)
    await create(cog, interaction, location="Online", duration="90m")
    (event,) = await stored(bot)
    (mirrored,) = bot.guild.scheduled.values()
    assert mirrored.values["entity_type"] == discord.EntityType.external
    assert mirrored.values["location"] == "Online"
    assert mirrored.values["end_time"] - mirrored.values["start_time"] == timedelta(minutes=90)
    assert event.discord_event_id == mirrored.id
    assert "Events tab" in (interaction.reply().content or "")


async def test_create_bad_input_changes_nothing_and_explains(cog: Events, bot: FakeDiscord) -> None:
    interaction = moderator(bot)
    with pytest.raises(DomainError) as raised:
        await create(cog, interaction, reminders="5x")
    await report_error(interaction, raised.value)
    assert "“5x” is not a reminder offset" in (interaction.reply().content or "")
    assert interaction.reply().ephemeral
    assert await stored(bot) == [] and bot.posts == {} and bot.timer_jobs() == []


async def test_create_in_channel_without_access_still_saves_and_says_so(cog: Events, bot: FakeDiscord) -> None:
    bot.forbidden_channels.add(ANNOUNCE_ID)
    interaction = moderator(bot)
    await create(cog, interaction)
    assert len(await stored(bot)) == 1
    assert "can't post in" in (interaction.reply().content or "")


async def test_edit_reschedules_without_duplicates_and_updates_announcement(cog: Events, bot: FakeDiscord) -> None:
    await create(cog, moderator(bot))
    (event,) = await stored(bot)
    before = bot.timer_jobs()
    interaction = moderator(bot)
    await call(Events.edit, cog, interaction, event=str(event.id), start="in 4 hours")
    after = bot.timer_jobs()
    assert len(after) == 2 and set(after).isdisjoint(before)
    async with bot.sessions.begin() as session:
        pending = (await session.scalars(select(Reminder).where(Reminder.status == "pending"))).all()
    assert sorted(f"reminder:{r.id}" for r in pending) == after
    assert "Updated" in (interaction.reply().content or "") and "(start)" in (interaction.reply().content or "")
    assert len(bot.announcement().edits) == 1


async def test_edit_cancelled_event_is_refused(cog: Events, bot: FakeDiscord) -> None:
    await create(cog, moderator(bot))
    (event,) = await stored(bot)
    await call(Events.cancel, cog, moderator(bot), event=str(event.id), reason=None)
    with pytest.raises(DomainError, match="cancelled events can't be edited"):
        await call(Events.edit, cog, moderator(bot), event=str(event.id), title="New title")


async def test_cancel_tells_going_and_maybe_by_dm_and_marks_announcement(cog: Events, bot: FakeDiscord) -> None:
    await create(cog, moderator(bot))
    (event,) = await stored(bot)
    for member_id, choice in ((MEMBER_ID, "going"), (OTHER_ID, "maybe"), (OTHER_ID + 1, "not_going")):
        click = member(bot, member_id)
        click.message = bot.announcement()
        await RsvpButton(choice, event.id).handle(click)
    bot.closed_dms.add(OTHER_ID)
    interaction = moderator(bot)
    await call(Events.cancel, cog, interaction, event=str(event.id), reason="Speaker ill @everyone")
    assert list(bot.dms) == [MEMBER_ID]
    assert "has been cancelled" in bot.dms[MEMBER_ID][0] and "@\u200beveryone" in bot.dms[MEMBER_ID][0]
    assert "Told 1 member(s) by DM; 1 have DMs closed." in (interaction.reply().content or "")
    last_edit = bot.announcement().edits[-1]
    assert last_edit["embed"].title.startswith("CANCELLED") and last_edit["view"] is None
    assert bot.timer_jobs() == []


async def test_rsvp_button_updates_counts_on_announcement_and_confirms_privately(cog: Events, bot: FakeDiscord) -> None:
    await create(cog, moderator(bot))
    (event,) = await stored(bot)
    click = member(bot)
    click.message = bot.announcement()
    await RsvpButton("going", event.id).handle(click)
    (edited,) = click.edited
    labels = [item.item.label for item in edited["view"].children]
    assert labels[0] == "Going · 1" and labels[1] == "Maybe · 0"
    assert click.reply().ephemeral and "You're going" in (click.reply().content or "")


async def test_rsvp_on_cancelled_event_explains(cog: Events, bot: FakeDiscord) -> None:
    await create(cog, moderator(bot))
    (event,) = await stored(bot)
    await call(Events.cancel, cog, moderator(bot), event=str(event.id), reason=None)
    click = member(bot)
    await RsvpButton("going", event.id).callback(click)  # errors are reported, not raised
    assert "was cancelled" in (click.reply().content or "") and click.reply().ephemeral


async def test_show_gives_moderators_reminder_status_and_members_their_answer(cog: Events, bot: FakeDiscord) -> None:
    await create(cog, moderator(bot))
    (event,) = await stored(bot)
    as_member, as_moderator = member(bot), moderator(bot)
    await call(Events.show, cog, as_member, event=str(event.id))
    await call(Events.show, cog, as_moderator, event=str(event.id))
    member_fields = {f.name: f.value for f in as_member.reply().embed.fields}  # type: ignore[union-attr]
    moderator_fields = {f.name: f.value for f in as_moderator.reply().embed.fields}  # type: ignore[union-attr]
    assert "Reminders (moderators)" not in member_fields and member_fields["You"].startswith("No answer yet")
    assert "⏳ planned" in moderator_fields["Reminders (moderators)"]
    assert as_member.reply().ephemeral


async def test_show_unknown_event_explains(cog: Events, bot: FakeDiscord) -> None:
    with pytest.raises(DomainError, match="Pick one from the list"):
        await call(Events.show, cog, member(bot), event="Nothing like this")


async def test_list_shows_upcoming_with_timestamps(cog: Events, bot: FakeDiscord) -> None:
    await create(cog, moderator(bot), location="Brussels, Rue de la Loi 1")
    interaction = member(bot)
    await call(Events.list_events, cog, interaction, kind=None)
    embed = interaction.reply().embed
    assert embed is not None and "Upcoming events (1)" in (embed.title or "")
    assert "<t:" in (embed.fields[0].value or "") and "Rue de la Loi" in (embed.fields[0].value or "")


async def test_remind_opts_in_and_out(cog: Events, bot: FakeDiscord) -> None:
    await create(cog, moderator(bot))
    (event,) = await stored(bot)
    on, off = member(bot), member(bot)
    await call(Events.remind, cog, on, event=str(event.id), on=True)
    await call(Events.remind, cog, off, event=str(event.id), on=False)
    assert "You'll get the reminders" in (on.reply().content or "")
    assert "won't get DM reminders" in (off.reply().content or "")


async def test_ics_and_calendar_attach_readable_files(cog: Events, bot: FakeDiscord) -> None:
    await create(cog, moderator(bot), repeat="weekly")
    (event,) = await stored(bot)
    single, everything = member(bot), member(bot)
    await call(Events.ics, cog, single, event=str(event.id))
    await call(Events.calendar, cog, everything)
    for interaction in (single, everything):
        sent = interaction.reply()
        assert sent.ephemeral and sent.file is not None
        data = sent.file.fp.read() if isinstance(sent.file.fp, io.BytesIO) else b""
        (component,) = Calendar.from_ical(data).walk("VEVENT")
        assert component.decoded("DTSTART") == event.starts_at.astimezone(UTC)
        assert "RRULE" in component


async def test_timezone_set_and_show(cog: Events, bot: FakeDiscord) -> None:
    set_zone, show = member(bot), member(bot)
    await call(Events.timezone_set, cog, set_zone, zone="europe/lisbon")
    await call(Events.timezone_show, cog, show)
    assert "Europe/Lisbon" in (set_zone.reply().content or "")
    assert "**Europe/Lisbon** (you set it" in (show.reply().content or "")
    with pytest.raises(DomainError, match="not a time zone"):
        await call(Events.timezone_set, cog, member(bot), zone="Atlantis/Capital")


async def test_create_reads_start_in_creator_zone(cog: Events, bot: FakeDiscord) -> None:
    await call(Events.timezone_set, cog, moderator(bot), zone="Europe/Kyiv")
    await create(cog, moderator(bot), start="2027-05-04 14:00")
    (event,) = await stored(bot)
    assert event.timezone == "Europe/Kyiv"
    assert event.starts_at == datetime(2027, 5, 4, 11, 0, tzinfo=UTC)


async def test_calendar_links_the_feed_only_when_the_web_views_are_on(cog: Events, bot: FakeDiscord) -> None:
    await create(cog, moderator(bot))
    without_web = member(bot)
    await call(Events.calendar, cog, without_web)
    assert "calendar.ics" not in (without_web.reply().content or "")
    bot.settings = dataclasses.replace(bot.settings, web_port=8080, public_base_url="https://bot.example.org")
    with_web = member(bot)
    await call(Events.calendar, cog, with_web)
    assert "subscribe in your calendar app to <https://bot.example.org/calendar.ics>" in (
        with_web.reply().content or ""
    )
    assert with_web.reply().file is not None
