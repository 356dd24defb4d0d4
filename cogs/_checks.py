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


def moderator_only() -> Callable[[T], T]:
    """App-command check: only moderators (MODERATOR_ROLE or Manage Server) may run the command."""

    async def predicate(interaction: discord.Interaction) -> bool:
        ensure_moderator(interaction)
        return True

    return app_commands.check(predicate)
