"""Read a day and a time of day written in any shipped language into a wall-clock time.

Pure and zone-free: the caller (rules/timeparse.py) turns the wall-clock time into an instant, with its checks for
the nights the clocks change. The words come from rules/time_words.py; this module only knows how they combine:

  a day        today · tomorrow · [next|this] Monday · Monday next · 3 December [2027] · December 3 · 3.12. ·
               3.12.2027 · 3/12 · 2027-12-03 · 2027. december 3. · a weekday may stand before a date, and must agree
  a time       14 · 14:30 · 14.30 · 14h · 14h30 · 2pm · 14 Uhr · 9 uur · 14-kor · 14'te · noon · midnight
  a part       morning, afternoon, evening (9 Uhr abends is 21:00), after the day or after the time

The day and the time may come in either order; fillers (at, um, à, kl., klo, a las, om ...) go anywhere. A word
that means two things (German "morgen": tomorrow or morning) is tried both ways: the readings that fit the grammar
decide, and two different times are refused rather than guessed. Text that does not fit returns None, so the
caller can try its other readers. "14.30" is a time; a date written with dots ends with one ("3.12."), has a year,
has one digit after the dot (3.5) or is followed by a time (3.12 14:00).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from itertools import product
from math import prod
from typing import Any, cast

from rules.errors import InvalidInputError
from rules.folding import fold
from rules.i18n import Written
from rules.time_words import LANGUAGES

# Each kind of word is one letter, so the grammar below is a regular expression over a word's kinds:
# D day from today, E tonight, W weekday, N next, A next (after the weekday), T this, M month, O noon, X midnight,
# P part of the day, p am/pm, H hour word, o ordinal, n number, Y year, c clock time, d numeric date.
DAY = r"(?:D|E|[NT]?WA?|W?(?:d|Yo?Mno?|Mno?Y?|no?MY?))"
TIME = r"(?:[nc]o?H?p?|(?:nH?)?[OX])"
SHAPES = (
    re.compile(rf"(?P<day>{DAY})(?P<part>P?)(?P<time>{TIME})?(?P<late_part>P?)"),
    re.compile(rf"(?P<time>{TIME})(?P<part>P?)(?P<day>{DAY})?(?P<late_part>P?)"),
)
TIME_ONLY = re.compile(rf"(?P<time>{TIME})(?P<part>P?)")
# Readings tried per phrase at most: a few words with two meanings each; more is not a time someone wrote.
MAX_READINGS = 64
TOKEN = re.compile(
    r"(?P<iso>[0-9]{4}-[0-9]{1,2}-[0-9]{1,2})(?![0-9])"
    r"|(?P<dmy>[0-9]{1,2}[./][0-9]{1,2}[./][0-9]{4})(?![0-9])"
    r"|(?P<dm>[0-9]{1,2}(?:/[0-9]{1,2}|\.[0-9]{1,2}\.|\.[0-9](?![0-9])))(?![0-9./:])"
    r"|(?P<clock>[0-9]{1,2}(?:[:.h][0-9]{2}|h(?![^\W\d_])))(?![0-9])"
    r"|(?P<number>[0-9]+)"
    r"|(?P<word>[^\W\d_]+(?:['-][^\W\d_]+)*)"
    r"|(?P<suffix>['-][^\W\d_]+)"
    r"|(?P<dot>\.)"
    r"|(?P<space>\s+)"
)
# Letters that do not come apart into a base letter and an accent, but that members leave out all the same.
PLAIN_LETTERS = str.maketrans({"ı": "i", "ø": "o", "æ": "ae", "œ": "oe", "’": "'", "ʼ": "'", "`": "'"})
KINDS = {
    "tonight": "E",
    "next": "N",
    "next_after": "A",
    "this": "T",
    "noon": "O",
    "midnight": "X",
    "hour": "H",
    "ordinals": "o",
    "fillers": "",
}
PARTS = ("morning", "afternoon", "evening")

Meaning = tuple[str, Any]  # a kind letter and its value: days ahead, a weekday, (hour, minute) ...


class TimeInputError(InvalidInputError):
    """The member's time input cannot be read; the message says why and how to write it."""


@dataclass
class _Reading:
    """What one choice of meanings says: the day, the time of day and the part of the day."""

    days: int | None = None
    weekday: int | None = None
    ahead_from: int = 1  # 0 when "this Monday" may be today
    year: int | None = None
    month: int | None = None
    day: int | None = None
    hour: int | None = None
    minute: int = 0
    ampm: str | None = None
    part: str | None = None
    midnight: bool = False


def normalised(text: str) -> str:
    """Fold case, accents and look-alike letters; a.m. becomes am, 's avonds s avonds, d'octubre d octubre."""
    folded = fold(text).translate(PLAIN_LETTERS)
    folded = re.sub(r"(?<![^\W\d_])([ap])\.\s?m\b\.?", r"\1m", folded)
    # An elided article or preposition is a word of its own: "d'octubre" is "de octubre".
    folded = re.sub(r"(?<![^\s])([dl])'(?=[^\W\d_])", r"\1 ", folded)
    return re.sub(r"(?<![^\s])'(?=[^\W\d_])", "", folded)


@cache
def lexicon() -> dict[str, frozenset[Meaning]]:
    """Every phrase of every language, folded, with what it can mean."""
    found: dict[str, set[Meaning]] = {}

    def add(phrase: str, meaning: Meaning) -> None:
        found.setdefault(normalised(phrase), set()).add(meaning)

    for words in LANGUAGES.values():
        lists = cast("dict[str, list[str]]", words)
        for phrase, days in words.get("days", {}).items():
            add(phrase, ("D", days))
        for number, forms in enumerate(words.get("weekdays", [])):
            for phrase in forms:
                add(phrase, ("W", number))
        for number, forms in enumerate(words.get("months", []), start=1):
            for phrase in forms:
                add(phrase, ("M", number))
        for key, kind in KINDS.items():
            for phrase in lists.get(key, []):
                add(phrase, (kind, None))
        for part in PARTS:
            for phrase in lists.get(part, []):
                add(phrase, ("P", part))
        for ampm in ("am", "pm"):
            for phrase in lists.get(ampm, []):
                add(phrase, ("p", ampm))
    return {phrase: frozenset(meanings) for phrase, meanings in found.items()}


@cache
def suffixes() -> frozenset[str]:
    return frozenset(normalised(ending) for words in LANGUAGES.values() for ending in words.get("suffixes", []))


@cache
def longest_phrase() -> int:
    return max(len(phrase.split()) for phrase in lexicon())


def read_wall_clock(text: str, *, local_now: datetime) -> datetime | None:
    """The wall-clock time a phrase names, seen from `local_now`; None when it is not written in these words."""
    tokens = _tokens(normalised(text))
    if tokens is None:
        return None
    walls: dict[datetime, None] = {}
    refusal: TimeInputError | None = None
    fewest_fillers = None
    for kinds, values in _readings(tokens):
        fillers = len(tokens) - len(kinds)
        if fewest_fillers is not None and fillers > fewest_fillers:
            break
        try:
            wall = _wall(kinds, values, local_now=local_now, phrase=text)
        except TimeInputError as error:
            refusal = refusal or error
            continue
        if wall is not None:
            walls[wall] = None
            fewest_fillers = fillers
    if len(walls) > 1:
        first, second = list(walls)[:2]
        raise TimeInputError(
            "“{phrase}” can be read as {first} or as {second}; write the date and time, e.g. {example}.",
            phrase=text[:60],
            first=Written(first, "weekday_date_time"),
            second=Written(second, "weekday_date_time"),
            example=f"{first:%Y-%m-%d %H:%M}",
        )
    if walls:
        return next(iter(walls))
    if refusal is not None:
        raise refusal
    return None


def read_time_of_day(text: str) -> time | None:
    """A time of day alone, in any shipped language (16:30, 4pm, 16 Uhr, klo 16, midi); None if it is not one."""
    tokens = _tokens(normalised(text))
    if tokens is None:
        return None
    for kinds, values in _readings(tokens):
        if match := TIME_ONLY.fullmatch(kinds):
            reading = _Reading(part=values[match.start("part")] if match["part"] else None)
            _read_time(kinds, values, match.span("time"), reading)
            return _clock(reading)
    return None


def _tokens(phrase: str) -> list[list[Meaning]] | None:
    """Each token's possible meanings; None at the first thing that is not part of a time."""
    tokens: list[list[Meaning]] = []
    words: list[str] = []
    position = 0
    while position < len(phrase):
        match = TOKEN.match(phrase, position)
        if match is None:
            return None
        position = match.end()
        kind, value = next((k, v) for k, v in match.groupdict().items() if v is not None)
        if kind == "word":
            words.append(value)
            continue
        if kind == "space":
            continue
        if words and not _add_words(words, tokens):
            return None
        words = []
        after_number = bool(tokens) and tokens[-1][0][0] in ("n", "c", "d")
        if kind == "suffix":
            if not after_number or value[1:] not in suffixes():
                return None
        elif kind == "dot":
            if tokens and tokens[-1][0][0] == "n":
                tokens.append([("o", None)])
        else:
            meanings = _number(kind, value)
            if not meanings:
                return None
            tokens.append(meanings)
    if words and not _add_words(words, tokens):
        return None
    return tokens


def _add_words(words: list[str], tokens: list[list[Meaning]]) -> bool:
    """Match words to phrases, longest first; False when a word is in no language's table."""
    known = lexicon()
    start = 0
    while start < len(words):
        for length in range(min(longest_phrase(), len(words) - start), 0, -1):
            meanings = known.get(" ".join(words[start : start + length]))
            if meanings is not None:
                tokens.append(sorted(meanings, key=repr))
                start += length
                break
        else:
            return False
    return True


def _number(kind: str, value: str) -> list[Meaning]:
    """What a written number can be; "3.12" is 03:12, or 3 December when another time follows."""
    if kind == "iso":
        year, month, day = (int(part) for part in value.split("-"))
        return [("d", (year, month, day))]
    if kind == "dmy":
        day, month, year = (int(part) for part in re.split(r"[./]", value))
        return [("d", (year, month, day))]
    if kind == "dm":
        day, month = (int(part) for part in re.split(r"[./]", value.rstrip("."))[:2])
        if value.endswith(".") and month > 12:  # "um 14.30." ends a sentence, it is not a date
            return [("c", (day, month))]
        return [("d", (None, month, day))]
    if kind == "clock":
        hour, separator, minute = re.split(r"([:.h])", value)
        at = ("c", (int(hour), int(minute or 0)))
        return [at, ("d", (None, int(minute), int(hour)))] if separator == "." and int(minute) <= 12 else [at]
    if len(value) <= 2:
        return [("n", int(value))]
    return [("Y", int(value))] if len(value) == 4 else []


def _readings(tokens: list[list[Meaning]]) -> list[tuple[str, list[Any]]]:
    """Every choice of meanings, as a string of kinds (fillers left out) and the values beside it.

    Choices that leave fewer words as mere fillers come first: "12 am" is midnight, not German "am" (on the).
    """
    if prod(len(options) for options in tokens) > MAX_READINGS:
        return []
    choices = sorted(product(*tokens), key=lambda choice: sum(not kind for kind, _ in choice))
    readings = []
    for choice in choices:
        chosen = [(kind, value) for kind, value in choice if kind]
        readings.append(("".join(kind for kind, _ in chosen), [value for _, value in chosen]))
    return readings


def _wall(kinds: str, values: list[Any], *, local_now: datetime, phrase: str) -> datetime | None:
    match = next((found for shape in SHAPES if (found := shape.fullmatch(kinds))), None)
    if match is None or (match["part"] and match["late_part"]):
        return None
    reading = _Reading()
    if match["part"] or match["late_part"]:
        reading.part = values[match.start("part") if match["part"] else match.start("late_part")]
    if match["day"]:
        _read_day(kinds, values, match.span("day"), reading)
    if match["time"]:
        _read_time(kinds, values, match.span("time"), reading)
    at = _clock(reading) if reading.hour is not None else None
    if reading.days is None and reading.weekday is None and reading.month is None:
        shown = f"{at:%H:%M}" if at else "14:00"
        raise TimeInputError(
            "Add a day to “{phrase}”, e.g. today {time} or tomorrow {time}.", phrase=phrase[:60], time=shown
        )
    day = _date(reading, at or time(0), local_now)
    if at is None:
        raise TimeInputError(
            "Add a time of day to “{phrase}”, e.g. {day} 14:00.", phrase=phrase[:60], day=f"{day:%Y-%m-%d}"
        )
    try:
        return datetime.combine(day + timedelta(days=1) if reading.midnight else day, at)
    except OverflowError:
        raise TimeInputError("{year} is too far ahead; give a date like 3 December 2027.", year=f"{day:%Y}") from None


def _read_day(kinds: str, values: list[Any], span: tuple[int, int], reading: _Reading) -> None:
    for kind, value in zip(kinds[span[0] : span[1]], values[span[0] : span[1]], strict=True):
        if kind == "D":
            reading.days = value
        elif kind == "E":
            reading.days, reading.part = 0, "evening"
        elif kind == "W":
            reading.weekday = value
        elif kind == "T":
            reading.ahead_from = 0
        elif kind == "M":
            reading.month = value
        elif kind == "n":
            reading.day = value
        elif kind == "Y":
            reading.year = value
        elif kind == "d":
            reading.year, reading.month, reading.day = value


def _read_time(kinds: str, values: list[Any], span: tuple[int, int], reading: _Reading) -> None:
    for kind, value in zip(kinds[span[0] : span[1]], values[span[0] : span[1]], strict=True):
        if kind == "n":
            reading.hour = value
        elif kind == "c":
            reading.hour, reading.minute = value
        elif kind == "p":
            reading.ampm = value
        elif kind in "OX":
            if reading.hour not in (None, 12):
                raise TimeInputError(
                    "{hour} and noon or midnight do not go together; write one of them.", hour=reading.hour
                )
            reading.hour, reading.midnight = (12, False) if kind == "O" else (0, True)
            reading.part = None


def clock_time(hour: int, minute: int, ampm: str | None) -> time:
    """A time of day from its written numbers, refusing 25:00 and 13pm with what to write instead."""
    if ampm:
        if not 1 <= hour <= 12:
            raise TimeInputError(
                "{hour} {ampm} is not a time; use 1–12 with am/pm, or 0–23 without.", hour=hour, ampm=ampm
            )
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23 or minute > 59:
        raise TimeInputError("{time} is not a time of day; use 00:00–23:59.", time=f"{hour}:{minute:02d}")
    return time(hour, minute)


def _clock(reading: _Reading) -> time:
    at = clock_time(reading.hour or 0, reading.minute, reading.ampm)
    if reading.ampm or reading.part is None or reading.midnight:
        return at
    if reading.part == "morning":
        if at.hour >= 12:
            raise TimeInputError(
                "{time} is not in the morning; write the time as 0–11 or leave the morning out.", time=f"{at:%H:%M}"
            )
        return at
    if at.hour == 0 or (at.hour == 12 and reading.part == "evening"):
        raise TimeInputError(
            "{time} in the {part} is unclear; write noon, midnight or a time like 20:00.",
            time=f"{at:%H:%M}",
            part=reading.part,
        )
    return at.replace(hour=at.hour + 12) if at.hour < 12 else at


def _date(reading: _Reading, at: time, local_now: datetime) -> date:
    today = local_now.date()
    if reading.days is not None:
        return today + timedelta(days=reading.days)
    if reading.month is None:
        assert reading.weekday is not None
        ahead = (reading.weekday - today.weekday()) % 7
        return today + timedelta(days=ahead if ahead >= reading.ahead_from else ahead + 7)
    # No year given: the next such date, this year or a later one (29 February waits for a leap year).
    years = [reading.year] if reading.year is not None else range(today.year, today.year + 5)
    day = next((found for year in years if (found := _valid_date(year, reading, at, local_now))), None)
    if day is None:
        raise TimeInputError(
            "{date} is not a date; write e.g. 3 December or 3.12.",
            date=f"{reading.day}.{reading.month}.{reading.year or ''}",
        )
    if reading.weekday is not None and day.weekday() != reading.weekday:
        named = date(2027, 3, 1 + reading.weekday)  # 1 March 2027 was a Monday
        raise TimeInputError(
            "{date} is a {weekday}, not a {named}; check the day or the date.",
            date=Written(day, "date"),
            weekday=Written(day, "weekday"),
            named=Written(named, "weekday"),
        )
    return day


def _valid_date(year: int, reading: _Reading, at: time, local_now: datetime) -> date | None:
    try:
        day = date(year, reading.month or 0, reading.day or 0)
    except ValueError:
        return None
    return day if reading.year is not None or datetime.combine(day, at) > local_now else None
