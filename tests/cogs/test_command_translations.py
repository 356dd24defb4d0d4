"""The command sync payload carries every shipped language, within Discord's rules for names and descriptions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import discord
from discord import app_commands

from bot.i18n import CatalogueTranslator
from cogs.catalogues import COMMAND_NAME, top_level_commands
from rules.i18n import CATALOGUE_FOR_LOCALE

SHIPPED_LOCALES = set(CATALOGUE_FOR_LOCALE)
SUBCOMMAND_TYPES = (1, 2)


def nodes(payload: dict[str, Any], path: str = "") -> Iterator[tuple[str, dict[str, Any], list[dict[str, Any]]]]:
    """Every command, sub-command and option with the siblings it must differ from."""
    here = f"{path} {payload['name']}".strip()
    children = payload.get("options") or []
    for child in children:
        yield f"{here} {child['name']}", child, children
        if child["type"] in SUBCOMMAND_TYPES:
            yield from (node for node in nodes(child, here) if node[1] is not child)


async def translated_payloads() -> list[dict[str, Any]]:
    tree = app_commands.CommandTree(discord.Client(intents=discord.Intents.none()))
    translator = CatalogueTranslator()
    return [await command.get_translated_payload(tree, translator) for command in top_level_commands()]


async def test_every_command_option_and_choice_is_localised_for_every_shipped_locale() -> None:
    payloads = await translated_payloads()
    tops = [(payload["name"], payload, payloads) for payload in payloads]
    for path, node, _siblings in tops + [node for payload in payloads for node in nodes(payload)]:
        assert set(node.get("name_localizations") or {}) == SHIPPED_LOCALES, path
        assert set(node.get("description_localizations") or {}) == SHIPPED_LOCALES, path
        for choice in node.get("choices") or []:
            assert set(choice.get("name_localizations") or {}) == SHIPPED_LOCALES, (path, choice["name"])
    german = {payload["name"]: payload for payload in payloads}["event"]
    assert german["name_localizations"]["de"] == "veranstaltung"
    assert german["description"] == "Coalition meetings: announcements, RSVPs, reminders", "English stays the default"


async def test_localised_names_and_descriptions_obey_discords_rules() -> None:
    payloads = await translated_payloads()
    tops = [(payload["name"], payload, payloads) for payload in payloads]
    for path, node, siblings in tops + [node for payload in payloads for node in nodes(payload)]:
        for locale, name in node["name_localizations"].items():
            assert name == name.lower() and COMMAND_NAME.match(name), (path, locale, name)
            others = [sibling["name_localizations"][locale] for sibling in siblings if sibling is not node]
            assert name not in others, f"{path}: {locale} name {name!r} is used twice among its siblings"
        for locale, description in node["description_localizations"].items():
            assert 1 <= len(description) <= 100, (path, locale, description)
        for choice in node.get("choices") or []:
            assert all(1 <= len(name) <= 100 for name in choice["name_localizations"].values()), choice


# Discord caps the characters of a command's names, descriptions and choices taken together, in each locale;
# 4000 is the stricter of the figures it has published.
COMBINED_LIMIT = 4000


def combined_length(node: dict[str, Any], locale: str) -> int:
    """A command's names, descriptions and choices as a member of `locale` reads them, in characters."""
    length = len(node["name_localizations"].get(locale, node["name"]))
    length += len(node["description_localizations"].get(locale, node["description"]))
    for choice in node.get("choices") or []:
        length += len(choice["name_localizations"].get(locale, choice["name"])) + len(str(choice["value"]))
    return length + sum(combined_length(option, locale) for option in node.get("options") or [])


async def test_every_command_stays_within_discords_combined_length_in_every_locale() -> None:
    for payload in await translated_payloads():
        for locale in sorted(SHIPPED_LOCALES):
            assert combined_length(payload, locale) <= COMBINED_LIMIT, (payload["name"], locale)
