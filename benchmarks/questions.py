"""Members' own questions (tests/data/member_questions.yaml), for timing lookups that rank by meaning.

Each text is asked once: a question asked again is answered from the model's cache, so cycling through a short
list would not time the model at all.
"""

from __future__ import annotations

from pathlib import Path

import yaml

QUESTION_FILE = Path(__file__).resolve().parents[1] / "tests" / "data" / "member_questions.yaml"


def distinct_member_questions(count: int) -> list[str]:
    """`count` different texts: question n % N, the (n // N)-th time with that many words of thanks added."""
    questions = [entry["q"] for entry in yaml.safe_load(QUESTION_FILE.read_text(encoding="utf-8"))]
    return [" ".join([questions[n % len(questions)], *["thanks"] * (n // len(questions))]) for n in range(count)]
