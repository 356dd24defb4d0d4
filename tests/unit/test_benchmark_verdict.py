"""benchmarks/reminders.py fails a run only for the configuration the bot ships, not for its comparison row."""

from __future__ import annotations

import importlib.util
import sys
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


@pytest.fixture
def panels_benchmark(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    spec = importlib.util.spec_from_file_location("panels_benchmark", BENCHMARKS / "panels.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "panels_benchmark", module)  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def test_scaling_judges_p99_growth_against_the_logarithm_and_intake_against_the_disk(
    panels_benchmark: ModuleType,
) -> None:
    def row(open_questions: int, p99: float, intake: float) -> dict[str, float | int | str]:
        return {"open": open_questions, "ask_p50": 1.0, "ask_p99": p99, "intake_per_s": intake, "lost": 0,
                "failed": 0, "gapless": 1, "similar": 0, "first_failure": ""}  # fmt: skip

    # log(30,000) / log(100) is 2.24: p99 may grow from 10 ms to 22 ms, not to 23 ms.
    assert panels_benchmark.report_scaling([row(100, 10.0, 600), row(30_000, 22.0, 600)], raw_rate=1000)
    assert not panels_benchmark.report_scaling([row(100, 10.0, 600), row(30_000, 23.0, 600)], raw_rate=1000)
    assert not panels_benchmark.report_scaling([row(100, 10.0, 400), row(30_000, 10.0, 600)], raw_rate=1000)
