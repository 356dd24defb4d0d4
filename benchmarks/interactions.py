"""Interaction round trips: the real bot process against the loopback fake of Discord, beside a bare floor.

What is measured: for each interaction, the time from the moment the fake dispatches INTERACTION_CREATE on
the gateway to the moment the bot's interaction callback (its reply, or its "thinking…" when it defers)
reaches the fake's REST API, both read on the fake's clock (`InteractionRecord.callback["latency"]`). That is
what a member waits for, minus Discord's own network, and what Discord holds to 3 seconds.

How: the fake (tests/e2e/fake) serves REST and gateway on 127.0.0.1; `python -m bot` runs on a fresh SQLite
file in a temp dir (it migrates and loads the shipped data at start) and each round sends, one after another,
/platform show, /find, /practice search, /ask on a panel opened by a moderator, and a click on the vote
button of the question just posted. The next interaction waits until the bot has finished the last one
(posted the question, sent the vote's followup), so each is timed alone. The kinds alternate within a round
so that a noisy stretch of the machine hits them all alike. A few rounds are sent first, untimed but for the
very first, whose round trips are printed on their own: what start-up left for a member's first use.

The floor: benchmarks/bare_bot.py, a discord.py client with the same commands that answer a fixed text at
once, no database, pointed at the same fake the same way and driven by the same rounds. The difference
between the two columns is the bot's own work.

Run: .venv/bin/python benchmarks/interactions.py [--rounds 200] [--repo DIR]
`--repo /work/before` times the bot of another checkout (cwd and PYTHONPATH set to it), on this interpreter;
`--also SEMANTIC_SEARCH=off` times the bot once more with a setting changed, in a column of its own.
Prints p50/p99/max per kind, in milliseconds, the floor beside the bot.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import string
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from machine import python_speed
from questions import distinct_member_questions

from tests.databases import sqlite_url
from tests.e2e.botproc import REPO_ROOT, BotProcess
from tests.e2e.driver import Driver, InteractionResult, Message
from tests.e2e.fake import FakeDiscord, Member

KINDS = ("/platform show", "/find", "/practice search", "/ask", "vote click")
# (/platform show name, /practice search query), from the shipped data, one pair per round in turn; /find asks
# a member's question, a different one each round (benchmarks/questions.py).
LOOKUPS = (
    ("Astra", "teacher training"),
    ("LUMA", "role models"),
    ("Teknikcollege", "industry"),
    ("VLAIO", "girls"),
    ("Platform Beta Techniek", "decision-makers"),
)
# One member may have at most 100 unanswered questions (the setting's ceiling), and six members ask in turn.
MAX_ROUNDS = 500
WARMUP_ROUNDS = 5
# The real cooldown (15 s) would turn every /ask but the first into a refusal: the benchmark times asking.
BOT_SETTINGS = {"LOG_LEVEL": "INFO", "QUESTION_COOLDOWN_SECONDS": "0", "QUESTION_MAX_OPEN_PER_MEMBER": "100"}
STEP_TIMEOUT = 15.0
START_TIMEOUT = 120.0

Timings = dict[str, list[float]]


def question_text(rng: random.Random) -> str:
    """A question unlike any other asked, so the near-duplicate check never turns it away."""
    words = ["".join(rng.choices(string.ascii_lowercase, k=7)) for _ in range(5)]
    return f"How do {words[0]} and {words[1]} change {words[2]} for {words[3]} {words[4]}?"


def has_vote_button(message: Message) -> bool:
    return any((b.get("custom_id") or "").startswith("panel:vote:") for b in message.buttons)


def vote_id(message: Message) -> str:
    return next(b["custom_id"] for b in message.buttons if b["custom_id"].startswith("panel:vote:"))


class Rounds:
    """One target's session: the members taking turns and the question message the next click votes on."""

    def __init__(self, driver: Driver, seed: int) -> None:
        self.driver = driver
        self.rng = random.Random(seed)
        self.members: list[Member] = [
            driver.alice, driver.bob, driver.chen, driver.owner, driver.organiser, driver.moderator
        ]  # fmt: skip
        self.question: Message | None = None
        self.questions = distinct_member_questions(WARMUP_ROUNDS + MAX_ROUNDS)

    async def open_panel(self) -> None:
        opened = await self.driver.slash(
            "panel open", user=self.driver.moderator, title="Interaction benchmark", panelists="Jan Lundell (LUMA)"
        )
        assert "open" in opened.text, f"/panel open did not open the panel: {opened.text!r}"

    async def one(self, number: int, timings: Timings | None) -> None:
        """Send one interaction of each kind; record their round trips in `timings` unless warming up."""
        d = self.driver
        member = self.members[number % len(self.members)]
        voter = self.members[(number + 1) % len(self.members)]
        platform, practice = LOOKUPS[number % len(LOOKUPS)]
        anything = self.questions[number % len(self.questions)]
        steps: list[tuple[str, Callable[[], Awaitable[InteractionResult]]]] = [
            ("/platform show", lambda: d.slash("platform show", name=platform, user=member)),
            ("/find", lambda: d.slash("find", query=anything, user=member)),
            ("/practice search", lambda: d.slash("practice search", query=practice, user=member)),
            ("/ask", lambda: self.ask(member)),
            ("vote click", lambda: self.vote(voter)),
        ]
        for kind, step in steps:
            result = await step()
            latency = result.latency
            assert latency is not None, f"{kind}: the bot never sent its callback"
            if timings is not None:
                timings[kind].append(latency * 1000)

    async def ask(self, member: Member) -> InteractionResult:
        """/ask, then wait for the question in the channel: the vote click needs it, and must not overlap it."""
        result = await self.driver.slash("ask", question=question_text(self.rng), user=member, timeout=STEP_TIMEOUT)
        self.question = await self.driver.wait_for_message(
            self.driver.general, has_vote_button, after=result.record.id, timeout=STEP_TIMEOUT
        )
        return result

    async def vote(self, voter: Member) -> InteractionResult:
        """Click the vote button of the question just asked; when the bot updates the message, wait for its note."""
        assert self.question is not None, "no question to vote on"
        result = await self.driver.click(self.question, vote_id(self.question), user=voter, timeout=STEP_TIMEOUT)
        if result.callback_type == 7:
            await result.wait_followup(timeout=STEP_TIMEOUT)
        return result


@dataclass(frozen=True)
class Footprint:
    """How long the process took to be ready, and its memory once the rounds were done (resident, and peak)."""

    start_seconds: float
    resident_mb: float
    peak_mb: float

    def __str__(self) -> str:
        return f"ready in {self.start_seconds:.1f} s, {self.resident_mb:.0f} MB resident (peak {self.peak_mb:.0f} MB)"


def memory_mb(pid: int) -> tuple[float, float]:
    """VmRSS and VmHWM of a running process, in MB (Linux)."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


@dataclass(frozen=True)
class Measured:
    """One process's round trips per kind (ms), those of the first round after its start (each kind's first use:
    what a lazy start-up leaves to the first member), and its footprint."""

    timings: Timings
    first: Timings
    footprint: Footprint


async def measure(fake: FakeDiscord, process: BotProcess, rounds: int, seed: int) -> Measured:
    """Start the process on the fake, drive it, stop it, and say how it went."""
    try:
        started = time.perf_counter()
        await asyncio.to_thread(process.start().wait_ready, START_TIMEOUT)
        start_seconds = time.perf_counter() - started
        session = Rounds(Driver(fake, process), seed)
        await session.open_panel()
        first: Timings = {kind: [] for kind in KINDS}
        await session.one(0, first)
        for number in range(1, WARMUP_ROUNDS):
            await session.one(number, None)
        timings: Timings = {kind: [] for kind in KINDS}
        for number in range(WARMUP_ROUNDS, WARMUP_ROUNDS + rounds):
            await session.one(number, timings)
        refused = fake.rejections_since(0)
        assert not refused, f"the fake refused what the bot sent: {[str(r) for r in refused[:3]]}"
        assert process.pid is not None
        return Measured(timings, first, Footprint(start_seconds, *memory_mb(process.pid)))
    finally:
        process.stop()
        process.kill()


def summary(values: list[float]) -> str:
    ordered = sorted(values)
    p50 = ordered[len(ordered) // 2]
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"{p50:7.2f} {p99:7.2f} {ordered[-1]:7.2f}"


def revision(repo: Path) -> str:
    """The checkout's commit, so that a pasted result says which code it timed."""
    found = subprocess.run(["git", "-C", str(repo), "log", "-1", "--format=%h"], capture_output=True, text=True)
    return found.stdout.strip() if found.returncode == 0 else "not a git checkout"


def report(columns: list[tuple[str, Measured]], repo: Path, rounds: int) -> None:
    print(f"{rounds} rounds, each kind once per round; bot: python -m bot in {repo} ({revision(repo)})")
    for label, measured in columns:
        print(f"{label}: {measured.footprint}")
    print(f"{'':<18}" + "".join(f" {label:>33}" for label, _m in columns))
    print(f"{'round trip, ms':<18}" + "".join(f" {'p50     p99     max   first':>33}" for _c in columns))
    for kind in KINDS:
        print(f"{kind:<18}" + "".join(f" {summary(m.timings[kind]):>25} {m.first[kind][0]:>7.2f}" for _l, m in columns))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200, help=f"timed rounds, 1 to {MAX_ROUNDS} (default 200)")
    parser.add_argument("--repo", type=Path, default=REPO_ROOT, help="checkout whose bot to run (default: this one)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--also",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="time the bot once more with this setting changed, as a column of its own (repeatable)",
    )
    args = parser.parse_args()
    if not 1 <= args.rounds <= MAX_ROUNDS:
        parser.error(f"--rounds must be between 1 and {MAX_ROUNDS}")
    args.repo = args.repo.resolve()
    if not (args.repo / "bot" / "__main__.py").is_file():
        parser.error(f"{args.repo} holds no bot/__main__.py")
    return args


async def main() -> None:
    args = parse_args()
    print(python_speed(), end="\n\n")
    fake = FakeDiscord().start()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-interactions-") as tmp:
            workdir = Path(tmp)
            floor_process = BotProcess(
                fake,
                database_url=sqlite_url(workdir / "unused.db"),
                log_path=workdir / "floor.log",
                argv=[sys.executable, str(Path(__file__).with_name("bare_bot.py"))],
                env_overrides={"PYTHONPATH": str(REPO_ROOT), "LOG_LEVEL": "INFO"},
            )
            columns = [("floor (bare discord.py)", await measure(fake, floor_process, args.rounds, args.seed))]
            for number, change in enumerate(["", *args.also]):
                key, _, value = change.partition("=")
                bot_process = BotProcess(
                    fake,
                    database_url=sqlite_url(workdir / f"bot{number}.db"),
                    log_path=workdir / f"bot{number}.log",
                    cwd=args.repo,
                    env_overrides={"PYTHONPATH": str(args.repo), **BOT_SETTINGS, **({key: value} if key else {})},
                )
                measured = await measure(fake, bot_process, args.rounds, args.seed)
                columns.append((f"bot {change}" if change else "bot", measured))
    finally:
        fake.stop()
    report(columns, args.repo, args.rounds)


if __name__ == "__main__":
    asyncio.run(main())
