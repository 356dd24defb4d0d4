"""Entry point: `python -m bot` runs the bot; subcommands administer it without Discord."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sqlite3
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import aiohttp
import discord
from dotenv import load_dotenv
from sqlalchemy.exc import DBAPIError, OperationalError

from bot.paths import describe_database, describe_env_file, find_env_file
from bot.settings import Settings, SettingsError

log = logging.getLogger("bot")


class StartupError(Exception):
    """A problem that stops the bot from starting; the message says which setting and how to fix it."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="EU STEM Coalition Discord bot")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("run", help="connect to Discord and serve (the default)")

    db = commands.add_parser("db", help="database migrations").add_subparsers(dest="action", required=True)
    upgrade = db.add_parser("upgrade", help="apply migrations (default: up to the newest)")
    upgrade.add_argument("revision", nargs="?", default="head")
    downgrade = db.add_parser("downgrade", help="revert migrations down to REVISION ('base' empties it)")
    downgrade.add_argument("revision")
    db.add_parser("current", help="show the applied and the newest revision")
    backup = db.add_parser("backup", help="consistent online backup of the SQLite database (PostgreSQL: pg_dump)")
    backup.add_argument("path", type=Path)
    backup.add_argument("--force", action="store_true", help="replace PATH if it exists")
    restore = db.add_parser("restore", help="replace the SQLite database with the backup at PATH (bot stopped)")
    restore.add_argument("path", type=Path)

    data = commands.add_parser("data", help="shipped knowledge base").add_subparsers(dest="action", required=True)
    data.add_parser("load", help="load the shipped platforms and practices (idempotent)")
    data.add_parser("check", help="validate the shipped data files and report errors with file and entry")

    commands.add_parser("check", help="verify settings, database reachability and migrations, without Discord")

    find = commands.add_parser("find", help="look up platforms and practices from the terminal")
    find.add_argument("query", nargs="+")

    knowledge = commands.add_parser("knowledge", help="the knowledge base's use").add_subparsers(
        dest="action", required=True
    )
    gaps = knowledge.add_parser("gaps", help="lookups that found nothing or only weak matches, most asked first")
    gaps.add_argument("--limit", type=int, default=20)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    env_file = find_env_file(os.environ)
    load_dotenv(env_file)
    command = args.command or "run"
    # `check` answers 1 for any real problem (0: fine, or only migrations waiting); the others stop with 2.
    failure = 1 if command == "check" else 2
    try:
        settings = Settings.from_env(os.environ, require_token=command in ("run", "check"))
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return failure
    from bot.logging_setup import configure_logging

    configure_logging(settings.log_level)
    if command == "run":
        log.info("Starting: %s; database: %s", describe_env_file(env_file), describe_database(settings.database_url))
    handlers: dict[str, Callable[[Settings, argparse.Namespace], Coroutine[Any, Any, int]]] = {
        "run": run_bot,
        "db": run_db_command,
        "data": run_data_command,
        "find": run_find,
        "knowledge": run_knowledge_command,
        "check": run_check,
    }
    try:
        return asyncio.run(handlers[command](settings, args))
    except StartupError as error:
        print(f"error: {error}", file=sys.stderr)
        return failure
    except KeyboardInterrupt:
        return 130


async def prepare_database(settings: Settings) -> None:
    """Apply migrations and load the shipped data, turning connection failures into one clear line."""
    from db import migrate

    try:
        await migrate.upgrade(settings.database_url)
    except (OperationalError, DBAPIError, OSError) as error:
        reason = getattr(error, "orig", None) or error
        raise StartupError(
            f"DATABASE_URL: cannot open the database ({reason}). Check the URL, that the server is running "
            "and reachable, and that the directory of a SQLite file is writable."
        ) from None
    await load_shipped(settings)


async def load_shipped(settings: Settings) -> int:
    from db.database import Database
    from db.shipped import ShippedDataError, load_shipped_data, read_shipped_data

    try:
        data = read_shipped_data()
    except ShippedDataError as error:
        raise StartupError("shipped data is invalid:\n  " + "\n  ".join(error.problems)) from None
    # The vectors for search by meaning are computed once the bot runs (bot/client.py): until then, and on
    # this path for the other commands, lookups rank by words.
    db = Database.open(settings.database_url, semantic=False)
    try:
        report = await db.transaction(load_shipped_data, data)
    finally:
        await db.close()
    log.info("Shipped data: %s", report)
    return 0


async def run_bot(settings: Settings, _args: argparse.Namespace) -> int:
    from bot.client import create_bot
    from bot.discord_api import use_api_base
    from bot.health import monitor
    from bot.metrics import BotMetrics
    from db.database import Database
    from db.restore import hold_running_lock

    # Held until the process ends: `db restore` refuses while it is (a SQLite file only).
    _running = hold_running_lock(settings.database_url)
    await prepare_database(settings)
    if settings.discord_api_base:
        use_api_base(settings.discord_api_base)
    db = Database.open(settings.database_url, semantic=settings.semantic_search)
    bot = create_bot(settings, db)
    monitor(bot, BotMetrics())
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, lambda: asyncio.ensure_future(bot.close()))
    try:
        async with bot:
            await bot.start(settings.discord_token)
    except discord.LoginFailure:
        raise StartupError(
            "DISCORD_TOKEN: Discord rejected the token. Reset it in the Developer Portal (Bot → Reset Token) "
            "and update .env."
        ) from None
    except (aiohttp.ClientConnectionError, OSError) as error:
        # Only login can end here: once connected, discord.py reconnects by itself through outages.
        where = settings.discord_api_base or discord.http.Route.BASE
        setting = "DISCORD_API_BASE: " if settings.discord_api_base else ""
        raise StartupError(
            f"{setting}cannot reach Discord at {where} ({error}). Check this machine's network connection"
            + (" and the URL." if settings.discord_api_base else ".")
        ) from None
    except discord.PrivilegedIntentsRequired:
        raise StartupError(
            "the bot asked for a privileged intent that is not enabled in the Developer Portal."
        ) from None
    finally:
        await db.close()
    return 0


async def run_db_command(settings: Settings, args: argparse.Namespace) -> int:
    from db import migrate

    if args.action == "backup":
        return await run_backup(settings, args.path, overwrite=args.force)
    if args.action == "restore":
        from bot.backups import run_restore

        return await run_restore(settings, args.path)
    try:
        if args.action == "upgrade":
            await migrate.upgrade(settings.database_url, args.revision)
        elif args.action == "downgrade":
            await migrate.downgrade(settings.database_url, args.revision)
        current = await migrate.current_revision(settings.database_url)
    except (OperationalError, DBAPIError, OSError) as error:
        raise StartupError(f"DATABASE_URL: cannot open the database ({getattr(error, 'orig', error)}).") from None
    print(f"database revision: {current or 'empty'} (newest: {migrate.head_revision()})")
    return 0


async def run_backup(settings: Settings, target: Path, *, overwrite: bool) -> int:
    from db.backup import backup_sqlite
    from rules.errors import DomainError

    try:
        size = await asyncio.to_thread(backup_sqlite, settings.database_url, target, overwrite=overwrite)
    except DomainError as error:
        print(f"error: {error.user_message}", file=sys.stderr)
        return 1
    except sqlite3.Error as error:
        raise StartupError(f"DATABASE_URL: the backup could not read the database ({error}).") from None
    print(f"backup written to {target} ({size:,} bytes)")
    return 0


async def run_check(settings: Settings, _args: argparse.Namespace) -> int:
    """Verify what a start needs, short of Discord: settings, a reachable database, current migrations."""
    from db import migrate

    print(f"settings: OK ({describe_env_file(find_env_file(os.environ))})")
    try:
        current = await migrate.current_revision(settings.database_url)
    except (OperationalError, DBAPIError, OSError) as error:
        raise StartupError(f"DATABASE_URL: cannot open the database ({getattr(error, 'orig', error)}).") from None
    print(f"database: reachable ({describe_database(settings.database_url)})")
    head = migrate.head_revision()
    if current is not None and not migrate.knows_revision(current):
        print(
            f"error: migrations: the database is at {current}, which this version does not know (newest: {head}); "
            "it was migrated by a newer version: run that version, or restore a backup (docs/deploy.md)",
            file=sys.stderr,
        )
        return 1
    if current != head:
        # Not a problem: the bot applies them itself at its next start.
        print(
            f"migrations: waiting (database at {current or 'empty'}, code expects {head}); "
            "the bot applies them at its next start, or run `python -m bot db upgrade` now"
        )
        return 0
    print(f"migrations: current ({head})")
    return 0


async def run_data_command(settings: Settings, args: argparse.Namespace) -> int:
    from db.shipped import check_shipped_data

    if args.action == "check":
        problems = check_shipped_data()
        for problem in problems:
            print(problem)
        print("shipped data: OK" if not problems else f"shipped data: {len(problems)} problem(s)")
        return 1 if problems else 0
    await prepare_database(settings)
    return 0


async def run_find(settings: Settings, args: argparse.Namespace) -> int:
    from db.database import Database
    from db.knowledge import find_anything

    await prepare_database(settings)
    db = Database.open(settings.database_url)
    try:
        hits = await db.read(find_anything, " ".join(args.query), limit=10)
    finally:
        await db.close()
    if not hits:
        print("no matches")
    for hit in hits:
        print(f"[{hit.kind}] {hit.title} — {' '.join(hit.snippet.split())[:160]}")
    return 0


async def run_knowledge_command(settings: Settings, args: argparse.Namespace) -> int:
    from db.database import Database
    from db.gaps import top_gaps

    await prepare_database(settings)
    db = Database.open(settings.database_url)
    try:
        gaps = await db.read(top_gaps, limit=args.limit)
    finally:
        await db.close()
    if not gaps:
        print("no knowledge gaps recorded")
    for gap in gaps:
        seen = f"first {gap.first_seen:%Y-%m-%d}, last {gap.last_seen:%Y-%m-%d %H:%M} UTC"
        print(f"{gap.misses:5d}  {gap.query}  ({seen})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
