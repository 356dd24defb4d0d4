"""Text in the reader's language: lookups by Discord locale, English fallback, plurals, dates in words, and the
catalogues held complete against the source."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.catalog import Catalog

from bot.settings import Settings, SettingsError
from cogs.catalogues import Key, SourceText, catalogue_problems, scan_source, translation_problems, untranslated_texts
from rules.errors import NotFoundError
from rules.i18n import COMMANDS, MESSAGES, NAME_CONTEXT, format_when, language_for, translate, translate_plural

OSLO = ZoneInfo("Europe/Oslo")


def test_every_shipped_catalogue_has_every_text_with_the_same_placeholders_and_discords_rules() -> None:
    assert catalogue_problems() == []


@pytest.mark.parametrize("locale", ["et", "lv", "sk", "sl", "mt", "ga", "pt-PT", "pt-BR", "ja", "xx-XX", "", None])
def test_locales_without_a_catalogue_read_english(locale: str | None) -> None:
    assert language_for(locale) == "en"
    assert translate(locale, "Sorry, only moderators can do that.") == "Sorry, only moderators can do that."


def test_discord_locale_codes_find_their_catalogue() -> None:
    assert [language_for(code) for code in ("de", "sv-SE", "es-ES", "es-419", "no", "fi")] == [
        "de",
        "sv",
        "es",
        "es",
        "no",
        "fi",
    ]
    assert translate("sv-SE", "Cancel") == "Avbryt"


def test_domain_error_reads_in_the_members_language_with_their_words_untranslated() -> None:
    error = NotFoundError("No platform matches “{query}”. Try `/platform list` to see them all.", query="Teknik")
    assert error.user_message == "No platform matches “Teknik”. Try `/platform list` to see them all."
    assert error.message_in("de") == "Keine Plattform passt zu „Teknik“. Mit `/plattform liste` siehst du alle."
    assert error.message_in("pt-BR") == error.user_message


def test_plural_forms_follow_the_count() -> None:
    assert translate_plural("de", "{count} question", "{count} questions", 1) == "1 Frage"
    assert translate_plural("de", "{count} question", "{count} questions", 4) == "4 Fragen"
    assert translate_plural(None, "{count} question", "{count} questions", 4) == "4 questions"
    ukrainian = [translate_plural("uk", "{count} question", "{count} questions", n) for n in (1, 3, 5, 21)]
    assert ukrainian == ["1 запитання", "3 запитання", "5 запитань", "21 запитання"]


def test_dates_in_words_follow_the_language_in_the_events_own_zone() -> None:
    start = datetime(2027, 3, 4, 14, 0, tzinfo=OSLO)
    assert format_when(start, "en-GB") == "Thursday, March 4, 2027, 2:00\u202fPM"
    assert format_when(start, "de") == "Donnerstag, 4. März 2027, 14:00"
    assert format_when(start, "fi") == "torstai 4. maaliskuuta 2027 14.00"
    assert format_when(start, "no") == "torsdag 4. mars 2027, 14:00"


def test_a_missing_translation_and_a_changed_placeholder_are_reported() -> None:
    catalog = Catalog(locale="de")
    catalog.add("Slow down a little: try again in {seconds} s.", "Langsam: versuche es in {sekunden} s noch einmal.")
    wanted: dict[Key, SourceText] = {
        (None, "Slow down a little: try again in {seconds} s."): SourceText(
            (None, "Slow down a little: try again in {seconds} s.")
        ),
        (None, "A text nobody translated yet."): SourceText((None, "A text nobody translated yet.")),
    }
    problems = list(translation_problems(catalog, MESSAGES, wanted))
    assert problems == [
        "de messages: “Langsam: versuche es in {sekunden} s noch einmal.” has placeholders ['sekunden'], want "
        "['seconds']",
        "de messages: missing “A text nobody translated yet.”",
    ]


def test_a_command_name_against_discords_rules_is_reported() -> None:
    catalog = Catalog(locale="de")
    catalog.add("create", "Erstellen", context=NAME_CONTEXT)
    catalog.add("cancel", "absagen jetzt", context=NAME_CONTEXT)
    catalog.add("Set your time zone.", "x" * 101)
    keys: list[Key] = [(NAME_CONTEXT, "create"), (NAME_CONTEXT, "cancel"), (None, "Set your time zone.")]
    wanted = {key: SourceText(key) for key in keys}
    assert len(list(translation_problems(catalog, COMMANDS, wanted))) == 3


def test_source_scan_finds_refusals_raised_with_templates_and_lists_built_ones() -> None:
    scan = scan_source()
    assert (None, "Your question is too short: write at least {least} characters (it has {length}).") in scan.texts
    assert (None, "This panel is closed; voting has ended.") in scan.texts
    assert all(":" in place for place in scan.untranslatable)


def test_server_language_setting_takes_a_shipped_language_and_refuses_others() -> None:
    assert Settings.from_env({"SERVER_LANGUAGE": "sv-SE"}, require_token=False).server_language == "sv"
    assert Settings.from_env({}, require_token=False).server_language == "en"
    with pytest.raises(SettingsError, match="SERVER_LANGUAGE"):
        Settings.from_env({"SERVER_LANGUAGE": "et"}, require_token=False)


def test_no_english_written_in_the_cogs_reaches_members_without_the_catalogues() -> None:
    assert untranslated_texts() == []


def test_english_shown_without_the_catalogues_is_found_with_its_place(tmp_path: Path) -> None:
    module = tmp_path / "cogs" / "demo.py"
    module.parent.mkdir()
    module.write_text(
        "async def reply(interaction, embed, count):\n"
        "    await interaction.response.send_message('Saved!', ephemeral=True)\n"
        "    button = discord.ui.Button(label=f'Vote ({count})', emoji='👍')\n"
        "    embed.set_footer(text=translate(None, 'Saved.'))\n"
        "    embed.description = 'Nothing yet.'\n"
        "    await interaction.followup.send(for_member(interaction, 'Done.'))\n"
        "    await interaction.followup.send(f'{count} · 👍')\n"
    )
    assert untranslated_texts(tmp_path / "cogs") == [
        "cogs/demo.py:2: 'Saved!'",
        "cogs/demo.py:3: 'Vote ()'",
        "cogs/demo.py:5: 'Nothing yet.'",
    ]
