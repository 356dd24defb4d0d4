"""Point discord.py at a Discord-compatible API other than Discord's own: the test suite's loopback fake.

discord.py reads the REST base and the gateway address from class attributes, so the only way to change them
is to set those attributes for the whole process. This module is the one place that does it, and only when
DISCORD_API_BASE is set; in production nothing here runs.
"""

from __future__ import annotations

import logging

import discord
import yarl
from discord.gateway import DiscordWebSocket

log = logging.getLogger(__name__)


def use_api_base(base: str) -> None:
    """Send every REST request to `base` instead of Discord (before the client logs in)."""
    discord.http.Route.BASE = base


async def use_api_gateway(http: discord.http.HTTPClient) -> None:
    """Connect to the gateway that the API at the REST base names (discord.py otherwise dials Discord's own)."""
    _shards, url, _limit = await http.get_bot_gateway()
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)
    log.info("Using the gateway of DISCORD_API_BASE: %s", url)
