"""Languages end to end: the real bot syncs its commands in every shipped language, and answers each member in the
language of their Discord client; a client language without a catalogue reads English, without an error."""

from __future__ import annotations

import pytest

from rules.i18n import CATALOGUE_FOR_LOCALE

from .driver import Driver

pytestmark = pytest.mark.timeout(120)

SHIPPED_LOCALES = set(CATALOGUE_FOR_LOCALE)
QUESTION = "How is industry involved in your platform?"


async def test_commands_sync_in_every_language_and_refusals_follow_the_members_client(driver: Driver) -> None:
    synced = {command["name"]: command for command in driver.synced_commands()}
    for name, command in synced.items():
        assert set(command.get("name_localizations") or {}) == SHIPPED_LOCALES, name
        assert set(command.get("description_localizations") or {}) == SHIPPED_LOCALES, name
    assert synced["event"]["name_localizations"]["de"] == "veranstaltung"
    assert synced["privacy"]["description_localizations"]["fi"] == "Näe tai poista, mitä botti säilyttää sinusta"

    german = await driver.slash("ask", user=driver.alice, question=QUESTION, locale="de")
    assert german.ephemeral and german.text == (
        "In diesem Kanal ist kein Panel offen. Moderatoren können eines mit `/panel öffnen` starten."
    )
    unknown = await driver.slash("ask", user=driver.alice, question=QUESTION, locale="xx-XX")
    assert unknown.ephemeral and unknown.text == (
        "There is no open panel in this channel. A moderator can start one with `/panel open`."
    )
    french = await driver.slash("panel next", user=driver.alice, locale="fr")
    assert french.ephemeral and french.text == "Désolé, seuls les modérateurs peuvent faire cela."
    english = await driver.slash("panel next", user=driver.alice)
    assert english.text == "Sorry, only moderators can do that."
    driver.assert_clean()
