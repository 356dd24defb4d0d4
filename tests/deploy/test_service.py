"""The systemd unit in deploy/: valid for systemd itself, and saying what docs/deploy.md promises."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
import tomllib
from importlib.metadata import entry_points
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "deploy" / "coalition-bot.service"
SHIPPED_EXEC_START = "/opt/coalition-bot/.venv/bin/coalition-bot"
CONSOLE_SCRIPT = Path(sys.executable).parent / "coalition-bot"


def unit_sections() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(UNIT.read_text(encoding="utf-8"))
    return parser


def test_service_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is missing: `bash scripts/systemd` installs it (scripts/test runs it)")
    # verify insists that ExecStart exists: point it at this environment's console script, nothing else changed.
    unit = tmp_path / UNIT.name
    unit.write_text(UNIT.read_text(encoding="utf-8").replace(SHIPPED_EXEC_START, str(CONSOLE_SCRIPT)))
    checked = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True, timeout=60)
    complaints = [line for line in (checked.stdout + checked.stderr).splitlines() if UNIT.name in line]
    assert checked.returncode == 0 and not complaints, checked.stdout + checked.stderr


def test_service_unit_restarts_on_failure_stops_gracefully_and_logs_to_journald() -> None:
    service = unit_sections()["Service"]
    assert service["Restart"] == "on-failure"
    assert service["RestartPreventExitStatus"] == "2", "a bad setting (exit 2) is not retried for ever"
    assert service["KillSignal"] == "SIGTERM" and int(service["TimeoutStopSec"]) > 10
    assert service["StandardOutput"] == "journal" and service["StandardError"] == "journal"
    assert service["EnvironmentFile"].lstrip("-") == "/etc/coalition-bot/coalition-bot.env"
    # The data directory systemd creates for the bot is the one the bot is told to use.
    assert f"DATA_DIR=/var/lib/{service['StateDirectory']}" in service["Environment"].split()
    assert service["ExecStart"] == f"{SHIPPED_EXEC_START} run"


def test_console_script_is_declared_and_runs() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"coalition-bot": "bot.__main__:main"}
    (script,) = entry_points(group="console_scripts", name="coalition-bot")
    assert script.value == "bot.__main__:main"
    helped = subprocess.run([str(CONSOLE_SCRIPT), "--help"], capture_output=True, text=True, timeout=60)
    assert helped.returncode == 0 and "check" in helped.stdout and "db" in helped.stdout
