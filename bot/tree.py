"""The command tree's single error handler: domain errors become polite ephemeral replies."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from rules.errors import DomainError

log = logging.getLogger(__name__)



class NotModeratorError(app_commands.CheckFailure):
    """Raised when a member who is not a moderator runs a moderator-only command or button."""


async def send_ephemeral(interaction: discord.Interaction, content: str) -> None:
    """Answer only the member who acted, whether or not the interaction was already answered."""
    if interaction.response.is_done():
        await interaction.followup.send(content, ephemeral=True, allowed_mentions=discord.AllowedMentions.none())
    else:
        await interaction.response.send_message(
            content, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )


MODERATORS_ONLY = "Sorry, only moderators can do that."
APOLOGY = "Sorry, something went wrong on our side. It has been logged; please try again in a moment."


def user_message_for(error: BaseException) -> str | None:
    """The message to show for an expected error, or None for an unexpected one."""
    if isinstance(error, app_commands.CommandInvokeError | app_commands.TransformerError):
        error = error.__cause__ or error
    if isinstance(error, DomainError):
        return error.user_message
    if isinstance(error, NotModeratorError):
        return MODERATORS_ONLY
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command only works in the coalition's server."
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little: try again in {error.retry_after:.0f} s."
    if isinstance(error, app_commands.CheckFailure):
        return "Sorry, you can't use this command here."
    return None


async def report_error(interaction: discord.Interaction, error: BaseException) -> None:
    """Tell the member what went wrong; log anything unexpected with its traceback."""
    message = user_message_for(error)
    if message is None:
        log.error("Unhandled error in interaction %s", interaction.data, exc_info=error)
        message = APOLOGY
    try:
        await send_ephemeral(interaction, message)
    except discord.HTTPException:
        log.warning("Could not deliver an error message for interaction %s", interaction.id)


RESTARTING = "The bot is restarting; please try again in a minute."


class CoalitionTree(app_commands.CommandTree):
    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """While stopping, take no new commands (autocomplete gets no choices, commands a polite refusal)."""
        if not getattr(interaction.client, "draining", False):
            return True
        if interaction.type is discord.InteractionType.application_command:
            await send_ephemeral(interaction, RESTARTING)
        return False

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        # Whoever counts failures (bot/metrics.py) listens for this; the tree knows no more of them.
        interaction.client.dispatch("slash_command_failed", interaction, error)
        await report_error(interaction, error)
