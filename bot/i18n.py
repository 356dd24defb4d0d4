"""Replies in the language of the member's Discord client, and the slash commands in every shipped language.

What everyone in a channel reads follows the server's language instead: `translate(settings.server_language, ...)`.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from rules.i18n import command_text, translate, translate_plural

# Where Discord shows a command's, group's or option's name, which must obey its naming rule.
NAME_LOCATIONS = frozenset(
    {
        app_commands.TranslationContextLocation.command_name,
        app_commands.TranslationContextLocation.group_name,
        app_commands.TranslationContextLocation.parameter_name,
    }
)


def member_locale(interaction: discord.Interaction[Any]) -> str:
    """The Discord locale code of the member's client, e.g. "de" or "sv-SE" (unknown codes too)."""
    locale: Any = interaction.locale
    return str(getattr(locale, "value", locale))


def for_member(interaction: discord.Interaction[Any], text: str, /, **params: object) -> str:
    """English `text` in the language of the member who acted, for a reply only they read."""
    return translate(member_locale(interaction), text, **params)


def plural_for_member(
    interaction: discord.Interaction[Any], one: str, many: str, count: int, /, **params: object
) -> str:
    """The form of English `one`/`many` that fits `count`, in the language of the member who acted."""
    return translate_plural(member_locale(interaction), one, many, count, **params)


class CatalogueTranslator(app_commands.Translator):
    """Gives Discord the commands' names, descriptions, options and choices from the `commands` catalogues."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        return command_text(locale.value, string.message, name=context.location in NAME_LOCATIONS)
