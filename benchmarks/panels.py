"""Panel Q&A under load: 1,000 members asking 1,000 questions and casting 10,000 votes at once.

Every action runs through the service layer the cog uses, in its own transaction (`sessions.begin()`),
on a real SQLite file with the bot's pragmas (WAL, synchronous=FULL, BEGIN IMMEDIATE). An action counts
as acknowledged only when its commit has returned. At the end the database is read back: every
acknowledged question and vote must be there, numbers must run 1..N without gaps, and each question's
count must equal the votes cast for it.

Two connection strategies are compared:
  pool    the engine as the bot creates it: one pooled SQLite connection, so writers queue in first-come
          order in the pool and each gets the write lock the moment the previous commit returns. (With
          SQLAlchemy's default pool of several connections, waiting writers slept in SQLite's busy handler
          instead, and under a burst one timed out with "database is locked"; hence the bot's choice.)
  batched group commit on one connection: a writer task takes every action waiting in its queue, runs
          each inside its own SAVEPOINT (so a refused action rolls back alone), commits once, and only
          then resolves the callers' futures. Each action is still atomic and acknowledged after the
          commit that holds it; many actions share one fsync.

Two arrival patterns:
  burst   every action submitted at the same instant: the worst case; latency is mostly queueing.
  paced   actions arrive at random (Poisson) at --rate per second, as a busy panel's audience would.

Run: .venv/bin/python benchmarks/panels.py [--members 1000 --questions 1000 --votes 10000 --rate 400]
Prints throughput, p50/p99/max per action, lost actions, and the raw SQLite commit rate of the disk.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import migrate
from db.engine import create_engine, create_sessionmaker
from db.models import Question, Vote
from db.panels import QuestionRules, SimilarQuestionError, ask_question, open_panel, toggle_vote

TARGET_SECONDS = 60
TARGET_P99_MS = 50
# Real audience questions are built from a few hundred words; random picks from this vocabulary give
# questions as different from each other as distinct real ones, so the near-duplicate check does its
# full work (it compares each new question with every open one) without refusing most of them.
VOCABULARY_TEXT = (
    "teacher training role models industry regional network school pupils science technology engineering "
    "mathematics girls women inclusion quality evaluation impact early intervention outreach campaign career "
    "guidance strategy ministry municipality university centre platform pact companies vocational apprenticeship "
    "mentoring laboratory olympiad festival museum robotics coding digital skills shortage curriculum ambassadors "
    "workshop summer camp competition innovation entrepreneurship funding policy parents rural cities budget "
    "volunteers researchers librarians textbooks exams motivation attitudes interest dropout recruitment "
    "retention salary mobility exchange erasmus partners foundations media television games makerspace"
)
VOCABULARY = VOCABULARY_TEXT.split()


class GroupCommitter:
    """Run actions in shared transactions on one connection; each caller hears back after the commit."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], max_batch: int = 256) -> None:
        self.sessions = sessions
        self.max_batch = max_batch
        self.queue: asyncio.Queue[tuple[Callable[[AsyncSession], Awaitable[Any]], asyncio.Future[Any]]] = (
            asyncio.Queue()
        )
        self.batches: list[int] = []
        self.task = asyncio.create_task(self.run())

    async def submit(self, action: Callable[[AsyncSession], Awaitable[Any]]) -> Any:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        await self.queue.put((action, future))
        return await future

    async def run(self) -> None:
        while True:
            batch = [await self.queue.get()]
            while len(batch) < self.max_batch and not self.queue.empty():
                batch.append(self.queue.get_nowait())
            outcomes: list[tuple[bool, Any]] = []
            try:
                async with self.sessions.begin() as session:
                    for action, _future in batch:
                        try:
                            async with session.begin_nested():
                                outcomes.append((True, await action(session)))
                        except Exception as error:  # refused: only this action's savepoint rolled back
                            outcomes.append((False, error))
            except Exception as error:  # the commit failed: nobody's action is stored, everybody hears it
                outcomes = [(False, error)] * len(batch)
            self.batches.append(len(batch))
            for (_action, future), (ok, value) in zip(batch, outcomes, strict=True):
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(value)

    async def close(self) -> None:
        self.task.cancel()


@dataclass
class Timings:
    """Per-action latencies (submission → commit returned), in seconds."""

    asks: list[float] = field(default_factory=list)
    votes: list[float] = field(default_factory=list)
    similar_retries: int = 0
    failures: list[str] = field(default_factory=list)


def question_text(rng: random.Random, member: int) -> str:
    words = rng.sample(VOCABULARY, 7)
    return f"How does {words[0]} {words[1]} change {words[2]} and {words[3]} for {words[4]} {words[5]} {words[6]}?"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


async def timed(results: list[float], timings: Timings, action: Callable[[], Awaitable[object]]) -> object | None:
    started = time.perf_counter()
    try:
        value = await action()
    except Exception as error:  # a lost action is a result to report, not a crash of the benchmark
        timings.failures.append(f"{type(error).__name__}: {error}")
        return None
    results.append(time.perf_counter() - started)
    return value


async def arrivals(count: int, rate: float | None, rng: random.Random) -> list[float]:
    """Start offsets in seconds: all zero for a burst, else a Poisson process at `rate` per second."""
    if rate is None:
        return [0.0] * count
    offsets, clock = [], 0.0
    for _ in range(count):
        clock += rng.expovariate(rate)
        offsets.append(clock)
    return offsets


async def run_scenario(
    path: Path, *, strategy: str, rate: float | None, members: int, questions: int, votes: int, seed: int
) -> dict[str, float | int | str]:
    url = f"sqlite+aiosqlite:///{path}"
    await migrate.upgrade(url)
    engine = create_engine(url, pool_timeout=300)
    sessions = create_sessionmaker(engine)
    committer = GroupCommitter(sessions) if strategy == "batched" else None

    async def transact(action: Callable[[AsyncSession], Awaitable[Any]]) -> Any:
        """One action in its own transaction, or in its own savepoint of a shared one (batched)."""
        if committer is not None:
            return await committer.submit(action)
        async with sessions.begin() as session:
            return await action(session)

    rng = random.Random(seed)
    rules = QuestionRules(min_length=5, max_length=500, cooldown_seconds=15, max_open_per_member=10)
    async with sessions.begin() as session:
        panel = await open_panel(
            session,
            guild_id=1,
            channel_id=1,
            title="EU STEM Coalition and STEM platforms across Europe",
            panelists="Jan Lundell (LUMA Centre Finland); Mikkel Bohm (Astra); Morten Sørli (NCSR)",
            topics=None,
            moderated=False,
            anonymous_allowed=True,
            created_by=1,
        )
    timings = Timings()
    askers = (
        [rng.randrange(members) for _ in range(questions)]
        if questions > members
        else rng.sample(range(members), questions)
    )
    texts = [question_text(rng, member) for member in askers]

    async def ask(member: int, text: str, delay: float) -> int | None:
        await asyncio.sleep(delay)

        async def once() -> int:
            try:
                async with sessions.begin() as session:
                    return (
                        await ask_question(
                            session,
                            panel_id=panel.id,
                            author_id=member,
                            text=text,
                            anonymous=member % 3 == 0,
                            rules=rules,
                        )
                    ).id
            except SimilarQuestionError:
                # The member presses "Post mine anyway": a second transaction, timed as part of the action.
                timings.similar_retries += 1
                async with sessions.begin() as session:
                    return (
                        await ask_question(
                            session,
                            panel_id=panel.id,
                            author_id=member,
                            text=text,
                            anonymous=False,
                            rules=rules,
                            allow_similar=True,
                        )
                    ).id

        return await timed(timings.asks, timings, once)  # type: ignore[return-value]

    started = time.perf_counter()
    offsets = await arrivals(len(texts), rate, rng)
    question_ids = [
        q for q in await asyncio.gather(*(ask(m, t, d) for m, t, d in zip(askers, texts, offsets, strict=True))) if q
    ]
    asked_seconds = time.perf_counter() - started

    pairs: set[tuple[int, int]] = set()
    while len(pairs) < votes:
        pairs.add((rng.randrange(members), rng.choice(question_ids)))
    expected_counts: dict[int, int] = {}
    for _member, question_id in pairs:
        expected_counts[question_id] = expected_counts.get(question_id, 0) + 1

    async def vote(member: int, question_id: int, delay: float) -> None:
        await asyncio.sleep(delay)

        async def once() -> None:
            outcome = await transact(lambda session: toggle_vote(session, question_id=question_id, member_id=member))
            if not outcome.voted:
                raise AssertionError("a first vote was taken as a second click")

        await timed(timings.votes, timings, once)

    vote_started = time.perf_counter()
    offsets = await arrivals(len(pairs), rate, rng)
    await asyncio.gather(*(vote(m, q, d) for (m, q), d in zip(sorted(pairs), offsets, strict=True)))
    voted_seconds = time.perf_counter() - vote_started
    total_seconds = time.perf_counter() - started

    if committer is not None:
        await committer.close()
    stored_questions, numbers, stored_votes, counts = await read_back(sessions, panel.id)
    await engine.dispose()
    lost_questions = len(timings.asks) - stored_questions
    lost_votes = len(timings.votes) - stored_votes
    wrong_counts = sum(1 for qid, n in expected_counts.items() if counts.get(qid, 0) != n)
    everything = timings.asks + timings.votes
    return {
        "strategy": strategy,
        "arrivals": "burst" if rate is None else f"paced {rate:.0f}/s",
        "seconds": total_seconds,
        "ask_per_s": len(timings.asks) / asked_seconds,
        "vote_per_s": len(timings.votes) / voted_seconds,
        "ask_p50": percentile(timings.asks, 0.5) * 1000,
        "ask_p99": percentile(timings.asks, 0.99) * 1000,
        "vote_p50": percentile(timings.votes, 0.5) * 1000,
        "vote_p99": percentile(timings.votes, 0.99) * 1000,
        "all_p99": percentile(everything, 0.99) * 1000,
        "max": max(everything) * 1000 if everything else 0.0,
        "acked": len(everything),
        "failed": len(timings.failures),
        "lost": lost_questions + lost_votes,
        "gapless": int(numbers == list(range(1, stored_questions + 1))),
        "wrong_counts": wrong_counts,
        "similar": timings.similar_retries,
        "first_failure": timings.failures[0] if timings.failures else "",
    }


async def read_back(
    sessions: async_sessionmaker[AsyncSession], panel_id: int
) -> tuple[int, list[int], int, dict[int, int]]:
    async with sessions.begin() as session:
        numbers = list(
            (
                await session.scalars(
                    select(Question.number).where(Question.panel_id == panel_id).order_by(Question.number)
                )
            ).all()
        )
        stored_votes = await session.scalar(select(func.count()).select_from(Vote)) or 0
        counts = dict((await session.execute(select(Vote.question_id, func.count()).group_by(Vote.question_id))).all())
    return len(numbers), numbers, stored_votes, counts


def raw_commit_rate(directory: Path, rows: int = 2000) -> tuple[float, float]:
    """One-row INSERT + COMMIT per transaction with the sqlite3 module, WAL and synchronous=FULL."""
    connection = sqlite3.connect(directory / "raw.db", isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT)")
    latencies = []
    started = time.perf_counter()
    for index in range(rows):
        begin = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("INSERT INTO t (payload) VALUES (?)", (f"row {index}",))
        connection.execute("COMMIT")
        latencies.append(time.perf_counter() - begin)
    elapsed = time.perf_counter() - started
    connection.close()
    return rows / elapsed, statistics.median(latencies) * 1000


def report(rows: list[dict[str, float | int | str]]) -> None:
    header = (
        f"{'strategy':<8} {'arrivals':<12} {'total s':>7} {'ask/s':>7} {'vote/s':>7} {'ask p50':>8} {'ask p99':>8} "
        f"{'vote p50':>8} {'vote p99':>8} {'max ms':>8} {'acked':>6} {'lost':>5} {'gapless':>7} {'similar':>7}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row['strategy']:<8} {row['arrivals']:<12} {row['seconds']:>7.1f} {row['ask_per_s']:>7.0f} "
            f"{row['vote_per_s']:>7.0f} {row['ask_p50']:>8.1f} {row['ask_p99']:>8.1f} {row['vote_p50']:>8.1f} "
            f"{row['vote_p99']:>8.1f} {row['max']:>8.0f} {row['acked']:>6} {row['lost']:>5} "
            f"{'yes' if row['gapless'] else 'NO':>7} {row['similar']:>7}"
        )
        if row["failed"] or row["wrong_counts"]:
            print(f"   !! {row['failed']} failed, {row['wrong_counts']} wrong counts; first: {row['first_failure']}")


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--votes", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=400.0, help="arrivals per second in the paced runs")
    parser.add_argument("--strategies", default="pool,batched")
    parser.add_argument("--arrivals", default="burst,paced")
    parser.add_argument("--dir", type=Path, default=None, help="where the SQLite files go (default: a temp dir)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        directory = Path(tmp)
        rate, median_ms = raw_commit_rate(directory)
        print(
            f"raw SQLite on this disk (sqlite3, WAL, synchronous=FULL, one row per commit): "
            f"{rate:,.0f} commits/s, median {median_ms:.2f} ms\n"
        )
        print(
            f"{args.members} members, {args.questions} questions, {args.votes} votes; each action its own "
            "transaction; latency = submission → commit returned (ms)\n"
        )
        rows = []
        for strategy in args.strategies.split(","):
            for pattern in args.arrivals.split(","):
                rows.append(
                    await run_scenario(
                        directory / f"{strategy}-{pattern}.db",
                        strategy=strategy,
                        rate=None if pattern == "burst" else args.rate,
                        members=args.members,
                        questions=args.questions,
                        votes=args.votes,
                        seed=args.seed,
                    )
                )
        report(rows)
    ok = all(row["lost"] == 0 and row["failed"] == 0 and row["gapless"] and not row["wrong_counts"] for row in rows)
    print(
        f"\ntargets: all within {TARGET_SECONDS} s, p99 < {TARGET_P99_MS} ms, 0 lost → "
        + ", ".join(
            f"{row['strategy']}/{row['arrivals']}: "
            f"{'met' if row['seconds'] < TARGET_SECONDS and row['all_p99'] < TARGET_P99_MS else 'missed'}"
            for row in rows
        )
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
