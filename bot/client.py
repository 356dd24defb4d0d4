"""The Discord client: loads the cogs, registers persistent buttons and syncs slash commands."""

from __future__ import annotations

import asyncio
import gc
import logging
from typing import Any

import discord
from discord.ext import commands

from bot.backups import schedule_backups
from bot.discord_api import use_api_gateway
from bot.expired import answer_if_expired
from bot.i18n import CatalogueTranslator
from bot.interest import report_interest
from bot.retention import schedule_retention
from bot.scheduler import ReminderScheduler
from bot.settings import Settings
from bot.tree import CoalitionTree
from bot.web import ScreenHub, WebServer
from db.database import Database
from db.knowledge import warm_lookup_caches
from db.questions import rehearse_asking_and_voting
from db.shipped import store_missing_vectors

log = logging.getLogger(__name__)

EXTENSIONS = ("cogs.knowledge", "cogs.events", "cogs.panels", "cogs.privacy")
# discord.py runs each interaction handler as a task with one of these names; a graceful stop waits for them.
INTERACTION_TASK_PREFIXES = (
    "CommandTree-invoker",
    "discord-ui-view-dispatch-",
    "discord-ui-modal-dispatch-",
    "discord-ui-dynamic-item-",
)
SHUTDOWN_GRACE_SECONDS = 10.0


class CoalitionBot(commands.Bot):
    def __init__(
        self,
        *,
        settings: Settings,
        db: Database,
        **options: Any,
    ) -> None:
        # The bot never joins voice: without this, discord.py warns at every start that PyNaCl and davey are missing.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        intents = discord.Intents.default()
        # No privileged intents: everything arrives through interactions and the guild cache.
        intents.typing = False
        intents.presences = False
        intents.message_content = False
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=CoalitionTree,
            help_command=None,
            **options,
        )
        self.settings = settings
        self.db = db
        report_interest(self)
        self.draining = False
        self.embedding: asyncio.Task[None] | None = None
        self.reminders = ReminderScheduler(
            db=db,
            ready=self.wait_until_ready,
            fallback_channel_id=settings.announce_channel_id,
        )
        self.screens = ScreenHub(db, language=settings.server_language)
        self.web = WebServer(settings, db, self.screens)
        # Whatever command committed a change, the presenter screens and the reminder timer follow it.
        db.on_change(self.screens.follow)
        db.on_change(self.reminders.follow)

    async def setup_hook(self) -> None:
        if self.settings.discord_api_base:
            await use_api_gateway(self.http)
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        await self.db.read(warm_lookup_caches)
        self.embedding = asyncio.create_task(self._embed_new_documents(), name="embed-new-documents")
        # The writer's connection and statements, ready before the first member asks or votes.
        await self.db.rehearse(rehearse_asking_and_voting)
        await self.tree.set_translator(CatalogueTranslator())
        await self.sync_commands()
        # Jobs due while the bot was down fire now; each waits until the gateway is ready before sending.
        await self.reminders.start()
        schedule_retention(self.reminders.scheduler, db=self.db, settings=self.settings)
        schedule_backups(self.reminders.scheduler, settings=self.settings)
        await self.web.start()
        # What is loaded by now (modules, commands, caches) lives as long as the process: kept out of the
        # collector's full passes, which otherwise stall the event loop ~35 ms each to re-scan it. The
        # garbage of starting up is collected first, so none of it is kept.
        gc.collect()
        gc.freeze()

    async def _embed_new_documents(self) -> None:
        """Store the vectors of documents added or changed since the last run (all of them on a new database:
        10–25 s on two cores), while the bot already answers; lookups rank by words until they are stored."""
        try:
            stored = await store_missing_vectors(self.db)
        except Exception:
            # Lookups still rank by words; the next start tries again.
            log.exception("Could not store the vectors for search by meaning")
            return
        if stored:
            log.info("Search by meaning: %d documents embedded and stored", stored)
            await self.db.read(warm_lookup_caches)

    async def close(self) -> None:
        """Stop gracefully: refuse new commands, let reminders and interactions under way finish, then disconnect."""
        if not self.draining:
            self.draining = True
            log.info("Stopping: finishing work under way (at most %.0f s)", SHUTDOWN_GRACE_SECONDS)
            await self.web.stop()
            if self.embedding is not None:
                self.embedding.cancel()
            await self.reminders.stop(grace=SHUTDOWN_GRACE_SECONDS)
            await self._wait_for_interactions(SHUTDOWN_GRACE_SECONDS)
        await super().close()

    async def _wait_for_interactions(self, grace: float) -> None:
        current = asyncio.current_task()
        running = [
            task
            for task in asyncio.all_tasks()
            if task is not current and task.get_name().startswith(INTERACTION_TASK_PREFIXES)
        ]
        if not running:
            return
        _done, late = await asyncio.wait(running, timeout=grace)
        if late:
            log.warning("Stopped with %d interaction(s) still running after %.0f s", len(late), grace)

    async def sync_commands(self) -> None:
        """Sync to GUILD_ID when set (instant), else globally (Discord may take up to an hour)."""
        if self.settings.guild_id:
            guild = discord.Object(id=self.settings.guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("Synced %d commands to guild %s", len(synced), self.settings.guild_id)
        else:
            synced = await self.tree.sync()
            log.info("Synced %d global commands", len(synced))

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        await answer_if_expired(self._connection._view_store, interaction)

    async def on_ready(self) -> None:
        log.info("coalition-bot ready as %s in %d guild(s)", self.user, len(self.guilds))


class ShardedCoalitionBot(CoalitionBot, commands.AutoShardedBot):
    """The same bot running several gateway shards in one process (SHARD_COUNT with several SHARD_IDS)."""


def create_bot(settings: Settings, db: Database) -> CoalitionBot:
    """An unsharded bot, one shard of a sharded bot, or several shards in this process, per the settings."""
    if settings.shard_count is None:
        return CoalitionBot(settings=settings, db=db)
    if settings.shard_ids is not None and len(settings.shard_ids) == 1:
        return CoalitionBot(settings=settings, db=db, shard_id=settings.shard_ids[0], shard_count=settings.shard_count)
    return ShardedCoalitionBot(
        settings=settings,
        db=db,
        shard_count=settings.shard_count,
        shard_ids=list(settings.shard_ids) if settings.shard_ids else None,
    )
