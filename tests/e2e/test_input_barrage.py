"""A barrage of bad input through the real bot: every command answers it specifically, and nothing changes.

A few hundred inputs (fixed seed) from the families that once escaped as unexpected errors: huge lengths,
extreme dates and counts, zero and negative intervals, unknown zones, characters no database stores, odd
unicode, mentions. Each must get an ephemeral reply within a few seconds that is not the generic apology nor
a generic refusal, ping nobody, and leave the database and every channel as they were.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from db.engine import create_engine
from db.models.base import Base

from .botproc import BotProcess
from .driver import Driver
from .fake import FakeDiscord, Member

pytestmark = pytest.mark.timeout(600)

SEED = 22
SLASH_INPUTS = 300
AUTOCOMPLETE_INPUTS = 40
# A reply slower than this is not "in time", even on a busy CI machine.
IN_TIME = 5.0
GENERIC = (
    "Sorry, something went wrong on our side",
    "Sorry, you can't use this command here.",
    "The bot is restarting",
)
FIXTURE_TITLE = "Fixture QQ"  # junk event keys below never occur in it

LONG = ["x" * 101, "9" * 256, "ü" * 300, "a b " * 400, "🎉" * 1000, "x" * 5000]
UNSTORABLE = ["\x00", "tomorrow\x0010:00", "\ud800", "Europe/\udfffBerlin", "\x1b[31m", "line\x85break"]
ODD = ["\u202e00:41 worromot", "\u200b", "\ufeff", "e\u0301\u0301\u0301", "🎉", "２０２７-０３-０４", "@everyone"]
STARTS = [
    "9999-12-31 23:59",
    "0001-01-01 00:00",
    "in 99999999999 days",
    "in 9999999999999999999999999 minutes",
    "10000000000000000000000000000m",
    "in 0 days",
    "2027-02-30 10:00",
    "2020-01-01 10:00",
    "24:00",
    "31/12/9999 23:59",
    "2201-01-01 10:00",
    "tomorrow 25:00",
    "13pm",
    "next someday 10:00",
    "2027-03-04 14:00+05:00",
]
ENDS = ["0001-01-01 00:00", "9999-12-31 23:59", "in 99999999999 days", "2201-01-01 10:00", "99:99", "never"]
DURATIONS = ["0m", "-5m", "15d", "99999999999999h", "2 fortnights", "1y", "0"]
ZONES = [
    "localtime",
    "Factory",
    "posix/Europe/Paris",
    "right/UTC",
    "../../etc/passwd",
    "Mars/Olympus",
    "Europe/Paris/../Berlin",
    "z" * 300,
    "Europe/Brussels" + "/" * 250,
]
REPEATS = [
    "FREQ=DAILY;INTERVAL=0",
    "FREQ=DAILY;INTERVAL=-1",
    "FREQ=WEEKLY;INTERVAL=99999999999999999999",
    "FREQ=DAILY;COUNT=0",
    "FREQ=MINUTELY",
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=DAILY;BYHOUR=1,2,3",
    "FREQ=WEEKLY;UNTIL=00010101",
    "FREQ=WEEKLY;UNTIL=99991231",
    "FREQ=WEEKLY;UNTIL=20200101",
    "FREQ=MONTHLY;BYDAY=9MO",
    "FREQ=WEEKLY;INTERVAL=１",
    "every full moon",
]
OFFSETS = ["0m", "-1d", "61d", ",".join(f"{n}h" for n in range(1, 9)), "9" * 40 + "d", "5x", ";;"]
URLS = [
    "javascript:alert(1)",
    "http://[abc",
    "https://℀.com",
    "ftp://example.org",
    "https://exa mple.org",
    "https://" + "a" * 600,
]
TITLES = ["ab", "   ", "x" * 121, *UNSTORABLE[:3]]
EVENT_KEYS = ["9" * 30, "١٢٣", "0", "%%", "_", "\\", "zzzz", "99999999", *LONG[:2], *UNSTORABLE[:2]]
PANELISTS = ["((((", "Jan (Lundell", ";".join(f"Person {n}" for n in range(11)), "x" * 150, "Jan; Jan", *UNSTORABLE[:2]]
TOPICS = [";".join(f"topic {n}" for n in range(11)), "t" * 201]
PANEL_NUMBERS = [0, -1, 2**53, -(2**53), 999999]


def pick(rng: random.Random, *families: list[str]) -> str:
    return rng.choice(rng.choice(families))


def barrage(rng: random.Random, driver: Driver, fixture_id: str) -> list[tuple[str, Member, dict[str, Any]]]:
    """(command, member, options): each carries one value that must be refused, the rest valid."""
    moderator, alice = driver.moderator, driver.alice
    event = {"title": "Barrage check", "kind": "webinar", "start": "tomorrow 10:00"}
    bad_event_fields: list[Callable[[], dict[str, Any]]] = [
        lambda: {"start": pick(rng, STARTS, LONG, UNSTORABLE, ODD)},
        lambda: {"end": pick(rng, ENDS, LONG, UNSTORABLE)},
        lambda: {"duration": pick(rng, DURATIONS, LONG, UNSTORABLE)},
        lambda: {"duration": "1h", "end": "23:00"},
        lambda: {"timezone": pick(rng, ZONES, LONG, UNSTORABLE)},
        lambda: {"repeat": pick(rng, REPEATS, LONG, UNSTORABLE)},
        lambda: {"reminders": pick(rng, OFFSETS, LONG, UNSTORABLE)},
        lambda: {"url": pick(rng, URLS, UNSTORABLE)},
        lambda: {"title": rng.choice(TITLES)},
        lambda: {"location": pick(rng, UNSTORABLE, ["x" * 301])},
    ]
    makers: list[Callable[[], tuple[str, Member, dict[str, Any]]]] = [
        lambda: ("event-admin create", moderator, event | rng.choice(bad_event_fields)()),
        lambda: (
            "event-admin edit",
            moderator,
            {"event": fixture_id} | {k: v for k, v in rng.choice(bad_event_fields)().items() if k != "title" or v},
        ),
        lambda: ("event-admin edit", moderator, {"event": rng.choice(EVENT_KEYS), "location": "Online"}),
        lambda: (
            rng.choice(["event show", "event ics", "event-admin cancel"]),
            moderator,
            {"event": rng.choice(EVENT_KEYS)},
        ),
        lambda: ("event remind", alice, {"event": rng.choice(EVENT_KEYS), "on": True}),
        lambda: ("event-admin create", alice, event),
        lambda: ("timezone set", alice, {"zone": pick(rng, ZONES, LONG, UNSTORABLE, ODD)}),
        lambda: ("ask", alice, {"question": pick(rng, LONG, UNSTORABLE, ODD)}),
        lambda: ("panel open", moderator, {"title": "Barrage panel", "panelists": rng.choice(PANELISTS)}),
        lambda: ("panel open", moderator, {"title": "Barrage panel", "panelists": "Jan", "topics": rng.choice(TOPICS)}),
        lambda: ("panel export", moderator, {"panel": rng.choice(PANEL_NUMBERS)}),
        lambda: (rng.choice(["panel next", "panel queue", "panel close"]), alice, {}),
        lambda: ("find", alice, {"query": rng.choice(UNSTORABLE)}),
        lambda: ("platform show", alice, {"name": rng.choice(UNSTORABLE)}),
        lambda: ("practice search", alice, {"query": rng.choice(UNSTORABLE)}),
    ]
    return [rng.choice(makers)() for _ in range(SLASH_INPUTS)]


async def settled(bot: BotProcess) -> None:
    """Wait until the bot has stored the vectors of its new database (it does so in the background after start),
    so that only the input under test can change a row."""
    await asyncio.to_thread(bot.wait_for_log, "Search by meaning: ", 150.0)


async def database_rows(url: str) -> dict[str, list[str]]:
    """Every row of every table, as text: what "nothing changed" is measured against."""
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return {
                table.name: sorted(repr(tuple(row)) for row in (await connection.execute(select(table))).all())
                for table in Base.metadata.sorted_tables
            }
    finally:
        await engine.dispose()


def channel_state(fake: FakeDiscord) -> dict[str, Any]:
    """What members see outside ephemeral replies: channel and DM messages (with edits), scheduled events."""
    with fake.lock:
        messages = {m.id: json.dumps(m.data, sort_keys=True) for m in fake.messages.values() if not m.ephemeral}
        events = json.dumps(fake.world.guild.scheduled_events, sort_keys=True, default=str)
    return {"messages": messages, "scheduled events": events}


async def test_bad_input_barrage_gets_specific_ephemeral_replies_and_changes_nothing(
    fake: FakeDiscord, bot: BotProcess, bot_database_url: str, driver: Driver
) -> None:
    created = await driver.slash(
        "event-admin create", user=driver.moderator, title=FIXTURE_TITLE, kind="webinar", start="in 3 days at 10:00"
    )
    assert "✅ Created" in created.text, created.text
    fixture_id = created.text.split("(event #", 1)[1].split(")", 1)[0]
    await settled(bot)
    rows_before, seen_before = await database_rows(bot_database_url), channel_state(fake)

    rng = random.Random(SEED)
    failures: list[str] = []
    for command, member, options in barrage(rng, driver, fixture_id):
        began = time.monotonic()
        result = await driver.slash(command, user=member, options=options, timeout=IN_TIME * 2)
        took = time.monotonic() - began
        messages = result.messages
        text = "\n".join(message.text for message in messages)
        problems = [
            "slow" if took > IN_TIME else "",
            "no reply" if not text.strip() else "",
            "not ephemeral" if not messages or not all(message.ephemeral for message in messages) else "",
            "generic" if any(generic in text for generic in GENERIC) else "",
            "pinged" if any(message.pinged for message in messages) else "",
        ]
        if any(problems):
            found = [problem for problem in problems if problem]
            failures.append(f"/{command} {options!r:.200}: {found} after {took:.1f} s: {text!r:.300}")

    autocompleted = 0
    for _ in range(AUTOCOMPLETE_INPUTS):
        command, option = rng.choice(
            [("event-admin edit", "event"), ("timezone set", "zone"), ("event-admin create", "repeat"), ("ask", "to")]
        )
        typed = pick(rng, LONG, UNSTORABLE, ODD, ZONES, REPEATS)[:100]
        choices = await driver.autocomplete(command, option, typed, user=driver.moderator, timeout=IN_TIME)
        assert len(choices) <= 25
        autocompleted += 1

    assert not failures, f"{len(failures)} of {SLASH_INPUTS} inputs were not answered well:\n" + "\n".join(failures)
    assert autocompleted == AUTOCOMPLETE_INPUTS
    assert await database_rows(bot_database_url) == rows_before, "bad input changed the database"
    assert channel_state(fake) == seen_before, "bad input changed what members see in channels or DMs"
    assert "Unhandled error" not in bot.log_since_start()
    driver.assert_clean()


async def test_bad_modal_fields_get_specific_ephemeral_replies_and_change_nothing(
    fake: FakeDiscord, bot: BotProcess, bot_database_url: str, driver: Driver
) -> None:
    await settled(bot)
    rows_before, seen_before = await database_rows(bot_database_url), channel_state(fake)
    good = {"Title": "Robots with local engineers", "Summary": "Pupils build and program robots every week."}
    bad_fields = [
        {"Title": "Robots\x00 with engineers"},
        {"Summary": "Pupils \ud800 build robots with engineers."},
        {"Details": "Tab\tis fine, escape \x1b is not"},
        {"Link": "http://[abc"},
        {"Link": "https://℀.com"},
        {"Link": "javascript:alert(1)"},
    ]
    for bad in bad_fields:
        opened = await driver.slash("practice submit", user=driver.alice)
        answer = await driver.submit_modal(opened, good | bad, user=driver.alice)
        text = answer.text
        assert answer.ephemeral and text.strip(), (bad, text)
        assert not any(generic in text for generic in GENERIC), (bad, text)
        assert not any(message.pinged for message in answer.messages)
    assert await database_rows(bot_database_url) == rows_before, "a refused modal changed the database"
    assert channel_state(fake) == seen_before
    driver.assert_clean()
