"""What moderators and submitters read around events and practices follows the language rules: /event show's
reminder lines and the attendee files in the moderator's language, the announcement's calendar button in the
server's, the verdict DM in the submitter's stored one."""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import UTC, datetime, timedelta

import discord

from bot.settings import Settings
from cogs.events import Events
from cogs.events._embeds import reminder_status_text
from cogs.knowledge._views import ReviewButton
from db.database import Database
from db.reminders import ReminderStatus
from tests.cogs.fakes import FakeBot, FakeInteraction, member, moderator, run_command
from tests.cogs.test_events_commands import announcement, create, stored
from tests.cogs.test_knowledge_commands import _submit_via_modal

SKIP_NOTE = "missed: the event had already started when the bot could send it"


async def test_event_show_gives_a_german_moderator_the_reminder_lines_in_german(fake_bot: FakeBot) -> None:
    cog = Events(fake_bot)  # type: ignore[arg-type]
    await create(cog, FakeInteraction(fake_bot, moderator()))
    (event,) = await stored(fake_bot)
    shown = FakeInteraction(fake_bot, moderator(), locale=discord.Locale.german)
    await run_command(cog.show, shown, event=str(event.id))
    fields = {f.name: f.value or "" for f in shown.reply.embed.fields}  # type: ignore[union-attr]
    reminders = fields["Erinnerungen (Moderation)"]
    assert reminders.startswith("• Abstände: ") and "⏳ geplant" in reminders and "vor <t:" in reminders


async def test_a_skipped_reminders_note_is_read_in_the_moderators_language(fake_bot: FakeBot) -> None:
    cog = Events(fake_bot)  # type: ignore[arg-type]
    await create(cog, FakeInteraction(fake_bot, moderator()))
    (event,) = await stored(fake_bot)
    due = datetime(2027, 3, 1, 9, tzinfo=UTC)
    skipped = ReminderStatus(due, due + timedelta(hours=1), 3600, "skipped", SKIP_NOTE, {})
    german = reminder_status_text(event, [skipped], "de")
    assert "die Veranstaltung hatte schon begonnen" in german and "missed" not in german
    assert SKIP_NOTE in reminder_status_text(event, [skipped], "en")


async def test_attendee_files_follow_the_moderators_language(fake_bot: FakeBot) -> None:
    cog = Events(fake_bot)  # type: ignore[arg-type]
    await create(cog, FakeInteraction(fake_bot, moderator()), capacity="20")
    (event,) = await stored(fake_bot)
    exported = FakeInteraction(fake_bot, moderator(), locale=discord.Locale.german)
    await run_command(cog.attendees, exported, event=str(event.id), format="csv")
    file = exported.last.file
    assert file is not None
    header = next(csv.reader(io.StringIO(file.fp.read().decode())))
    assert header == ["Antwort", "Position", "Anzeigename", "Mitglieds-ID"]
    listed = FakeInteraction(fake_bot, moderator(), locale=discord.Locale.french)
    await run_command(cog.attendees, listed, event=str(event.id), format="markdown")
    assert listed.last.file is not None
    text = listed.last.file.fp.read().decode()
    assert "Capacité : 20" in text and "## Y vont (0)" in text and "Personne pour l'instant" in text


async def test_announcement_calendar_button_reads_the_servers_language(settings: Settings, database: Database) -> None:
    german_server = FakeBot(dataclasses.replace(settings, server_language="de"), database)
    await create(Events(german_server), FakeInteraction(german_server, moderator()))  # type: ignore[arg-type]
    assert "Zum Kalender hinzufügen" in announcement(german_server).sent.labels


async def test_practice_verdict_dm_is_in_the_language_the_member_submitted_in(fake_bot: FakeBot) -> None:
    submitter = member(900000000000000077, "Einreicherin")
    submitted = await _submit_via_modal(fake_bot, submitter, "Ingenieurinnen im Klassenzimmer", discord.Locale.german)
    practice_id = int(submitted.last.content.split("#")[1].split()[0])
    await ReviewButton("reject", practice_id).callback(FakeInteraction(fake_bot, moderator()))  # type: ignore[arg-type]
    assert submitter.dms[0].content == (
        "Dein eingereichtes Praxisbeispiel „Ingenieurinnen im Klassenzimmer“ wurde diesmal nicht angenommen. "
        "Danke fürs Teilen!"
    )


async def test_create_read_back_note_on_a_repeated_hour_is_in_the_moderators_language(fake_bot: FakeBot) -> None:
    cog = Events(fake_bot)  # type: ignore[arg-type]
    created = FakeInteraction(fake_bot, moderator(), locale=discord.Locale.german)
    await create(cog, created, start="31.10.2027 2:30", timezone="Europe/Berlin")
    assert (
        "⚠️ 31. Oktober 2027, 02:30 gibt es in Europe/Berlin zweimal (in dieser Nacht wird die Uhr zurückgestellt); "
        "ich habe die erste genommen, 02:30 CEST (UTC+02:00)."
    ) in created.reply.content
