"""The end of a test run, as a person reads it: skipped PostgreSQL runs summed up in one line, not listed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.databases import NO_POSTGRES

ROOT = Path(__file__).resolve().parents[2]
SUITE = f"""
import pytest

@pytest.mark.parametrize("backend", ["a", "b", "c"])
def test_on_postgres(backend):
    pytest.skip({NO_POSTGRES!r})

def test_without_a_tool():
    pytest.skip("the tool is missing")

def test_that_runs():
    assert True
"""


def test_skipped_postgres_runs_are_summed_up_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text("from tests.conftest import pytest_terminal_summary  # noqa: F401\n")
    (tmp_path / "test_sample.py").write_text(SUITE)
    ran = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rfE", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = ran.stdout.splitlines()
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert f"3 PostgreSQL test run(s) skipped: {NO_POSTGRES}" in lines
    assert "1 test(s) skipped: the tool is missing" in lines
    assert not [line for line in lines if line.startswith("SKIPPED")], "skips listed one by one"
    assert lines[-1].startswith("1 passed, 4 skipped")
