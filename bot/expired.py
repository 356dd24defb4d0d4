"""Buttons the bot no longer knows (their view lived in a process that has since stopped) get a polite answer."""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot.i18n import for_member
from rules.i18n import N_

log = logging.getLogger(__name__)

EXPIRED = N_("This list or button has expired (the bot has restarted since it was posted). Run the command again.")


def handles_component(view_store: Any, interaction: discord.Interaction) -> bool:
    """Whether discord.py's view store dispatched this click to a view or a dynamic item.

    Mirrors `ViewStore.dispatch_view`'s own lookup: a dynamic item's pattern, then a view by message, then a
    persistent view. Should that private store change shape, every click counts as handled (no reply
    rather than a wrong one).
    """
    data: Any = interaction.data or {}
    custom_id, component_type = data.get("custom_id"), data.get("component_type")
    patterns: Any = getattr(view_store, "_dynamic_items", None)
    views: Any = getattr(view_store, "_views", None)
    if not isinstance(custom_id, str) or not hasattr(patterns, "__iter__") or not hasattr(views, "get"):
        return True
    if any(pattern.fullmatch(custom_id) for pattern in patterns):
        return True
    key = (component_type, custom_id)
    message_id = interaction.message.id if interaction.message is not None else None
    return bool(key in views.get(message_id, {}) or key in views.get(None, {}))


async def answer_if_expired(view_store: Any, interaction: discord.Interaction) -> None:
    """Tell the member a button is stale when nothing in this process will answer its click."""
    if interaction.type is not discord.InteractionType.component or handles_component(view_store, interaction):
        return
    data: Any = interaction.data or {}
    log.info("Click on an unknown button %r: told it has expired", data.get("custom_id"))
    try:
        await interaction.response.send_message(for_member(interaction, EXPIRED), ephemeral=True)
    except discord.HTTPException:
        log.warning("Could not answer a click on an expired button", exc_info=True)
