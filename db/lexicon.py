"""Members' own words and languages mapped onto the knowledge base's words, before the full-text search."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from rules.folding import fold

LEXICON_FILE = Path(__file__).resolve().parent / "data" / "lexicon.yaml"
LONGEST_PHRASE = 3
# Words as the index sees them: letters and digits, with inner hyphens and apostrophes split off.
_WORD = re.compile(r"[^\W_]+(?:[-.][^\W_]+)*")


@dataclass(frozen=True)
class Lexicon:
    exact: dict[str, str]
    prefixes: tuple[tuple[str, str], ...]
    stopwords: frozenset[str]

    def translate(self, query: str) -> str:
        """The query in the index's words: known phrases and words replaced, foreign function words dropped."""
        words = _WORD.findall(fold(query))
        out: list[str] = []
        index = 0
        while index < len(words):
            for size in range(min(LONGEST_PHRASE, len(words) - index), 0, -1):
                phrase = " ".join(words[index : index + size])
                english = self.exact.get(phrase) or (self._prefixed(phrase) if size == 1 else None)
                if english:
                    out.append(english)
                    index += size
                    break
            else:
                word = words[index]
                if word not in self.stopwords:
                    out.append(word)
                index += 1
        return " ".join(out)

    def _prefixed(self, word: str) -> str | None:
        for prefix, english in self.prefixes:
            if word.startswith(prefix):
                return english
        return None


def _key(text: str) -> str:
    return " ".join(_WORD.findall(fold(text)))


@functools.cache
def load_lexicon(path: Path = LEXICON_FILE) -> Lexicon:
    """Read the lexicon once per process (it ships with the code)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    exact: dict[str, str] = {}
    prefixes: list[tuple[str, str]] = []
    for english, variants in (raw.get("terms") or {}).items():
        for variant in variants or []:
            text = str(variant)
            if text.endswith("*"):
                prefixes.append((_key(text[:-1]), english))
            else:
                exact.setdefault(_key(text), english)
    # Longest prefixes first: "lehrerfortbildung" before "lehrer".
    prefixes.sort(key=lambda pair: -len(pair[0]))
    stopwords = frozenset(_key(str(word)) for word in raw.get("stopwords") or [])
    return Lexicon(exact, tuple(prefixes), stopwords - exact.keys())
