"""Events: /event-admin create, edit, cancel, attendees; /event list, show, remind, ics, calendar, feed; /timezone."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot.calendar import CALENDAR_LIMIT
from bot.i18n import for_member, member_locale, plural_for_member
from bot.interest import ScheduledEventInterest
from cogs._checks import member_is_moderator, moderator_only
from cogs._choices import choices
from cogs._pagination import Paginator
from cogs._text import inert
from cogs.events._attendees import attendee_lines, display_names, send_attendees
from cogs.events._embeds import (
    event_details_card,
    event_list_pages,
    saved_reply,
)
from cogs.events._inputs import event_input
from cogs.events._mirror import EventsTab
from cogs.events._missed import MissedReporter
from cogs.events._notices import NoticeSender, NoticeTally, set_notices, told_reply
from cogs.events._occurrences import SCOPE_CHOICES, occurrence_reply
from cogs.events._publish import Publisher
from cogs.events._reminders import DiscordReminderSender
from cogs.events._views import CalendarButton, RsvpButton, calendar_file, event_view
from cogs.knowledge import Choices
from db.events import (
    KINDS,
    create_event,
    describe_reminders,
    find_event,
    list_upcoming_events,
)
from db.events import autocomplete_events as event_choices
from db.member_feeds import open_member_feed, revoke_member_feed
from db.members import member_timezone, remember_locale, set_member_timezone
from db.models.base import utcnow
from db.named_events import cancel_named_event, edit_named_event, named_event_overview, set_named_reminder_opt_in
from db.native_events import follow_interest
from db.platforms import autocomplete_platforms
from db.series import edit_occurrence, occurrence_choices
from rules.errors import InvalidInputError
from rules.timeparse import suggest_zones, zone_named

if TYPE_CHECKING:
    from bot.client import CoalitionBot

log = logging.getLogger(__name__)

KIND_CHOICES = [app_commands.Choice(name=label, value=kind) for kind, label in KINDS.items()]
REPEAT_SUGGESTIONS = [
    ("No repeat", "none"),
    ("Every week", "weekly"),
    ("Every month", "monthly"),
    ("Every 2 weeks (RRULE)", "FREQ=WEEKLY;INTERVAL=2"),
    ("First Tuesday of each month (RRULE)", "FREQ=MONTHLY;BYDAY=1TU"),
]


class Events(commands.Cog):
    event = app_commands.Group(
        name="event", description="Coalition meetings: announcements, RSVPs, reminders", guild_only=True
    )
    # Moderators' commands sit in their own top-level group: Discord hides a command from members by its
    # default permission only at the top level, so a subcommand of /event would stay listed for everyone.
    event_admin = app_commands.Group(
        name="event-admin",
        description="Organise coalition meetings: create, edit, cancel, attendees (moderators)",
        guild_only=True,
        default_permissions=discord.Permissions(manage_events=True),
    )
    zone = app_commands.Group(name="timezone", description="Your own time zone, used to read the times you type")

    def __init__(self, bot: CoalitionBot) -> None:
        self.bot = bot
        self.tab = EventsTab(bot)
        self.publisher = Publisher(bot, self.tab)
        self.notices = NoticeSender(bot, bot.db)
        self.recovery: asyncio.Task[NoticeTally] | None = None

    async def cog_load(self) -> None:
        self.recovery = asyncio.create_task(self.send_notices_left_pending())

    async def cog_unload(self) -> None:
        if self.recovery is not None:
            self.recovery.cancel()

    async def send_notices_left_pending(self) -> NoticeTally:
        """Send the notices a stopped bot left unsent; one it had claimed is never sent again (at most once)."""
        await self.bot.wait_until_ready()
        tally = await self.notices.send_pending()
        if tally.told or tally.unreachable:
            log.info("Sent %d notice(s) left pending before a restart (%d unreachable)", tally.told, tally.unreachable)
        return tally

    # --- autocomplete -------------------------------------------------------------------------------------

    async def zones(self, _interaction: discord.Interaction, current: str) -> Choices:
        return choices([(zone.replace("_", " "), zone) for zone in suggest_zones(current)])

    async def platforms(self, _interaction: discord.Interaction, current: str) -> Choices:
        return choices(await self.bot.db.read(autocomplete_platforms, current))

    async def repeats(self, _interaction: discord.Interaction, current: str) -> Choices:
        typed = [(f"Custom: {current}", current)] if current and "=" in current else []
        wanted = current.casefold()
        return choices(typed + [(label, value) for label, value in REPEAT_SUGGESTIONS if wanted in label.casefold()])

    async def open_events(self, _interaction: discord.Interaction, current: str) -> Choices:
        return choices(await self.bot.db.transaction(event_choices, current, now=utcnow(), scheduled_only=True))

    async def next_occurrences(self, interaction: discord.Interaction, current: str) -> Choices:
        key = str(getattr(interaction.namespace, "event", "") or "")
        return choices(await self.bot.db.transaction(occurrence_choices, key=key, current=current, now=utcnow()))

    async def any_events(self, _interaction: discord.Interaction, current: str) -> Choices:
        return choices(await self.bot.db.transaction(event_choices, current, now=utcnow(), scheduled_only=False))

    # --- moderators: create, edit, cancel -------------------------------------------------------------------

    @event_admin.command(name="create")
    @moderator_only("manage_events")
    @app_commands.describe(
        title="What it is called, e.g. General Assembly Oslo 2027",
        kind="What sort of meeting",
        start="When: 2027-03-04 14:00, next Tuesday 15:00, in 3 days at 10:00",
        timezone="Zone the start is written in (default: yours from /timezone set, else the server's)",
        duration="How long, e.g. 90m, 2h, 2d (General Assembly default: until 18:00 on day two; others 1h)",
        end="Or when it ends, e.g. 16:30 or 2027-03-05 17:00",
        location="Where: a place, or Online",
        host="The platform hosting it",
        url="A link: registration, video call or agenda",
        description="What it is about",
        repeat="none, weekly, monthly, or an RRULE such as FREQ=WEEKLY;BYDAY=TU;COUNT=10",
        reminders="Before the start, e.g. 30d,7d,1d or 1h,10m (none for no reminders)",
        channel="Where to announce it and post its reminders (default: the announcements channel)",
        ping_role="A role to ping in the channel reminders",
        ends="A series: the last day it may occur, e.g. 2027-06-30",
        count="A series: how many times it takes place",
        capacity="How many can go, e.g. 40; the rest wait in line and move up when someone cancels",
        rsvp_cutoff="When answers close: how long before the start (2d) or a time (default: at the start)",
        rsvp_role="Only members with this role can answer (e.g. GA delegates)",
    )
    @app_commands.choices(kind=KIND_CHOICES)
    @app_commands.autocomplete(timezone=zones, host=platforms, repeat=repeats)
    async def create(
        self,
        interaction: discord.Interaction,
        title: str,
        kind: app_commands.Choice[str],
        start: str,
        timezone: str | None = None,
        duration: str | None = None,
        end: str | None = None,
        location: str | None = None,
        host: str | None = None,
        url: str | None = None,
        description: str | None = None,
        repeat: str | None = None,
        reminders: str | None = None,
        channel: discord.TextChannel | None = None,
        ping_role: discord.Role | None = None,
        capacity: str | None = None,
        rsvp_cutoff: str | None = None,
        rsvp_role: discord.Role | None = None,
        ends: str | None = None,
        count: int | None = None,
    ) -> None:
        """Create an event: announce it with RSVP buttons and plan its reminders (moderators only)."""
        fields = event_input(
            kind=kind,
            channel=channel,
            ping_role=ping_role,
            count=count,
            ends_on=ends,
            title=title,
            start=start,
            timezone=timezone,
            duration=duration,
            end=end,
            location=location,
            host=host,
            url=url,
            description=description,
            repeat=repeat,
            reminders=reminders,
            capacity=capacity,
            rsvp_cutoff=rsvp_cutoff,
            rsvp_role=rsvp_role,
        )
        await interaction.response.defer(ephemeral=True, thinking=True)
        saved = await self.bot.db.transaction(
            create_event,
            guild_id=interaction.guild_id,
            author_id=interaction.user.id,
            fields=fields,
            default_zone=self.bot.settings.default_timezone,
            now=utcnow(),
        )
        notes = await self.publisher.publish(interaction, saved.event)
        await interaction.followup.send(saved_reply(saved, True, notes, member_locale(interaction)), ephemeral=True)

    @event_admin.command(name="edit")
    @moderator_only("manage_events")
    @app_commands.describe(
        event="The event to change",
        title="New title",
        kind="New kind",
        start="New start (read in the event's zone unless you give one)",
        timezone="Zone of the new start; alone, it keeps the instant and changes the series' wall clock",
        duration="New duration, e.g. 2h",
        end="New end, e.g. 16:30",
        location="New place (none clears it)",
        host="New host platform (none clears it)",
        url="New link (none clears it)",
        description="New description (none clears it)",
        repeat="none, weekly, monthly or an RRULE",
        reminders="New offsets, e.g. 1d,1h (none: no reminders)",
        channel="New channel for reminders",
        ping_role="New role to ping in channel reminders",
        ends="A series: the last day it may occur (none: it never ends)",
        count="A series: how many times it takes place in all",
        occurrence="A series: change only this occurrence (pick from the list), with start or skip",
        scope="With occurrence: this one only, or this and all following (default: this one)",
        skip="With occurrence: True if it does not take place",
        capacity="New capacity (none: no limit); a bigger one moves the first in line up",
        rsvp_cutoff="When answers close: 2d before, a time, or none (at the start)",
        rsvp_role="Only members with this role can answer (@everyone: anyone)",
    )
    @app_commands.choices(kind=KIND_CHOICES, scope=[app_commands.Choice(name=n, value=v) for n, v in SCOPE_CHOICES])
    @app_commands.autocomplete(
        event=open_events, timezone=zones, host=platforms, repeat=repeats, occurrence=next_occurrences
    )
    async def edit(
        self,
        interaction: discord.Interaction,
        event: str,
        title: str | None = None,
        kind: app_commands.Choice[str] | None = None,
        start: str | None = None,
        timezone: str | None = None,
        duration: str | None = None,
        end: str | None = None,
        location: str | None = None,
        host: str | None = None,
        url: str | None = None,
        description: str | None = None,
        repeat: str | None = None,
        reminders: str | None = None,
        channel: discord.TextChannel | None = None,
        ping_role: discord.Role | None = None,
        ends: str | None = None,
        count: int | None = None,
        occurrence: str | None = None,
        scope: app_commands.Choice[str] | None = None,
        skip: bool | None = None,
        capacity: str | None = None,
        rsvp_cutoff: str | None = None,
        rsvp_role: discord.Role | None = None,
    ) -> None:
        """Change an event; its reminders are rescheduled and its announcement updated (moderators only)."""
        if occurrence is not None or scope is not None or skip is not None:
            others = (title, kind, timezone, duration, end, location, host, url, description, repeat, reminders)
            if occurrence is None or any(v is not None for v in (*others, channel, ping_role, ends, count)):
                raise InvalidInputError(
                    "To change one occurrence, pick it with occurrence and give only start (to move it) or "
                    "skip: True (and scope if all following change too); edit the rest without occurrence."
                )
            await self.edit_occurrence(interaction, event, occurrence, scope, start=start, skip=bool(skip))
            return
        fields = event_input(
            kind=kind,
            channel=channel,
            ping_role=ping_role,
            count=count,
            ends_on=ends,
            title=title,
            start=start,
            timezone=timezone,
            duration=duration,
            end=end,
            location=location,
            host=host,
            url=url,
            description=description,
            repeat=repeat,
            reminders=reminders,
            capacity=capacity,
            rsvp_cutoff=rsvp_cutoff,
            rsvp_role=rsvp_role,
        )
        await interaction.response.defer(ephemeral=True, thinking=True)
        saved = await self.bot.db.transaction(edit_named_event, key=event, fields=fields, now=utcnow())
        notes = await self.publisher.publish(interaction, saved.event)
        tally = await self.notices.send_pending(event_id=saved.event.id)
        notes += told_reply(tally, member_locale(interaction), opted_out=saved.opted_out)
        await interaction.followup.send(saved_reply(saved, False, notes, member_locale(interaction)), ephemeral=True)

    async def edit_occurrence(
        self,
        interaction: discord.Interaction,
        event: str,
        occurrence: str,
        scope: app_commands.Choice[str] | None,
        *,
        start: str | None,
        skip: bool,
    ) -> None:
        """Move or skip one occurrence of a series (or end the series before it)."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        changed = await self.bot.db.transaction(
            edit_occurrence,
            key=event,
            occurrence=occurrence,
            scope=scope.value if scope else "this",
            start=start,
            skip=skip,
            now=utcnow(),
        )
        notes = await self.publisher.publish(interaction, changed.event)
        if changed.successor is not None:
            notes += await self.publisher.publish(interaction, changed.successor)
        language = member_locale(interaction)
        notes += told_reply(await self.notices.send_pending(event_id=changed.event.id), language, changed.opted_out)
        await interaction.followup.send(occurrence_reply(changed, notes, language), ephemeral=True)

    @event_admin.command(name="cancel")
    @moderator_only("manage_events")
    @app_commands.describe(event="The event to cancel", reason="Told to everyone who answered Going or Maybe")
    @app_commands.autocomplete(event=open_events)
    async def cancel(self, interaction: discord.Interaction, event: str, reason: str | None = None) -> None:
        """Cancel an event: reminders stop, the announcement says so, attendees get a DM (moderators only)."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        cancelled = await self.bot.db.transaction(cancel_named_event, key=event, reason=reason, now=utcnow())
        notes = await self.publisher.publish(interaction, cancelled.event)
        tally = await self.notices.send_pending(event_id=cancelled.event.id)
        told = told_reply(tally, member_locale(interaction), opted_out=cancelled.opted_out)
        lines = [
            for_member(
                interaction,
                "Cancelled **{title}** (event #{number}); its reminders stop.",
                title=inert(cancelled.event.title),
                number=cancelled.event.id,
            )
        ]
        await interaction.followup.send("\n".join(lines + told + notes), ephemeral=True)

    @event_admin.command(name="attendees")
    @moderator_only("manage_events")
    @app_commands.describe(
        event="The event",
        format="csv (with member ids, for spreadsheets) or markdown (names)",
        occurrence="Of a series: which date (default: the next one)",
    )
    @app_commands.autocomplete(event=any_events, occurrence=next_occurrences)
    async def attendees(
        self,
        interaction: discord.Interaction,
        event: str,
        format: Literal["csv", "markdown"] = "csv",
        occurrence: str | None = None,
    ) -> None:
        """Who is going, maybe coming and waiting, as a file for badges, catering and rooms (moderators only)."""
        await send_attendees(self.bot, interaction, event, format, occurrence)

    # --- everyone -------------------------------------------------------------------------------------------

    @event.command(name="list")
    @app_commands.describe(kind="Only this kind of meeting")
    @app_commands.choices(kind=KIND_CHOICES)
    async def list_events(self, interaction: discord.Interaction, kind: app_commands.Choice[str] | None = None) -> None:
        """Upcoming events, soonest first, in your own local time."""
        upcoming = await self.bot.db.transaction(list_upcoming_events, now=utcnow(), kind=kind.value if kind else None)
        pages = event_list_pages(upcoming, kind=kind.value if kind else None, language=member_locale(interaction))
        await Paginator.send(interaction, pages, language=member_locale(interaction))

    @event.command(name="show")
    @app_commands.describe(
        event="The event (start typing its name)", occurrence="Of a series: which date (default: the next one)"
    )
    @app_commands.autocomplete(event=any_events, occurrence=next_occurrences)
    async def show(self, interaction: discord.Interaction, event: str, occurrence: str | None = None) -> None:
        """One event in full, with your answer; moderators also see how its reminders went."""
        overview = await self.bot.db.transaction(
            named_event_overview,
            key=event,
            member_id=interaction.user.id,
            now=utcnow(),
            with_reminders=member_is_moderator(interaction),
            occurrence=occurrence,
        )
        details, listed = overview.details, overview.attendees
        names = await display_names(self.bot, interaction.guild, listed.going + listed.maybe + listed.waiting)
        language = member_locale(interaction)
        lines = attendee_lines(listed, names, language)
        card = event_details_card(details, reminders=overview.reminders, attendees=lines, language=language)
        # An occurrence picked by date is answered by the buttons below it; else they answer the next open one.
        picked = listed.occurrence if occurrence else None
        view = (
            event_view(details.event, listed.counts(), language, picked)
            if details.next_start
            else discord.utils.MISSING
        )
        await interaction.response.send_message(embed=card, view=view, ephemeral=True)

    @event.command(name="remind")
    @app_commands.describe(event="The event", on="True: DM me its reminders · False: stop them")
    @app_commands.autocomplete(event=open_events)
    async def remind(self, interaction: discord.Interaction, event: str, on: bool) -> None:
        """Get an event's reminders by DM, or stop them."""
        found = await self.bot.db.transaction(
            set_named_reminder_opt_in, key=event, member_id=interaction.user.id, on=on, now=utcnow()
        )
        await self.bot.db.transaction(remember_locale, member_id=interaction.user.id, locale=member_locale(interaction))
        title = inert(found.title)
        message = (
            for_member(
                interaction,
                "You'll get the reminders of **{title}** by DM ({reminders}). "
                "Make sure DMs from server members are allowed.",
                title=title,
                reminders=describe_reminders(found.reminder_offsets),
            )
            if on
            else for_member(interaction, "You won't get DM reminders for **{title}** any more.", title=title)
        )
        await interaction.response.send_message(message, ephemeral=True)

    @event.command(name="notices")
    @app_commands.describe(on="True: DM me when an event I answered changes · False: no such DMs")
    async def notices_command(self, interaction: discord.Interaction, on: bool) -> None:
        """Turn DMs about changed, cancelled or moved-up events on or off."""
        await set_notices(self.bot, interaction, on)

    @event.command(name="ics")
    @app_commands.describe(event="The event to add to your calendar")
    @app_commands.autocomplete(event=any_events)
    async def ics(self, interaction: discord.Interaction, event: str) -> None:
        """The event as an .ics file for your calendar, with its reminders."""
        found = await self.bot.db.transaction(find_event, event)
        await interaction.response.send_message(
            for_member(
                interaction, "**{title}** for your calendar (open the file to import it).", title=inert(found.title)
            ),
            file=calendar_file([found], f"event-{found.id}.ics"),
            ephemeral=True,
        )

    @event.command(name="calendar")
    async def calendar(self, interaction: discord.Interaction) -> None:
        """All upcoming events in one .ics file for your calendar."""
        upcoming = await self.bot.db.transaction(list_upcoming_events, now=utcnow(), limit=CALENDAR_LIMIT)
        base_url = self.bot.settings.web_base_url
        subscribe = (
            "\n"
            + for_member(
                interaction,
                "To have new events appear by themselves, subscribe in your calendar app to {link}.",
                link=f"<{base_url}/calendar.ics>",
            )
            if base_url
            else ""
        )
        if not upcoming:
            reply = for_member(interaction, "No upcoming events yet.") + subscribe
            await interaction.response.send_message(reply, ephemeral=True)
            return
        await interaction.response.send_message(
            plural_for_member(
                interaction,
                "{count} upcoming event for your calendar (open the file to import it).",
                "{count} upcoming events for your calendar (open the file to import them).",
                len(upcoming),
            )
            + subscribe,
            file=calendar_file([item.event for item in upcoming], "coalition-events.ics"),
            ephemeral=True,
        )

    @event.command(name="feed")
    @app_commands.describe(stop="True: stop your link (nobody can read it any more)")
    async def feed(self, interaction: discord.Interaction, stop: bool = False) -> None:
        """Your own secret calendar link: the events you answered Going to, kept up to date."""
        if stop:
            stopped = await self.bot.db.transaction(revoke_member_feed, member_id=interaction.user.id)
            reply = for_member(
                interaction, "Your calendar link is stopped." if stopped else "You had no calendar link."
            )
            await interaction.response.send_message(reply, ephemeral=True)
            return
        base_url = self.bot.settings.web_base_url
        if not base_url:
            await interaction.response.send_message(
                for_member(
                    interaction,
                    "Calendar links need the bot's web views, which are off here; use `/event ics` for one event.",
                ),
                ephemeral=True,
            )
            return
        token = await self.bot.db.transaction(open_member_feed, member_id=interaction.user.id, now=utcnow())
        await interaction.response.send_message(
            for_member(
                interaction,
                "Subscribe to {link} in your calendar app: it holds the events you answered "
                "Going to and follows every change.\nKeep it to yourself: whoever has it sees which events you go to. "
                "Asking again gives a new link and stops this one; `/event feed stop:True` stops it.",
                link=f"<{base_url}/calendar/{token}.ics>",
            ),
            ephemeral=True,
        )

    # --- /timezone ----------------------------------------------------------------------------------------

    @zone.command(name="set")
    @app_commands.describe(zone="Your IANA zone, e.g. Europe/Lisbon or Europe/Kyiv (start typing your city)")
    @app_commands.autocomplete(zone=zones)
    async def timezone_set(self, interaction: discord.Interaction, zone: str) -> None:
        """Set your time zone: the times you type are read in it."""
        saved = await self.bot.db.transaction(
            set_member_timezone, member_id=interaction.user.id, zone=zone, locale=member_locale(interaction)
        )
        local = utcnow().astimezone(ZoneInfo(saved))
        await interaction.response.send_message(
            for_member(
                interaction,
                "Your time zone is now **{zone}** (it is {clock} there). Times you type are read in it.",
                zone=saved,
                clock=f"{local:%H:%M}",
            ),
            ephemeral=True,
        )

    @zone.command(name="show")
    async def timezone_show(self, interaction: discord.Interaction) -> None:
        """Show the time zone your typed times are read in."""
        own = await self.bot.db.transaction(member_timezone, member_id=interaction.user.id)
        zone = own or self.bot.settings.default_timezone
        local = utcnow().astimezone(zone_named(zone))
        how = for_member(
            interaction,
            "you set it with `/timezone set`" if own else "the server default; set your own with `/timezone set`",
        )
        await interaction.response.send_message(
            for_member(
                interaction,
                "Your times are read in **{zone}** ({how}). It is {clock} there now.",
                zone=zone,
                how=how,
                clock=f"{local:%H:%M}",
            ),
            ephemeral=True,
        )

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        await self.tab.sync_all()

    @commands.Cog.listener()
    async def on_scheduled_event_interest(self, interest: ScheduledEventInterest) -> None:
        """Interested on a native event: that event's reminders by DM, as with /event remind."""
        await self.bot.db.transaction(
            follow_interest,
            discord_event_id=interest.scheduled_event_id,
            member_id=interest.user_id,
            interested=interest.interested,
            now=utcnow(),
        )


async def setup(bot: CoalitionBot) -> None:
    bot.add_dynamic_items(RsvpButton, CalendarButton)
    bot.reminders.use_sender(DiscordReminderSender(bot, bot.settings.server_language))
    events = Events(bot)
    bot.reminders.after_each_pass(events.tab.sync_all)
    bot.reminders.on_missed(MissedReporter(bot).post)
    # Notices left pending (a member moved up after another was forgotten, a send cut short) go out within a pass.
    bot.reminders.after_each_pass(events.notices.send_pending)
    await bot.add_cog(events)
