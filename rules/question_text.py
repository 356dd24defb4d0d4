"""Question and panel text rules: panelists and topics as typed, question limits, near-duplicate matching.

Pure: no Discord, no database. Errors are domain errors whose message can be shown to the member as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from rules.errors import ConflictError, InvalidInputError, quoted
from rules.folding import STOPWORDS, WORD, fold

MAX_PANELISTS = 10
PANELIST_NAME_MAX = 100
ORGANISATION_MAX = 200
MAX_TOPICS = 10
TOPIC_MAX = 200
# Two questions are the same question in other words when their content words overlap this much
# (token_set_ratio) *and* their word order/wording is close enough (token_sort_ratio). The second test
# stops a short question from matching every longer one that contains it ("urgent challenges?" vs
# "urgent challenges for teacher training in rural Norway?"). Tuned on tests/unit/test_panels_parsing.py.
SIMILAR_SET_SCORE = 88
SIMILAR_SORT_SCORE = 70
# Words that carry no meaning for telling questions apart, on top of the search stopwords.
FILLER_WORDS = frozenset(
    {
        "about", "all", "also", "any", "could", "did", "get", "gets", "getting", "just", "like", "me", "more",
        "most", "much", "my", "please", "question", "should", "so", "some", "than", "them", "there", "they",
        "think", "too", "us", "very", "want", "way", "ways", "would",
    }
)  # fmt: skip
NUMBER_WORDS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "ten": "10"}
PANELIST_SEPARATORS = re.compile(r"[;\n]+")
ORGANISATION_IN_PARENS = re.compile(r"^(?P<name>[^()]+?)\s*\((?P<organisation>[^()]*)\)$")
ORGANISATION_AFTER_DASH = re.compile(r"^(?P<name>.+?)\s+[–—-]\s+(?P<organisation>.+)$")
# Invisible in Discord, and one of them separates questions in the near-duplicate check: dropped from questions.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class QuestionRules:
    """The limits a question must respect; built from the bot's settings."""

    min_length: int = 5
    max_length: int = 500
    cooldown_seconds: int = 15
    max_open_per_member: int = 10


@dataclass(frozen=True)
class PanelistSpec:
    name: str
    organisation: str | None


def parse_panelists(text: str) -> list[PanelistSpec]:
    """Read `Jan Lundell (LUMA Centre Finland); Mikkel Bohm (Astra)`; an organisation may also follow a dash."""
    specs: list[PanelistSpec] = []
    for raw in PANELIST_SEPARATORS.split(text):
        entry = " ".join(raw.split())
        if not entry:
            continue
        match = ORGANISATION_IN_PARENS.match(entry) or ORGANISATION_AFTER_DASH.match(entry)
        name, organisation = (match["name"], match["organisation"].strip()) if match else (entry, "")
        name = name.strip(" ,")
        if not name or "(" in name or ")" in name:
            raise InvalidInputError(
                "I could not read the panelist “{entry}”. Write them like "
                "`Jan Lundell (LUMA Centre Finland); Mikkel Bohm (Astra)`.",
                entry=quoted(entry),
            )
        if len(name) > PANELIST_NAME_MAX or len(organisation) > ORGANISATION_MAX:
            raise InvalidInputError(
                "The panelist “{entry}” is too long; keep names under 100 characters.", entry=quoted(entry)
            )
        specs.append(PanelistSpec(name=name, organisation=organisation or None))
    if not specs:
        raise InvalidInputError("Name at least one panelist, e.g. `Jan Lundell (LUMA Centre Finland)`.")
    if len(specs) > MAX_PANELISTS:
        raise InvalidInputError(
            "A panel can have at most {most} panelists (you named {count}).", most=MAX_PANELISTS, count=len(specs)
        )
    names = [fold(spec.name) for spec in specs]
    if len(set(names)) != len(names):
        raise InvalidInputError("A panelist is named twice; name each one once.")
    return specs


def parse_topics(text: str | None) -> list[str]:
    """Split topics given on one line with semicolons (or on several lines)."""
    topics = [" ".join(part.split()) for part in PANELIST_SEPARATORS.split(text or "")]
    topics = [topic for topic in topics if topic]
    if len(topics) > MAX_TOPICS or any(len(topic) > TOPIC_MAX for topic in topics):
        raise InvalidInputError(
            "Give at most {most} topics of up to {longest} characters each.", most=MAX_TOPICS, longest=TOPIC_MAX
        )
    return topics


def normalise_question(text: str) -> str:
    """The content words of a question, folded and roughly singular, for near-duplicate matching.

    In sorted order: both similarity scores ignore word order, and on sorted words the wording score
    (token_sort_ratio) is a plain fuzz.ratio, which the shortlist over all open questions runs 4x faster.
    """
    words = []
    for word in WORD.findall(fold(text)):
        word = NUMBER_WORDS.get(word, word)
        if (len(word) < 2 and not word.isdigit()) or word in STOPWORDS or word in FILLER_WORDS:
            continue
        if len(word) > 4 and word.endswith("ies"):
            word = word[:-3] + "y"
        elif len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.append(word)
    return " ".join(sorted(words))


def similarity(first: str, second: str) -> tuple[float, float]:
    """(word-overlap score, wording score) of two normalised questions, each 0–100."""
    return (
        fuzz.token_set_ratio(first, second, processor=None),
        fuzz.token_sort_ratio(first, second, processor=None),
    )


def are_similar(first: str, second: str) -> bool:
    """Whether two normalised questions ask the same thing in other words."""
    if not first or not second:
        return False
    overlap, wording = similarity(first, second)
    return overlap >= SIMILAR_SET_SCORE and wording >= SIMILAR_SORT_SCORE


@dataclass(frozen=True)
class SimilarQuestion:
    """Plain values, so they outlive the rolled-back transaction that found them."""

    id: int
    number: int
    text: str


class SimilarQuestionError(ConflictError):
    """A visible question already asks this; nothing was stored, the member may upvote it or insist."""

    def __init__(self, similar: SimilarQuestion) -> None:
        super().__init__(
            "A similar question exists: #{number} — upvote it instead? Or post yours anyway.", number=similar.number
        )
        self.similar = similar
