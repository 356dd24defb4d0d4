"""Autocomplete answers within Discord's limits, for every cog."""

from __future__ import annotations

from typing import TypeVar

from discord import app_commands

from cogs._text import trim

# Discord takes at most 25 choices, each name and string value at most 100 characters.
MAX_CHOICES = 25
MAX_CHOICE_LENGTH = 100
Value = TypeVar("Value", str, int)


def choices(pairs: list[tuple[str, Value]]) -> list[app_commands.Choice[Value]]:
    """(label, value) pairs as autocomplete choices: the first 25, labels trimmed with an ellipsis."""
    return [
        app_commands.Choice(
            name=trim(label, MAX_CHOICE_LENGTH),
            value=value[:MAX_CHOICE_LENGTH] if isinstance(value, str) else value,
        )
        for label, value in pairs[:MAX_CHOICES]
    ]
