"""BotMetrics owns its registry: two bots (or two tests) never share a counter."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from bot.metrics import BotMetrics
from db.operations import OperationsSnapshot


def samples(metrics: BotMetrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(metrics.render().decode())
        for sample in family.samples
    }


def test_metrics_of_two_bots_are_separate_and_render_as_prometheus_text() -> None:
    first, second = BotMetrics(), BotMetrics()
    first.command_finished("find", "ok", 0.2)
    first.command_finished("find", "error", -0.001)  # Discord's clock a little ahead of ours
    first.record_snapshot(
        OperationsSnapshot(
            deliveries={"sent": 3, "unconfirmed": 1}, reminders_overdue=2, questions={"open": 4}, votes=9
        )
    )
    rendered = samples(first)
    assert rendered[("coalition_interactions_total", (("command", "find"), ("outcome", "ok")))] == 1
    assert rendered[("coalition_interaction_seconds_bucket", (("command", "find"), ("le", "0.01")))] == 1
    assert rendered[("coalition_interaction_seconds_count", (("command", "find"),))] == 2
    assert rendered[("coalition_reminder_deliveries", (("status", "unconfirmed"),))] == 1
    assert rendered[("coalition_reminders_overdue", ())] == 2
    assert rendered[("coalition_panel_votes", ())] == 9
    assert ("coalition_interactions_total", (("command", "find"), ("outcome", "ok"))) not in samples(second)
