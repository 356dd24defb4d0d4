"""What the bot counts for Prometheus: interactions, reminders, panel activity and database errors.

One `BotMetrics` is built at start and passed in; it owns its own `CollectorRegistry`, so tests and a second
bot in one process never share counters. Counters of this process (interactions, database errors) are counted as
they happen; totals the database already keeps (reminder deliveries, questions, votes) are read from it at each
scrape, so they are right across restarts and across several instances.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from bot.tree import user_message_for
from db.operations import OperationsSnapshot

if TYPE_CHECKING:
    from discord.ext import commands

# Interaction latency buckets, seconds: Discord fails an interaction not answered within 3 s.
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)


class BotMetrics:
    """The bot's metrics and their registry; `render()` gives the Prometheus text format."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.interactions = Counter(
            "coalition_interactions",
            "Slash commands handled, by command and outcome (ok, refused: the member was told why, error).",
            ["command", "outcome"],
            registry=self.registry,
        )
        self.interaction_seconds = Histogram(
            "coalition_interaction_seconds",
            "Time from the member's command (its id's timestamp) to the end of its handler, by command.",
            ["command"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.database_errors = Counter(
            "coalition_database_errors", "Database statements that failed in this process.", registry=self.registry
        )
        self.reminder_deliveries = Gauge(
            "coalition_reminder_deliveries",
            "Reminder messages (channel posts and DMs) in the database, by status: sent, failed, skipped, "
            "unconfirmed (claimed by a process that died mid-send), pending, sending.",
            ["status"],
            registry=self.registry,
        )
        self.reminders_overdue = Gauge(
            "coalition_reminders_overdue",
            "Reminders still not sent a minute or more after they were due.",
            registry=self.registry,
        )
        self.questions = Gauge(
            "coalition_panel_questions",
            "Panel questions in the database, by status.",
            ["status"],
            registry=self.registry,
        )
        self.votes = Gauge(
            "coalition_panel_votes", "Upvotes on panel questions in the database.", registry=self.registry
        )
        self.gateway_connected = Gauge(
            "coalition_gateway_connected", "1 while the Discord gateway connection is up.", registry=self.registry
        )
        self.database_reachable = Gauge(
            "coalition_database_reachable",
            "1 when the last health check could read the database.",
            registry=self.registry,
        )

    def command_finished(self, command: str, outcome: str, seconds: float) -> None:
        """Count a slash command with its outcome and how long the member waited for it."""
        self.interactions.labels(command=command, outcome=outcome).inc()
        # Discord's clock and ours may differ by a few milliseconds: never a negative duration.
        self.interaction_seconds.labels(command=command).observe(max(seconds, 0.0))

    def record_snapshot(self, snapshot: OperationsSnapshot) -> None:
        """Take the totals the database keeps into the gauges, before a scrape renders them."""
        for status, count in snapshot.deliveries.items():
            self.reminder_deliveries.labels(status=status).set(count)
        self.reminders_overdue.set(snapshot.reminders_overdue)
        for status, count in snapshot.questions.items():
            self.questions.labels(status=status).set(count)
        self.votes.set(snapshot.votes)

    def render(self) -> bytes:
        return generate_latest(self.registry)


def command_name(interaction: discord.Interaction) -> str:
    """The full name of the slash command (`panel ask`), or the name Discord sent if it is unknown."""
    command = interaction.command
    if command is not None:
        return command.qualified_name
    data: dict[str, object] = dict(interaction.data or {})
    return str(data.get("name", "unknown"))


def waited(interaction: discord.Interaction) -> float:
    """Seconds since the member sent the command, read from the interaction id's timestamp."""
    return (discord.utils.utcnow() - interaction.created_at).total_seconds()


def watch_interactions(bot: commands.Bot, metrics: BotMetrics) -> None:
    """Count and time every slash command, when its handler completes or fails (bot/tree.py tells of failures)."""

    async def on_app_command_completion(interaction: discord.Interaction, _command: object) -> None:
        metrics.command_finished(command_name(interaction), "ok", waited(interaction))

    async def on_slash_command_failed(interaction: discord.Interaction, error: BaseException) -> None:
        if interaction.type is not discord.InteractionType.application_command:
            return
        outcome = "error" if user_message_for(error) is None else "refused"
        metrics.command_finished(command_name(interaction), outcome, waited(interaction))

    bot.add_listener(on_app_command_completion, "on_app_command_completion")
    bot.add_listener(on_slash_command_failed, "on_slash_command_failed")
