"""benchmarks/reminders.py fails a run only for the configuration the bot ships, not for its comparison row."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture
def reminders_benchmark(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(BENCHMARKS))  # it imports its sibling `machine`, as when run as a script
    spec = importlib.util.spec_from_file_location("reminders_benchmark", BENCHMARKS / "reminders.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_comparison_row_missing_its_targets_does_not_fail_the_run(reminders_benchmark: ModuleType) -> None:
    assert reminders_benchmark.run_passes([(True, True), (True, True), (False, False)])
    assert not reminders_benchmark.run_passes([(True, True), (True, False), (False, True)])


def test_targets_need_every_sampled_reminder_sent_on_time(reminders_benchmark: ModuleType) -> None:
    within = {"seconds": 0.5, "memory_mb": 110.0, "p99": 0.2, "sent": 300, "expected": 300}
    assert reminders_benchmark.targets_met(**within)
    assert not reminders_benchmark.targets_met(**{**within, "sent": 299})
    assert not reminders_benchmark.targets_met(**{**within, "p99": 1.5})
    assert not reminders_benchmark.targets_met(**{**within, "seconds": 2.5})
