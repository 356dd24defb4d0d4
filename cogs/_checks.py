"""Checks and small reply helpers shared by every cog."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar, cast

import discord
from discord import app_commands

from bot.tree import NotModeratorError
from rules.permissions import RoleRef, is_moderator

if TYPE_CHECKING:
    from bot.client import CoalitionBot


def coalition_bot(interaction: discord.Interaction) -> CoalitionBot:
    return cast("CoalitionBot", interaction.client)


def member_is_moderator(interaction: discord.Interaction) -> bool:
    """Whether the member behind this interaction may run moderator-only actions."""
    # Only guild members carry roles and permissions; a user in DMs is never a moderator.
    roles = getattr(interaction.user, "roles", None)
    permissions = getattr(interaction.user, "guild_permissions", None)
    if roles is None or permissions is None:
        return False
    return is_moderator(
        configured_role=coalition_bot(interaction).settings.moderator_role,
        roles=[RoleRef(id=role.id, name=role.name) for role in roles],
        manage_guild=permissions.manage_guild,
    )


def ensure_moderator(interaction: discord.Interaction) -> None:
    """Refuse a button or modal action of a non-moderator; commands use `moderator_only()` instead."""
    if not member_is_moderator(interaction):
        raise NotModeratorError("moderators only")


T = TypeVar("T")


# Set on a moderator check: the Discord permission (e.g. "manage_events") its command is declared with.
MODERATOR_PERMISSION = "__coalition_moderator_permission__"


def moderator_only(permission: str) -> Callable[[T], T]:
    """App-command check: only moderators (MODERATOR_ROLE or Manage Server) may run the command.

    The command is also declared with `permission` as its default member permission. Discord honours that on
    top-level commands alone, so moderator commands sit in groups of their own (/event-admin, /panel, /knowledge)
    declared with the same permission; this check still refuses when an admin has shown them to everyone.
    """

    async def predicate(interaction: discord.Interaction) -> bool:
        ensure_moderator(interaction)
        return True

    setattr(predicate, MODERATOR_PERMISSION, permission)
    checked = app_commands.check(predicate)
    declared = app_commands.default_permissions(**{permission: True})

    def decorate(command: T) -> T:
        return declared(checked(command))

    return decorate
