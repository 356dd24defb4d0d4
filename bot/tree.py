"""The command tree's single error handler: domain errors become polite ephemeral replies."""

from __future__ import annotations

import logging
import secrets
from typing import Any, cast

import discord
from discord import app_commands

from bot.i18n import for_member, member_locale
from rules.errors import DomainError
from rules.i18n import N_, translate
from rules.text import check_storable

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


MODERATORS_ONLY = N_("Sorry, only moderators can do that.")
APOLOGY = N_(
    "Sorry, something went wrong on our side. It has been logged as error `{error_id}`; please try again in a "
    "moment, and quote that id to a moderator if it keeps happening."
)


def user_message_for(error: BaseException, locale: str | None = None) -> str | None:
    """The message to show for an expected error in the locale's language (English by default), or None for an
    unexpected one."""
    if isinstance(error, app_commands.CommandInvokeError | app_commands.TransformerError):
        error = error.__cause__ or error
    if isinstance(error, DomainError):
        return error.message_in(locale)
    if isinstance(error, NotModeratorError):
        return translate(locale, MODERATORS_ONLY)
    if isinstance(error, app_commands.NoPrivateMessage):
        return translate(locale, "This command only works in the coalition's server.")
    if isinstance(error, app_commands.CommandOnCooldown):
        return translate(locale, "Slow down a little: try again in {seconds} s.", seconds=f"{error.retry_after:.0f}")
    if isinstance(error, app_commands.CheckFailure):
        return translate(locale, "Sorry, you can't use this command here.")
    return None


async def report_error(interaction: discord.Interaction, error: BaseException) -> None:
    """Tell the member what went wrong; log anything unexpected with its traceback under an id they can quote."""
    message = user_message_for(error, member_locale(interaction))
    if message is None:
        # The member quotes the id; the same id finds the traceback in the log.
        error_id = secrets.token_hex(4)
        log.error("Unhandled error %s in interaction %s", error_id, interaction.data, exc_info=error)
        message = for_member(interaction, APOLOGY, error_id=error_id)
    try:
        await send_ephemeral(interaction, message)
    except discord.HTTPException:
        log.warning("Could not deliver an error message for interaction %s", interaction.id)


RESTARTING = N_("The bot is restarting; please try again in a minute.")


def unstorable_option(interaction: discord.Interaction) -> str | None:
    """Why a typed option can't be taken (a NUL or broken character), checked once for every command."""
    data = cast("dict[str, Any]", interaction.data or {})
    options: list[dict[str, Any]] = list(data.get("options") or [])
    while options:
        option = options.pop()
        options += option.get("options") or []
        value = option.get("value")
        if isinstance(value, str):
            try:
                check_storable(value, what=str(option.get("name", "?")))
            except DomainError as error:
                return error.message_in(member_locale(interaction))
    return None


class CoalitionTree(app_commands.CommandTree):
    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """Refuse an option no database stores; while stopping, take no new commands (autocomplete gets no
        choices, commands a polite refusal)."""
        unstorable = unstorable_option(interaction)
        if unstorable is not None:
            if interaction.type is discord.InteractionType.autocomplete:
                await interaction.response.autocomplete([])
            else:
                await send_ephemeral(interaction, unstorable)
            return False
        if not getattr(interaction.client, "draining", False):
            return True
        if interaction.type is discord.InteractionType.application_command:
            await send_ephemeral(interaction, for_member(interaction, RESTARTING))
        return False

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        # Whoever counts failures (bot/metrics.py) listens for this; the tree knows no more of them.
        interaction.client.dispatch("slash_command_failed", interaction, error)
        await report_error(interaction, error)
