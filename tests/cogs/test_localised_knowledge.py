"""The knowledge commands' cards, lists and buttons follow the language rules: a public answer in the server's
language, what only the member sees in theirs; the coalition's own texts stay as written."""

from __future__ import annotations

import dataclasses

import discord
import pytest

from bot.settings import Settings
from cogs.knowledge import Knowledge
from cogs.knowledge._views import FullTextButton
from db.database import Database
from tests.cogs.fakes import FakeBot, FakeInteraction, member, moderator, run_command
from tests.cogs.test_knowledge_commands import _submit_via_modal


@pytest.fixture
def german_server(settings: Settings, database: Database) -> FakeBot:
    return FakeBot(dataclasses.replace(settings, server_language="de"), database)


async def test_public_platform_card_reads_the_servers_language_and_full_text_the_members(
    german_server: FakeBot,
) -> None:
    cog = Knowledge(german_server)  # type: ignore[arg-type]
    shown = FakeInteraction(german_server, member(), locale=discord.Locale.french)
    await run_command(cog.platform_show, shown, name="Norway")
    card = shown.last
    names = [field.name for field in card.embeds[0].fields]
    assert not card.ephemeral and "Wo" in names and any((name or "").startswith("Ebenfalls in ") for name in names)
    assert (card.embeds[0].footer.text or "").startswith("Quelle: ")
    assert card.labels == ["Ganzen Text anzeigen"]
    kind, ref_id = card.custom_ids[0].split(":")[2:]
    click = FakeInteraction(german_server, member(), locale=discord.Locale.french)
    await FullTextButton(kind, int(ref_id)).callback(click)  # type: ignore[arg-type]
    assert click.last.ephemeral and "**Résumé**" in (click.last.embeds[0].description or "")


async def test_platform_list_pages_and_buttons_read_the_servers_language(german_server: FakeBot) -> None:
    cog = Knowledge(german_server)  # type: ignore[arg-type]
    listed = FakeInteraction(german_server, member())
    await run_command(cog.platform_list, listed)
    page = listed.last
    assert (page.embeds[0].title or "").startswith("Mitgliedsplattformen und Partner (")
    assert page.embeds[0].footer.text == "Öffne eine mit /plattform anzeigen"
    assert page.labels[0] == "◀ Zurück" and page.labels[-1] == "Weiter ▶"


async def test_find_in_the_servers_language_and_its_miss_in_the_members(german_server: FakeBot) -> None:
    cog = Knowledge(german_server)  # type: ignore[arg-type]
    found = FakeInteraction(german_server, member())
    await run_command(cog.find, found, query="role models")
    embed = found.last.embeds[0]
    assert (embed.title or "") == "Beste Treffer für „role models“"
    assert all((field.name or "").startswith(("🏛️ Plattform", "💡 Praxisbeispiel")) for field in embed.fields)
    weak = FakeInteraction(german_server, member(), locale=discord.Locale.spain_spanish)
    await run_command(cog.find, weak, query="Xylophone zeppelins?")
    assert not weak.last.ephemeral and weak.last.labels == ["Praxisbeispiel vorschlagen"]
    missed = FakeInteraction(german_server, member(), locale=discord.Locale.spain_spanish)
    await run_command(cog.find, missed, query="qqqq zzzz")
    assert missed.last.ephemeral and missed.last.labels == ["Sugerir una práctica"]


async def test_review_card_and_gaps_speak_the_moderators_language(fake_bot: FakeBot) -> None:
    cog = Knowledge(fake_bot)  # type: ignore[arg-type]
    await _submit_via_modal(fake_bot, member(900000000000000088, "Submitter"), "Classroom engineer visits")
    review = FakeInteraction(fake_bot, moderator(), locale=discord.Locale.dutch)
    await run_command(cog.practice_review, review)
    card = review.last
    assert card.ephemeral and card.labels == ["Goedkeuren", "Afwijzen"]
    assert "Ingediend door" in [field.name for field in card.embeds[0].fields]
    assert (card.embeds[0].footer.text or "").endswith("· 1 wacht op beoordeling")
    gaps = FakeInteraction(fake_bot, moderator(), locale=discord.Locale.dutch)
    await run_command(cog.knowledge_gaps, gaps)
    assert gaps.last.embeds[0].title == "Kennislacunes: gevraagd, niet goed gevonden"


async def test_submission_form_opens_in_the_members_language(fake_bot: FakeBot) -> None:
    cog = Knowledge(fake_bot)  # type: ignore[arg-type]
    opened = FakeInteraction(fake_bot, member(), locale=discord.Locale.swedish)
    await run_command(cog.practice_submit, opened)
    form = opened.last.modal
    assert form is not None and form.title == "Dela ett gott exempel"
    labels = [item.label for item in form.walk_children() if isinstance(item, discord.ui.TextInput)]
    assert labels == ["Titel", "Sammanfattning", "Detaljer", "Land eller plattform", "Länk"]
    english = FakeInteraction(fake_bot, member())
    await run_command(cog.practice_submit, english)
    assert english.last.modal is not None and english.last.modal.title == "Share a best practice"
