"""The panel word filter: listed words found in a question despite case, accents, leetspeak and spacing tricks.

Pure: the lists are plain text files (rules/wordlists/, one term a line, `!term` lets a term through). A term is
matched as a whole word only, so a word that merely contains a listed one ("Scunthorpe", "analysis",
"cocktail") is never touched.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from rules.folding import fold

FILTER_OFF = "off"
FILTER_CENSOR = "censor"
FILTER_REVIEW = "review"
FILTER_MODES = (FILTER_OFF, FILTER_CENSOR, FILTER_REVIEW)
CENSORED = "***"
WORDLISTS = Path(__file__).with_name("wordlists")
# Files in the word list folder that hold no language of their own.
CUSTOM_LIST = "custom"
ALLOW_LIST = "allow"

# Letters NFKD does not take apart, so "røv" also matches "rov".
_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ß": "ss"})
_LEET = str.maketrans({"0": "o", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g", "@": "a", "$": "s",
                       "!": "i", "€": "e", "+": "t"})  # fmt: skip
# "1" and "|" stand for both i and l; each reading is tried.
_ONE_AS_I = str.maketrans({"1": "i", "|": "i"})
_ONE_AS_L = str.maketrans({"1": "l", "|": "l"})
_CHUNK = re.compile(r"\S+")
# What may open or close a word without being part of it; @ and $ open "@ss" and "$hit", so they are kept in front.
_LEADING = re.compile(r"^[^\w@$|]+")
_TRAILING = re.compile(r"[^\w|$]+$")
# Inside a word, these join spelled-out letters: "f.u.c.k", "s-h-i-t".
_INNER_SEPARATORS = re.compile(r"[.\-_'’·,:;~^\"]+")
_STRETCHED = re.compile(r"(.)\1{2,}")
_LETTER = re.compile(r"[^\W\d_]")
# English endings a listed word keeps its meaning under ("fuckers"); only on terms long enough that the ending
# cannot turn them into an ordinary word ("spic" → "spices").
_ENDINGS = ("s", "es", "ed", "er", "ers", "ing", "in")
_ENDING_MIN_TERM = 4
# Listed words that an ending turns into an ordinary one ("butter", "cocker spaniel", "spices").
_NO_ENDINGS = frozenset({"butt", "cock", "spic", "dick", "hard", "scat"})
# A run of this many single letters is one spelled-out word ("f u c k"); two could be initials.
_SPELLED_MIN = 3


@dataclass(frozen=True)
class WordHit:
    """One listed term found in a text: the term as listed, its list, and where it stands in the text."""

    term: str
    language: str
    start: int
    end: int


@dataclass(frozen=True)
class _Word:
    """A stretch of the text read as one word, with its readings (leetspeak and stretching undone)."""

    start: int
    end: int
    readings: frozenset[str]
    masked: str | None  # with `*` kept as "any letter", when the writer masked letters ("f*ck")


def normalise_term(term: str) -> str:
    """A listed term in the form text is compared in: folded, special letters spelled out, leetspeak undone."""
    folded = fold(term).translate(_LETTERS)
    return " ".join(word.translate(_LEET).translate(_ONE_AS_I) for word in folded.split())


def _readings(core: str) -> set[str]:
    """Every way to read one word: with leetspeak undone (when it has letters to go with) and stretching undone."""
    base = fold(core).translate(_LETTERS)
    if _LETTER.search(base) or "@" in base or "$" in base:
        leet = base.translate(_LEET)
        spelled = {leet.translate(_ONE_AS_I), leet.translate(_ONE_AS_L)}
    else:
        spelled = {base}
    readings = set()
    for reading in spelled:
        readings.add(reading)
        if _STRETCHED.search(reading):
            readings.add(_STRETCHED.sub(r"\1\1", reading))
            readings.add(_STRETCHED.sub(r"\1", reading))
    return readings


def _words(text: str) -> list[_Word]:
    """The text's words with their spans; letters spelled out one by one count as one word too."""
    words: list[_Word] = []
    singles: list[tuple[int, int, str]] = []

    def flush_singles() -> None:
        if len(singles) >= _SPELLED_MIN:
            joined = "".join(letter for _start, _end, letter in singles)
            # A one-letter word next to the spelled-out one joins the run: "a f u c k".
            readings = set().union(*(_readings(part) for part in (joined, joined[1:], joined[:-1], joined[1:-1])))
            words.append(_Word(singles[0][0], singles[-1][1], frozenset(readings), None))
        else:
            words.extend(_Word(start, end, frozenset(_readings(letter)), None) for start, end, letter in singles)
        singles.clear()

    for chunk in _CHUNK.finditer(text):
        raw = chunk.group()
        lead = _LEADING.match(raw)
        trail = _TRAILING.search(raw)
        start = chunk.start() + (lead.end() if lead else 0)
        end = chunk.start() + (trail.start() if trail else len(raw))
        core = text[start:end]
        if not core:
            flush_singles()
            continue
        parts = [part for part in _INNER_SEPARATORS.split(core) if part]
        joined = "".join(parts)
        if len(joined) == 1:
            singles.append((start, end, joined))
            continue
        flush_singles()
        readings = _readings(joined)
        if len(parts) > 1:
            for part in parts:
                readings |= _readings(part)
        masked = None
        stars = joined.count("*")
        if stars and len(joined) - stars >= 2 and _LETTER.search(joined):
            masked = next(iter(sorted(_readings(joined))))
        words.append(_Word(start, end, frozenset(readings), masked))
    flush_singles()
    return words


class WordFilter:
    """Finds listed terms in question text; built once from the word lists, then only read."""

    def __init__(self, lists: Mapping[str, Iterable[str]], allowed: Iterable[str] = ()) -> None:
        allow = {normalise_term(term) for term in allowed}
        # An allowed phrase ("cum laude") is skipped as a whole; its words stay listed elsewhere.
        self.allowed_phrases: dict[str, list[tuple[str, ...]]] = {}
        for phrase in allow:
            words = tuple(phrase.split())
            if len(words) > 1:
                self.allowed_phrases.setdefault(words[0], []).append(words)
        self.single: dict[str, str] = {}
        self.phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for language, terms in lists.items():
            for term in terms:
                normal = normalise_term(term)
                if not normal or normal in allow:
                    continue
                words = tuple(normal.split())
                if len(words) == 1:
                    self.single.setdefault(normal, language)
                    continue
                self.phrases.setdefault(words[0], []).append((words, language))
                # Written as one word too: "blowjob", "haistavittu".
                if "".join(words) not in allow:
                    self.single.setdefault("".join(words), language)
        self.by_length: dict[int, list[str]] = {}
        for term in self.single:
            self.by_length.setdefault(len(term), []).append(term)

    def _term(self, word: _Word) -> str | None:
        """The listed single-word term this word is, if any."""
        for reading in sorted(word.readings):
            if reading in self.single:
                return reading
            for ending in _ENDINGS:
                stem = reading.removesuffix(ending)
                if (
                    stem != reading
                    and len(stem) >= _ENDING_MIN_TERM
                    and stem in self.single
                    and stem not in _NO_ENDINGS
                ):
                    return stem
        if word.masked is not None:
            pattern = re.compile("".join("[a-z]" if char == "*" else re.escape(char) for char in word.masked))
            for term in self.by_length.get(len(word.masked), ()):
                if pattern.fullmatch(term):
                    return term
        return None

    def find(self, text: str) -> list[WordHit]:
        """The listed terms in `text`, in order, each with its span."""
        words = _words(text)
        hits: list[WordHit] = []
        index = 0
        while index < len(words):
            word = words[index]
            allowed = self._allowed_at(words, index)
            if allowed:
                index += allowed
                continue
            phrase = self._phrase_at(words, index)
            if phrase is not None:
                length, term, language = phrase
                hits.append(WordHit(term, language, word.start, words[index + length - 1].end))
                index += length
                continue
            single = self._term(word)
            if single is not None:
                hits.append(WordHit(single, self.single[single], word.start, word.end))
            index += 1
        return hits

    def _allowed_at(self, words: list[_Word], index: int) -> int:
        """How many words an allowed phrase starting here covers (0: none)."""
        for first in words[index].readings:
            for phrase in self.allowed_phrases.get(first, ()):
                if _phrase_matches(phrase, words[index : index + len(phrase)]):
                    return len(phrase)
        return 0

    def _phrase_at(self, words: list[_Word], index: int) -> tuple[int, str, str] | None:
        for first in words[index].readings:
            for phrase, language in self.phrases.get(first, ()):
                if _phrase_matches(phrase, words[index : index + len(phrase)]):
                    return len(phrase), " ".join(phrase), language
        return None

    def censor(self, text: str, hits: list[WordHit] | None = None) -> str:
        """The text with every listed term replaced by `***`."""
        hits = self.find(text) if hits is None else hits
        for hit in sorted(hits, key=lambda hit: hit.start, reverse=True):
            # Markdown stars around the word ("**word**") would run into the mask; they go with it.
            start, end = hit.start, hit.end
            while start > 0 and text[start - 1] == "*":
                start -= 1
            while end < len(text) and text[end] == "*":
                end += 1
            text = text[:start] + CENSORED + text[end:]
        return text


def _phrase_matches(phrase: tuple[str, ...], words: list[_Word]) -> bool:
    return len(words) == len(phrase) and all(
        wanted in word.readings for wanted, word in zip(phrase, words, strict=True)
    )


def read_word_list(path: Path) -> tuple[list[str], list[str]]:
    """(terms, allowed terms) of one list file: a term a line, `#` comments, `!term` lets a term through."""
    terms: list[str] = []
    allowed: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("!"):
            allowed.append(line[1:].strip())
        elif line:
            terms.append(line)
    return terms, allowed


def load_word_filter(*folders: Path) -> WordFilter:
    """A filter from every `*.txt` list in the folders; a file's name (less `.txt`) names its language."""
    lists: dict[str, list[str]] = {}
    allowed: list[str] = []
    for folder in folders:
        # English first: many lists borrow English words, and a hit names the list it came from.
        for path in sorted(folder.glob("*.txt"), key=lambda path: (path.stem != "en", path.stem)):
            terms, allow = read_word_list(path)
            lists.setdefault(path.stem, []).extend(terms)
            allowed.extend(allow)
    return WordFilter(lists, allowed)


@functools.cache
def shipped_word_filter() -> WordFilter:
    """The filter from the lists shipped in rules/wordlists/ (with the moderators' custom.txt), read once."""
    return load_word_filter(WORDLISTS)
