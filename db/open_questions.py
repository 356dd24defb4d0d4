"""Each panel's open questions in memory, so the near-duplicate check runs before the write lock, not inside it.

The check compares a new question with every open one of its panel. Done inside the writer it made every vote
wait behind the normalising of thousands of texts; here each panel's open questions are kept already normalised,
and `check_similar_question` runs as a lookup (on a reader thread), outside the write lock. What it cannot have
seen (questions stored after its snapshot, by this process or another) the writer still compares, by id:
`ask_question(..., checked_through=...)` reads only the open questions with a higher id, usually none.

The index is owned by the `Database` (passed to its sessions through `Session.info`, like `LookupCaches`), built
per panel on first use and so rebuilt at every start, and kept in step:
- questions this process changes (asked, approved, hidden, answered, edited) through the change record, after
  their commit (`QuestionState` in db/session_state.py);
- questions any process stored since the last look, read by id before each check (`_catch_up`);
- a question another process hid, answered or edited is found out when it is a candidate: every candidate is
  read back before it is reported, and dropped or corrected if it changed. (Only a question another process
  approved stays unknown here until the next start; the writer's guard does not see it either.)
"""

from __future__ import annotations

import bisect
import re
import threading
from typing import Any, cast

from rapidfuzz import fuzz, process
from sqlalchemy import CompoundSelect, bindparam, func, null, select, union_all
from sqlalchemy.orm import Session

from db.models import Question
from db.models.panels import OPEN
from db.session_state import Changes, transaction_scratch
from rules.question_text import (
    SIMILAR_SORT_SCORE,
    SimilarQuestion,
    SimilarQuestionError,
    are_similar,
    normalise_question,
    similarity,
)

INDEXES_KEY = "coalition.open_questions"
ONE = re.compile("1")


class PanelQuestionIndex:
    """One panel's open questions, normalised, with the positions of those holding each word; safe to read from
    reader threads while the event loop updates it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # A question keeps its position for as long as it is open; a closed one leaves a gap (None).
        self._normalised: list[str | None] = []
        self._ids: list[int] = []
        # The highest id at or before each position: the first position holding an id above n is a bisection away.
        self._highest_so_far: list[int] = []
        self._position: dict[int, int] = {}
        self._texts: dict[int, str] = {}
        # Word -> bit set (a Python int) of the positions of open questions holding it.
        self._holding: dict[str, int] = {}
        # Every open question of the panel with an id up to this one has been read into the index.
        self.checked_through: int | None = None

    def __len__(self) -> int:
        return len(self._position)

    def put(self, question_id: int, text: str | None) -> None:
        """Record an open question's current text, or (None) that the question is not open."""
        with self._lock:
            if text is not None and self._texts.get(question_id) == text:
                return  # read already (a catch-up can come before the change record)
        normalised = normalise_question(text) if text is not None else None
        with self._lock:
            self._put(question_id, text, normalised)

    def _put(self, question_id: int, text: str | None, normalised: str | None) -> None:
        position = self._position.get(question_id)
        if position is not None:
            self._mark(self._normalised[position] or "", position, on=False)
        if text is None or normalised is None:
            if position is not None:
                self._normalised[position] = None
                del self._position[question_id]
                del self._texts[question_id]
            return
        if position is None:
            position = self._position[question_id] = len(self._ids)
            self._append_id(question_id)
            self._normalised.append(normalised)
        self._normalised[position] = normalised
        self._texts[question_id] = text
        self._mark(normalised, position, on=True)

    def _append_id(self, question_id: int) -> None:
        self._ids.append(question_id)
        self._highest_so_far.append(max(question_id, self._highest_so_far[-1] if self._highest_so_far else 0))

    def _mark(self, normalised: str, position: int, *, on: bool) -> None:
        bit = 1 << position
        for word in set(normalised.split()):
            holding = self._holding.get(word, 0)
            self._holding[word] = holding | bit if on else holding & ~bit

    def normalised(self, question_id: int, text: str) -> str:
        """A question's normalised text: from the index when it holds this text, else worked out now."""
        with self._lock:
            position = self._position.get(question_id)
            if position is not None and self._texts[question_id] == text:
                return self._normalised[position] or ""
        return normalise_question(text)

    def read(self, rows: list[tuple[int, str]], *, through: int) -> None:
        """Take open questions (id, text) read from the database, and the id up to which that read saw them all."""
        entries = [(question_id, text, self.normalised(question_id, text)) for question_id, text in rows]
        with self._lock:
            known = [entry for entry in entries if entry[0] in self._position and self._texts[entry[0]] != entry[1]]
            for question_id, text, normalised in known:
                self._put(question_id, text, normalised)
            # New questions in bulk: each word's bit set built once, not one big-integer copy per question.
            added: dict[str, bytearray] = {}
            size = (len(self._ids) + len(entries)) // 8 + 1
            for question_id, text, normalised in entries:
                if question_id in self._position:
                    continue
                position = self._position[question_id] = len(self._ids)
                self._append_id(question_id)
                self._normalised.append(normalised)
                self._texts[question_id] = text
                for word in set(normalised.split()):
                    bits = added.setdefault(word, bytearray(size))
                    bits[position >> 3] |= 1 << (position & 7)
            for word, bits in added.items():
                self._holding[word] = self._holding.get(word, 0) | int.from_bytes(bits, "little")
            self.checked_through = max(self.checked_through or 0, through)

    def candidates(self, wanted: str, *, newer_than: int = 0) -> list[int]:
        """The ids of open questions that ask what `wanted` (normalised) asks, best first.

        Only questions sharing at least half of its words are scored: every pair the rule accepts in
        tests/unit/test_panels_parsing.py shares more, and counting shared words on bit sets costs a few big-integer
        operations however many questions are open, where scoring each one grew with them (3–7 ms at 30,000).
        A question misspelling most of its words is no longer found similar; one or two typos still are.
        """
        words = set(wanted.split())
        with self._lock:  # the bit sets are immutable ints: taken as they are now, counted outside the lock
            # Only positions from the first holding an id above `newer_than` (the writer asks for the few questions
            # stored since a lookup): the bit sets shifted down to them, however many questions are open.
            start = bisect.bisect_right(self._highest_so_far, newer_than)
            holding = [self._holding.get(word, 0) >> start for word in words]
        needed = (len(words) + 1) // 2
        # at_least[j]: the positions holding at least j of the words seen so far.
        at_least = [0] * (needed + 1)
        for bits in holding:
            for count in range(needed, 1, -1):
                at_least[count] |= at_least[count - 1] & bits
            at_least[1] |= bits
        found = at_least[needed] if needed else 0
        # The set bits found by scanning its binary digits in C, lowest position first.
        digits = f"{found:b}"[::-1]
        positions = [start + match.start() for match in ONE.finditer(digits)]
        with self._lock:
            shortlist = [
                (self._ids[p], self._normalised[p])
                for p in positions
                if self._normalised[p] is not None and self._ids[p] > newer_than
            ]
        normalised = [text for _id, text in shortlist if text is not None]
        return [shortlist[position][0] for position in most_similar(wanted, normalised)]


def most_similar(wanted: str, normalised: list[str]) -> list[int]:
    """The positions of the normalised questions that ask what `wanted` asks, best first."""
    # The C++ scorer shortlists by wording over all of them at once (fuzz.ratio on the sorted words is their
    # token_sort_ratio, a tenth of the cost of the word-overlap score); the overlap test runs on the rest.
    shortlist = process.extract(
        wanted, normalised, scorer=fuzz.ratio, processor=None, score_cutoff=SIMILAR_SORT_SCORE, limit=None
    )
    scored = [
        (similarity(wanted, candidate), position)
        for candidate, _score, position in shortlist
        if are_similar(wanted, candidate)
    ]
    return [position for _score, position in sorted(scored, key=lambda pair: pair[0], reverse=True)]


class OpenQuestionIndexes:
    """The near-duplicate index of every panel this process has checked a question for."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._panels: dict[int, PanelQuestionIndex] = {}

    def panel(self, panel_id: int) -> PanelQuestionIndex:
        with self._lock:
            return self._panels.setdefault(panel_id, PanelQuestionIndex())

    def forget(self, panel_id: int) -> None:
        """Drop a panel's index (one that never existed outside a rolled-back transaction)."""
        with self._lock:
            self._panels.pop(panel_id, None)

    def follow(self, changes: Changes) -> None:
        """Apply what a committed unit of work did to questions (a change listener of the `Database`)."""
        for state in changes.questions:
            with self._lock:
                index = self._panels.get(state.panel_id)
            if index is not None:  # a panel not indexed yet is read whole on first use
                index.put(state.id, state.text if state.open else None)


def open_question_indexes(session: Session) -> OpenQuestionIndexes:
    """The indexes of the `Database` that opened this session (a session opened elsewhere gets its own)."""
    return cast(OpenQuestionIndexes, session.info.setdefault(INDEXES_KEY, OpenQuestionIndexes()))


# On the (panel, status) index, whose entries end with the id: only the rows past `after` are read; and in the
# same statement the newest id of all (one statement: one snapshot, and one hop less per check).
_OPEN_SINCE_AND_NEWEST: CompoundSelect[Any] = union_all(
    select(Question.id, Question.text).where(
        Question.panel_id == bindparam("panel_id"), Question.status == OPEN, Question.id > bindparam("after")
    ),
    select(func.max(Question.id), null()),
)
_OPEN_NUMBERED_SINCE = select(Question.id, Question.number, Question.text).where(
    Question.panel_id == bindparam("panel_id"), Question.status == OPEN, Question.id > bindparam("after")
)
_STILL_OPEN = select(Question.number, Question.text).where(
    Question.id == bindparam("question_id"), Question.status == OPEN
)


def _catch_up(session: Session, index: PanelQuestionIndex, panel_id: int) -> None:
    """Read the panel's open questions stored since the last look (all of them on first use)."""
    after = index.checked_through or 0
    rows = session.connection().execute(_OPEN_SINCE_AND_NEWEST, {"panel_id": panel_id, "after": after}).all()
    # The newest id (the row without a text) comes from the same snapshot: every open question up to it was read.
    newest = max((question_id or 0 for question_id, text in rows if text is None), default=0)
    index.read([(question_id, text) for question_id, text in rows if text is not None], through=newest)


def check_similar_question(session: Session, *, panel_id: int, text: str) -> int:
    """Refuse a question an open one of the panel already asks (SimilarQuestionError); else return the id up to
    which every question was compared, for the writer's final check (`ask_question(checked_through=...)`)."""
    index = open_question_indexes(session).panel(panel_id)
    _catch_up(session, index, panel_id)
    checked_through = index.checked_through or 0
    wanted = normalise_question(text)
    if not wanted:
        return checked_through
    connection = session.connection()
    for question_id in index.candidates(wanted):
        # Read back before it is reported: another process may have hidden, answered or edited it.
        row = connection.execute(_STILL_OPEN, {"question_id": question_id}).first()
        if row is None:
            index.put(question_id, None)
            continue
        if are_similar(wanted, normalise_question(row.text)):
            raise SimilarQuestionError(SimilarQuestion(question_id, row.number, row.text))
        index.put(question_id, row.text)
    return checked_through


class StoredSince:
    """In the writer: what a panel's new questions are compared with beyond what their lookup compared.

    Questions committed since come from the index, caught up once per transaction with what other processes
    stored; those stored earlier in this same transaction are read once, when the writer takes the next group
    of asks (they join the index once committed). Each ask then costs no statement: in a burst of a thousand
    asks checked at once, re-reading everything stored since each check was half the writer's time, and each
    statement a release of the GIL the writer waits to get back while the lookups and the event loop run.
    """

    def __init__(self, session: Session, panel_id: int) -> None:
        self._connection = session.connection()
        self._index = open_question_indexes(session).panel(panel_id)
        scratch = transaction_scratch(session)
        caught_up: dict[int, int] = scratch.setdefault("open_questions.caught_up", {})
        if panel_id not in caught_up:
            # The first question of this panel in this transaction: none of ours is stored yet, so the index
            # takes only what is committed.
            _catch_up(session, self._index, panel_id)
            caught_up[panel_id] = self._index.checked_through or 0
        self._through = caught_up[panel_id]
        self._rows = self._connection.execute(
            _OPEN_NUMBERED_SINCE, {"panel_id": panel_id, "after": self._through}
        ).all()
        memo: dict[tuple[int, str], str] = scratch.setdefault("open_questions.normalised", {})
        self._normalised = [
            memo.get((row.id, row.text)) or memo.setdefault((row.id, row.text), normalise_question(row.text))
            for row in self._rows
        ]

    def most_like(self, wanted: str, *, after: int) -> SimilarQuestion | None:
        """The open question stored after `after` most like `wanted` (normalised), if one asks the same."""
        if not wanted:
            return None
        found: list[tuple[tuple[float, float], SimilarQuestion]] = []
        for question_id in self._index.candidates(wanted, newer_than=after):  # the lookup compared the others
            still = self._connection.execute(_STILL_OPEN, {"question_id": question_id}).first()
            if still is not None and are_similar(wanted, normalised := normalise_question(still.text)):
                found.append((similarity(wanted, normalised), SimilarQuestion(question_id, still.number, still.text)))
                break  # best first
        since = [position for position, row in enumerate(self._rows) if row.id > after]
        for best in most_similar(wanted, [self._normalised[position] for position in since])[:1]:
            row = self._rows[since[best]]
            found.append(
                (similarity(wanted, self._normalised[since[best]]), SimilarQuestion(row.id, row.number, row.text))
            )
        return max(found, key=lambda pair: pair[0])[1] if found else None
