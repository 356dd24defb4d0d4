"""Panel replies and event refusals follow the member's Discord language; an English client reads them as before,
and the member's own words and the numbers stay as given."""

from __future__ import annotations

import dataclasses
from typing import Any

import discord
import pytest

from bot.settings import Settings
from cogs.events import Events
from cogs.panels import Panels
from cogs.panels._asking import AskButton
from db.database import Database
from tests.cogs.fakes import FakeBot, FakeInteraction, FakeMember, moderator, run_command

MODERATOR = FakeMember(400000000000000001, name="Geert", moderator=True)
GERMAN_MEMBER = FakeMember(500000000000000001, name="Greta")
ENGLISH_MEMBER = FakeMember(500000000000000002, name="Emma")


@pytest.fixture
def panels(fake_bot: FakeBot) -> Panels:
    return Panels(fake_bot)  # type: ignore[arg-type]


async def open_panel(cog: Panels, fake_bot: FakeBot) -> None:
    command: Any = cog.panel.get_command("open")
    interaction = FakeInteraction(fake_bot, MODERATOR)
    await run_command(command, interaction, title="EU STEM Coalition panel", panelists="Jan Lundell (LUMA)")
    assert interaction.last.content.startswith("Panel “EU STEM Coalition panel” is open in"), interaction.replies


async def ask(
    cog: Panels, fake_bot: FakeBot, who: FakeMember, question: str, locale: discord.Locale
) -> FakeInteraction:
    interaction = FakeInteraction(fake_bot, who, locale=locale)
    await run_command(cog.ask, interaction, question=question)
    return interaction


async def test_ask_confirmation_reads_german_for_a_german_client_and_unchanged_english_otherwise(
    panels: Panels, fake_bot: FakeBot
) -> None:
    await open_panel(panels, fake_bot)
    german = await ask(
        panels, fake_bot, GERMAN_MEMBER, "Wie bindet ihr die Industrie in den Unterricht ein?", discord.Locale.german
    )
    assert german.reply.ephemeral
    assert german.reply.content == (
        "✅ Deine Frage ist **#1**, gespeichert und gepostet. Andere können sie jetzt upvoten."
    )
    english = await ask(
        panels,
        fake_bot,
        ENGLISH_MEMBER,
        "How do you train career changers as teachers?",
        discord.Locale.british_english,
    )
    assert english.reply.content == "✅ Your question is **#2**, saved and posted. Others can now upvote it."


async def test_similar_question_prompt_and_its_buttons_read_german_and_keep_the_members_words(
    panels: Panels, fake_bot: FakeBot
) -> None:
    await open_panel(panels, fake_bot)
    await ask(
        panels,
        fake_bot,
        ENGLISH_MEMBER,
        "How do you train career changers as teachers?",
        discord.Locale.american_english,
    )
    german = await ask(
        panels, fake_bot, GERMAN_MEMBER, "How do you train career changers as teachers??", discord.Locale.german
    )
    assert german.reply.content.startswith(
        "Es gibt eine ähnliche Frage: **#1** — „How do you train career changers as teachers?“"
    ), german.reply.content
    assert sorted(german.reply.labels) == ["Meine trotzdem posten", "Stattdessen #1 upvoten"]


async def test_event_refusal_from_a_time_rule_reads_german_and_english_is_unchanged(fake_bot: FakeBot) -> None:
    events = Events(fake_bot)  # type: ignore[arg-type]
    values: dict[str, Any] = {
        "title": "Webinar on role models",
        "kind": discord.app_commands.Choice(name="webinar", value="webinar"),
        "start": "in 5 hours",
        "reminders": "5x",
    }
    german = FakeInteraction(fake_bot, moderator(), locale=discord.Locale.german)
    await run_command(events.create, german, **values)
    assert german.reply.ephemeral
    assert german.reply.content == (
        "„5x“ ist kein Erinnerungsabstand. Verwende Zahlen mit w, d, h oder m vor dem Beginn, z. B. 30d,7d,1d "
        "oder 1h,10m."
    )
    bad_time = values | {"reminders": "1d", "start": "in 3 lightyears"}
    german_time = FakeInteraction(fake_bot, moderator(), locale=discord.Locale.german)
    await run_command(events.create, german_time, **bad_time)
    assert (
        german_time.reply.content == "„lightyears“ ist keine Zeiteinheit; verwende Minuten, Stunden, Tage oder Wochen."
    )
    english = FakeInteraction(fake_bot, moderator(), locale=discord.Locale.american_english)
    await run_command(events.create, english, **bad_time)
    assert english.reply.content == "“lightyears” is not a unit of time; use minutes, hours, days or weeks."
    assert english.reply.ephemeral


async def test_panel_card_and_question_follow_the_servers_language_and_the_moderator_reads_their_own(
    settings: Settings, database: Database
) -> None:
    german_server = FakeBot(dataclasses.replace(settings, server_language="de"), database)
    panels = Panels(german_server)  # type: ignore[arg-type]
    command: Any = panels.panel.get_command("open")
    french_moderator = FakeInteraction(german_server, MODERATOR, locale=discord.Locale.french)
    await run_command(command, french_moderator, title="EU STEM Coalition panel", panelists="Jan Lundell (LUMA)")
    assert french_moderator.last.content.startswith("Le panel « EU STEM Coalition panel » est ouvert dans <#")
    english = await ask(
        panels,
        german_server,
        ENGLISH_MEMBER,
        "How do you train career changers as teachers?",
        discord.Locale.american_english,
    )
    assert english.reply.content == "✅ Your question is **#1**, saved and posted. Others can now upvote it."
    card, question = german_server.get_partial_messageable(english.channel_id).messages
    assert (card.current.embeds[0].description or "").startswith("Fragen aus dem Publikum sind offen.")
    assert [field.name for field in card.current.embeds[0].fields] == ["Podiumsgäste"]
    assert card.current.labels[:2] == ["Frage stellen", "Top-Fragen"]
    assert question.current.embeds[0].author.name == "Frage #1"
    # The member's own words are never translated.
    assert (question.current.embeds[0].description or "").startswith("How do you train career changers as teachers?")


async def test_question_form_from_the_card_reads_german_for_a_german_member(panels: Panels, fake_bot: FakeBot) -> None:
    await open_panel(panels, fake_bot)
    card = fake_bot.get_partial_messageable(FakeInteraction(fake_bot, MODERATOR).channel_id).messages[0]
    pressed = FakeInteraction(fake_bot, GERMAN_MEMBER, message=card, locale=discord.Locale.german)
    match = AskButton.__discord_ui_compiled_template__.fullmatch(card.sent.custom_ids[0])
    assert match is not None
    button = await AskButton.from_custom_id(pressed, None, match)  # type: ignore[arg-type]
    await button.callback(pressed)  # type: ignore[arg-type]
    modal = pressed.last.modal
    assert modal is not None and modal.title == "Frag das Panel"
    labels = [field["label"] for field in modal.to_components()]
    assert "Deine Frage" in labels and "Dein Name" in labels
