"""Running the bot for real: /healthz and /metrics over HTTP, and the same database from any working directory."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from .botproc import REPO_ROOT, BotProcess
from .driver import Driver
from .fake import FakeDiscord
from .test_events import BRUSSELS, announcing, start_in_at_least

pytestmark = pytest.mark.timeout(240)

VOICE_WARNINGS = ("PyNaCl", "davey", "voice will NOT be supported")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def web_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def bot(fake: FakeDiscord, bot_dir: Path, bot_database_url: str, web_port: int) -> Iterator[BotProcess]:
    """The module's bot with its web server on, so that /healthz and /metrics answer."""
    process = BotProcess(
        fake,
        database_url=bot_database_url,
        log_path=bot_dir / "bot.log",
        env_overrides={"WEB_PORT": str(web_port), "LOG_LEVEL": "INFO", "BACKUP_DIR": str(bot_dir / "backups")},
    )
    try:
        process.start().wait_ready()
        yield process
    finally:
        process.stop()
        process.kill()


async def get(port: int, path: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}{path}") as response:
        return response.status, await response.text()


async def health(port: int) -> tuple[int, dict[str, Any]]:
    status, body = await get(port, "/healthz")
    return status, json.loads(body)


async def scrape(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of /metrics, keyed by name and labels."""
    status, body = await get(port, "/metrics")
    assert status == 200, body
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
    }


def sample(metrics: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str) -> float:
    return metrics.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_health_is_ok_and_metrics_follow_commands_and_reminders(
    fake: FakeDiscord, bot: BotProcess, driver: Driver, web_port: int
) -> None:
    status, report = await health(web_port)
    assert status == 200, report
    assert report["status"] == "ok" and report["gateway_connected"] and report["database_reachable"]
    assert report["timer_running"] and report["reminders_overdue"] == 0

    # A reminder due within about a minute: the scrape after it shows the channel post as sent.
    title = "Metrics webinar on teacher training"
    start = start_in_at_least(70)
    await driver.slash(
        "event-admin create",
        user=driver.moderator,
        title=title,
        kind="webinar",
        start=start.astimezone(BRUSSELS).strftime("%Y-%m-%d %H:%M"),
        reminders="1m",
    )
    await driver.wait_for_message(driver.announcements, announcing(title))

    before = await scrape(web_port)
    found = await driver.slash("platform show", name="LUMA")
    assert found.message.embed["title"].startswith("LUMA")
    refused = await driver.slash(
        "event-admin create", user=driver.alice, title="Sneaky", kind="other", start="tomorrow 10:00"
    )
    assert refused.ephemeral
    after = await scrape(web_port)

    assert sample(after, "coalition_interactions_total", command="platform show", outcome="ok") == (
        sample(before, "coalition_interactions_total", command="platform show", outcome="ok") + 1
    )
    assert sample(after, "coalition_interactions_total", command="event-admin create", outcome="refused") == (
        sample(before, "coalition_interactions_total", command="event-admin create", outcome="refused") + 1
    )
    timed = sample(after, "coalition_interaction_seconds_count", command="platform show")
    assert timed == sample(before, "coalition_interaction_seconds_count", command="platform show") + 1
    assert sample(after, "coalition_interaction_seconds_bucket", command="platform show", le="3.0") == timed
    assert sample(after, "coalition_database_reachable") == 1 and sample(after, "coalition_gateway_connected") == 1
    assert ("coalition_database_errors_total", ()) in after
    for status_name in ("sent", "failed", "unconfirmed"):
        assert ("coalition_reminder_deliveries", (("status", status_name),)) in after
    assert ("coalition_panel_votes", ()) in after and ("coalition_panel_questions", (("status", "open"),)) in after

    sent_before = sample(after, "coalition_reminder_deliveries", status="sent")
    due_in = (start - timedelta(minutes=1) - datetime.now(UTC)).total_seconds()
    await driver.wait_for_message(
        driver.announcements, lambda m: m.content.startswith("⏰") and title in m.content, timeout=max(due_in, 0) + 30
    )
    for _ in range(50):  # the delivery is recorded just after the message is posted
        sent_after = sample(await scrape(web_port), "coalition_reminder_deliveries", status="sent")
        if sent_after > sent_before:
            break
        await asyncio.sleep(0.1)
    assert sent_after == sent_before + 1
    assert sample(await scrape(web_port), "coalition_reminders_overdue") == 0

    log = bot.log_text()
    assert not [warning for warning in VOICE_WARNINGS if warning in log], "discord.py warned about voice at start"
    assert "Starting: settings from the environment only" in log and "database: " in log
    driver.assert_clean()


@pytest.mark.sqlite_only
async def test_health_turns_503_while_the_database_file_is_gone(bot: BotProcess, web_port: int) -> None:
    database = Path(bot.database_url.split("///", 1)[1])
    moved = database.with_name(database.name + ".away")
    os.replace(database, moved)
    try:
        status, report = await health(web_port)
        assert status == 503, report
        assert report["status"] == "failing" and not report["database_reachable"]
        assert any("database" in problem for problem in report["problems"])
        assert sample(await scrape(web_port), "coalition_database_reachable") == 0
    finally:
        os.replace(moved, database)
    status, report = await health(web_port)
    assert status == 200, report


@pytest.mark.sqlite_only
async def test_backup_taken_while_running_restores_everything_acknowledged_before_it(
    bot: BotProcess, driver: Driver, bot_dir: Path, tmp_path: Path
) -> None:
    # The scheduled copy: written shortly after start, integrity-checked, named by time.
    backups = bot_dir / "backups"
    await asyncio.to_thread(bot.wait_for_log, "Backup written to", 40)
    (scheduled,) = backups.glob("coalition-*.db")
    with sqlite3.connect(scheduled) as scheduled_copy:
        assert scheduled_copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)

    acknowledged = await driver.slash("timezone set", user=driver.bob, zone="Europe/Lisbon")
    assert "Europe/Lisbon" in acknowledged.message.content
    copy = tmp_path / "now.db"
    backed_up = await asyncio.to_thread(cli, "db", "backup", str(copy), database_url=bot.database_url)
    assert backed_up.returncode == 0, backed_up.stderr
    # After the copy, so not in it: the restore undoes it, and the file it replaces keeps it.
    await driver.slash("timezone set", user=driver.bob, zone="Asia/Tokyo")

    refused = await asyncio.to_thread(cli, "db", "restore", str(copy), database_url=bot.database_url)
    assert refused.returncode == 1 and "running" in refused.stderr, refused.stderr

    assert bot.stop() == 0
    restored = await asyncio.to_thread(cli, "db", "restore", str(copy), database_url=bot.database_url)
    assert restored.returncode == 0, restored.stderr
    (kept,) = Path(bot.database_url.split("///", 1)[1]).parent.glob("*.before-restore-*")
    assert f"kept at {kept}" in restored.stdout
    bot.start().wait_ready()
    shown = await driver.slash("timezone show", user=driver.bob)
    assert "Europe/Lisbon" in shown.message.content
    with sqlite3.connect(kept) as previous:
        assert ("Asia/Tokyo",) in previous.execute("SELECT timezone FROM member_preferences").fetchall()
    driver.assert_clean()


def cli(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    """`python -m bot` as an admin types it beside the running bot."""
    environment = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=REPO_ROOT,
        env={
            **environment,
            "DATABASE_URL": database_url,
            "DATA_DIR": str(Path(database_url.split("///", 1)[1]).parent),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.sqlite_only
async def test_started_from_another_directory_the_bot_uses_the_same_database(
    fake: FakeDiscord, bot: BotProcess, driver: Driver, tmp_path: Path
) -> None:
    """No DATABASE_URL: the default file in DATA_DIR, whatever directory the bot is started from."""
    bot.stop()
    home, first, second = tmp_path / "home", tmp_path / "first", tmp_path / "second"
    for directory in (home, first, second):
        directory.mkdir()
    elsewhere = BotProcess(
        fake, database_url="", log_path=tmp_path / "bot.log", cwd=first, env_overrides={"DATA_DIR": str(home)}
    )
    try:
        elsewhere.start().wait_ready()
        moved = Driver(fake, elsewhere)
        await moved.slash("timezone set", user=driver.alice, zone="Europe/Helsinki")
        assert elsewhere.stop() == 0

        elsewhere.cwd = second
        elsewhere.start().wait_ready()
        shown = await Driver(fake, elsewhere).slash("timezone show", user=driver.alice)
        assert "Europe/Helsinki" in shown.message.content
        assert f"database: SQLite file {home / 'coalition.db'}" in elsewhere.log_text()
        assert not list(first.iterdir()) and not list(second.iterdir())
    finally:
        elsewhere.stop()
        elsewhere.kill()
        bot.start().wait_ready()
