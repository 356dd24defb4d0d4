"""Replies follow the member's Discord language: a German client reads German, a client without a catalogue
reads English, and the member's own words and the numbers stay as given."""

from __future__ import annotations

import dataclasses
from typing import Any

import discord
import pytest

from bot.settings import Settings
from cogs.knowledge import Knowledge
from cogs.panels import Panels
from cogs.privacy import Privacy
from db.database import Database
from tests.cogs.fakes import FakeBot, FakeInteraction, FakeMember, run_command

MODERATOR = FakeMember(400000000000000001, name="Geert", moderator=True)
ALICE = FakeMember(500000000000000001, name="Alice")


@pytest.fixture
def panels(fake_bot: FakeBot) -> Panels:
    return Panels(fake_bot)  # type: ignore[arg-type]


async def ask(cog: Panels, fake_bot: FakeBot, question: str, locale: discord.Locale) -> FakeInteraction:
    interaction = FakeInteraction(fake_bot, ALICE, locale=locale)
    await run_command(cog.ask, interaction, question=question)
    return interaction


async def open_panel(cog: Panels, fake_bot: FakeBot) -> None:
    command: Any = cog.panel.get_command("open")
    interaction = FakeInteraction(fake_bot, MODERATOR)
    await run_command(command, interaction, title="EU STEM Coalition panel", panelists="Jan Lundell (LUMA)")
    assert "is open in" in interaction.last.content, interaction.replies


async def test_refusal_reads_german_for_a_german_client_and_english_for_a_language_without_catalogue(
    panels: Panels, fake_bot: FakeBot
) -> None:
    german = await ask(panels, fake_bot, "Wie wird die Industrie eingebunden?", discord.Locale.german)
    assert german.reply.ephemeral
    assert german.reply.content == (
        "In diesem Kanal ist kein Panel offen. Moderatoren können eines mit `/panel öffnen` starten."
    )
    brazilian = await ask(panels, fake_bot, "Como a indústria participa?", discord.Locale.brazil_portuguese)
    assert brazilian.reply.content == (
        "There is no open panel in this channel. A moderator can start one with `/panel open`."
    )


async def test_refusal_with_numbers_keeps_them_in_every_language(panels: Panels, fake_bot: FakeBot) -> None:
    await open_panel(panels, fake_bot)
    french = await ask(panels, fake_bot, "Why", discord.Locale.french)
    assert french.reply.ephemeral and "5" in french.reply.content and "3" in french.reply.content
    assert french.reply.content.startswith("Votre question est trop courte"), french.reply.content
    swedish = await ask(panels, fake_bot, "x" * 501, discord.Locale.swedish)
    assert "500" in swedish.reply.content and "501" in swedish.reply.content
    assert swedish.reply.content.startswith("Din fråga är för lång"), swedish.reply.content


async def test_privacy_forget_warns_and_labels_its_buttons_in_the_members_language(
    panels: Panels, fake_bot: FakeBot
) -> None:
    privacy = Privacy(fake_bot)  # type: ignore[arg-type]
    nothing = FakeInteraction(fake_bot, ALICE, locale=discord.Locale.german)
    await run_command(privacy.forget, nothing)
    assert nothing.reply.content == "Der Bot speichert nichts über dich, also gibt es nichts zu vergessen."

    await open_panel(panels, fake_bot)
    await ask(panels, fake_bot, "How do you train career changers as teachers?", discord.Locale.german)
    warning = FakeInteraction(fake_bot, ALICE, locale=discord.Locale.german)
    await run_command(privacy.forget, warning)
    assert warning.reply.content.startswith("**Vergiss mich**")
    assert "• 1 Frage" in warning.reply.content
    assert warning.reply.labels == ["Ja, vergiss mich", "Abbrechen"]


async def test_about_card_everyone_sees_follows_the_servers_language(settings: Settings, database: Database) -> None:
    german_server = FakeBot(dataclasses.replace(settings, server_language="de"), database)
    interaction = FakeInteraction(german_server, ALICE, locale=discord.Locale.french)
    await run_command(Knowledge(german_server).about, interaction)  # type: ignore[arg-type]
    field = next(f for f in interaction.reply.embeds[0].fields if f.name == "Nächste Generalversammlung")
    assert field.value == (
        "Noch keine geplant. Moderatoren kündigen sie mit `/veranstaltung-admin erstellen` an; siehe "
        "`/veranstaltung liste`."
    )
