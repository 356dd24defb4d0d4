"""`bash scripts/run` on a fresh copy of the checkout: runtime dependencies only, and no reinstall on a restart."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "MTAwMDAwMDAwMDAwMDAwMDAx.GabcDE.abcdefghijklmnopqrstuvwxyz0123456789AB"
NOT_SHIPPED = shutil.ignore_patterns(
    ".venv", ".git", "data", "__pycache__", "*.egg-info", ".pytest_cache", ".mypy_cache", ".ruff_cache", "build"
)

pytestmark = pytest.mark.timeout(600)


def run_script(checkout: Path, data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value for key, value in os.environ.items() if key in ("PATH", "HOME", "LANG", "PIP_INDEX_URL", "TMPDIR")
    }
    environment.update(DATA_DIR=str(data_dir), PYTHON=getattr(sys, "_base_executable", sys.executable))
    return subprocess.run(
        ["bash", "scripts/run", *args],
        cwd=checkout,
        env=environment,
        capture_output=True,
        text=True,
        timeout=540,
    )


def test_run_script_installs_runtime_only_once_and_the_bot_answers(tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    shutil.copytree(ROOT, checkout, ignore=NOT_SHIPPED)
    data_dir = tmp_path / "data"

    # First run on a machine with no .env: it writes one from the example and says what to do.
    first = run_script(checkout, data_dir, "check")
    assert first.returncode == 2 and "put your bot token in DISCORD_TOKEN" in first.stderr, first.stderr
    assert (data_dir / ".env").read_text() == (checkout / ".env.example").read_text()

    (data_dir / ".env").write_text(f"DISCORD_TOKEN={TOKEN}\n")
    checked = run_script(checkout, data_dir, "check")
    assert checked.returncode == 0, checked.stderr
    assert f"SQLite file {data_dir / 'coalition.db'}" in checked.stdout
    venv = checkout / ".venv" / "bin"
    assert (venv / "python").exists() and (venv / "coalition-bot").exists()
    for tool in ("pytest", "ruff", "mypy", "playwright"):
        assert not (venv / tool).exists(), f"scripts/run installed the development tool {tool}"

    # Nothing changed: no second install, so the start is quick.
    began = time.monotonic()
    again = run_script(checkout, data_dir, "check")
    assert again.returncode == 0, again.stderr
    assert "installing" not in again.stderr
    assert time.monotonic() - began < 20
