"""Moderator commands carry their feature's Discord permission and the bot's own check; groups stay usable."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import discord
from discord import app_commands

from cogs._checks import MODERATOR_PERMISSION
from cogs.events import Events
from cogs.knowledge import Knowledge
from cogs.panels import Panels
from cogs.privacy import Privacy

TOP_LEVEL = [command for cog in (Events, Panels, Knowledge, Privacy) for command in cog.__cog_app_commands__]
MODERATOR_COMMANDS = {
    "event-admin create": "manage_events",
    "event-admin edit": "manage_events",
    "event-admin cancel": "manage_events",
    "event-admin attendees": "manage_events",
    "panel open": "manage_messages",
    "panel next": "manage_messages",
    "panel answered": "manage_messages",
    "panel hide": "manage_messages",
    "panel approve": "manage_messages",
    "panel queue": "manage_messages",
    "panel close": "manage_messages",
    "panel reopen": "manage_messages",
    "panel export": "manage_messages",
    "panel screen open": "manage_messages",
    "panel screen revoke": "manage_messages",
    "panel edit": "manage_messages",
    "panel block": "manage_messages",
    "panel unblock": "manage_messages",
    "panel blocked": "manage_messages",
    "knowledge review": "manage_guild",
    "knowledge gaps": "manage_guild",
}
# Commands that act on the coalition's server and mean nothing in a DM.
GUILD_ONLY = {"event", "event-admin", "panel", "ask", "questions", "answer", "knowledge"}

Command = app_commands.Command[Any, ..., Any] | app_commands.Group


def leaves(command: Command) -> Iterator[app_commands.Command[Any, ..., Any]]:
    if isinstance(command, app_commands.Group):
        for child in command.commands:
            yield from leaves(child)
    else:
        yield command


def moderator_permission(command: app_commands.Command[Any, ..., Any]) -> str | None:
    return next((getattr(c, MODERATOR_PERMISSION) for c in command.checks if hasattr(c, MODERATOR_PERMISSION)), None)


def sync_payload(command: Command) -> dict[str, object]:
    tree = app_commands.CommandTree(discord.Client(intents=discord.Intents.none()))
    return command.to_dict(tree)


def test_every_moderator_command_is_checked_and_declared_with_its_feature_permission() -> None:
    declared = {
        leaf.qualified_name: moderator_permission(leaf)
        for top in TOP_LEVEL
        for leaf in leaves(top)
        if moderator_permission(leaf) is not None
    }
    assert declared == MODERATOR_COMMANDS
    for top in TOP_LEVEL:
        for leaf in leaves(top):
            permission = MODERATOR_COMMANDS.get(leaf.qualified_name)
            wanted = discord.Permissions(**{permission: True}) if permission else None
            assert leaf.default_permissions == wanted, leaf.qualified_name


def test_sync_payload_hides_every_moderator_command_and_shows_member_commands() -> None:
    for top in TOP_LEVEL:
        payload = sync_payload(top)
        moderator = [MODERATOR_COMMANDS.get(leaf.qualified_name) for leaf in leaves(top)]
        if all(moderator):
            # Discord takes permissions on top-level commands only: there they must be declared.
            wanted = discord.Permissions(**dict.fromkeys(moderator, True)).value  # type: ignore[arg-type]
            # discord.py sends a group's as a number and a command's as a string; Discord reads both.
            assert str(payload["default_member_permissions"]) == str(wanted), top.name
        else:
            # Discord cannot hide one subcommand from members, so no command members use holds a moderator one.
            assert not any(moderator), f"/{top.name} mixes member and moderator commands"
            assert payload["default_member_permissions"] is None, top.name
        assert (payload["dm_permission"] is False) == (top.name in GUILD_ONLY), top.name
