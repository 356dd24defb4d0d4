"""The floor of benchmarks/interactions.py: a bare discord.py bot with the same commands, no database, no work.

Each command answers a fixed text at once; /ask, like the real bot, then posts the question in the channel
with a vote button, so the benchmark has something to click. Whatever this costs per interaction is discord.py,
the event loop and the loopback fake, a cost the real bot cannot go below.

Run by the benchmark with the bot's environment: DISCORD_TOKEN, DISCORD_API_BASE, GUILD_ID.
"""

from __future__ import annotations

import logging
import os
import re
from typing import Any

import discord
from discord import app_commands

from bot.discord_api import use_api_base, use_api_gateway

ANSWER = "ok"
# The harness waits for the real bot's ready line; the floor says the same words.
READY_TEXT = "coalition-bot ready (bare discord.py floor, no database)"


class VoteButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"panel:vote:(?P<question_id>\d+)"):
    """The real bot's vote button, by custom_id; a click only answers."""

    def __init__(self, question_id: int) -> None:
        super().__init__(discord.ui.Button(label="0", custom_id=f"panel:vote:{question_id}"))

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> VoteButton:
        return cls(int(match["question_id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(ANSWER, ephemeral=True)


class BareBot(discord.Client):
    def __init__(self, *, guild_id: int, via_fake: bool) -> None:
        super().__init__(intents=discord.Intents.default(), allowed_mentions=discord.AllowedMentions.none())
        self.tree = app_commands.CommandTree(self)
        self.guild = discord.Object(id=guild_id)
        self.via_fake = via_fake
        self.questions = 0

    async def setup_hook(self) -> None:
        if self.via_fake:
            await use_api_gateway(self.http)
        self.add_dynamic_items(VoteButton)
        self._add_commands()
        await self.tree.sync(guild=self.guild)

    def _add_commands(self) -> None:
        platform = app_commands.Group(name="platform", description="Platforms")
        practice = app_commands.Group(name="practice", description="Practices")
        panel = app_commands.Group(name="panel", description="Panels")

        @platform.command(name="show", description="Show a platform")
        async def platform_show(interaction: discord.Interaction, name: str) -> None:
            await interaction.response.send_message(ANSWER)

        @practice.command(name="search", description="Search practices")
        async def practice_search(interaction: discord.Interaction, query: str) -> None:
            await interaction.response.send_message(ANSWER)

        @panel.command(name="open", description="Open a panel")
        async def panel_open(interaction: discord.Interaction, title: str, panelists: str) -> None:
            await interaction.response.send_message("The panel is open.", ephemeral=True)

        @app_commands.command(name="find", description="Find anything")
        async def find(interaction: discord.Interaction, query: str) -> None:
            await interaction.response.send_message(ANSWER)

        @app_commands.command(name="ask", description="Ask the panel")
        async def ask(interaction: discord.Interaction, question: str) -> None:
            await interaction.response.send_message(ANSWER, ephemeral=True)
            self.questions += 1
            view = discord.ui.View(timeout=None)
            view.add_item(VoteButton(self.questions))
            assert interaction.channel_id is not None
            await self.get_partial_messageable(interaction.channel_id).send(question, view=view)

        commands: list[app_commands.Group | app_commands.Command[Any, ..., None]] = [platform, practice, panel]
        for command in [*commands, find, ask]:
            self.tree.add_command(command, guild=self.guild)

    async def on_ready(self) -> None:
        print(READY_TEXT, flush=True)


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    api_base = os.environ.get("DISCORD_API_BASE")
    if api_base:
        use_api_base(api_base.rstrip("/"))
    client = BareBot(guild_id=int(os.environ["GUILD_ID"]), via_fake=bool(api_base))
    client.run(os.environ["DISCORD_TOKEN"], log_handler=None)


if __name__ == "__main__":
    main()
