"""Amounts of time as members write them, in every shipped language: "in 3 days", "in 3 Tagen", "om 3 dagar",
"dans 3 jours", "3 päivän päästä", "3 nap múlva", "через 3 дні", each with an optional time of day after it
("in 3 Tagen um 10 Uhr", "3 gün sonra 10:00"), read by rules/time_phrases.py.

Pure. A phrase's word for "in" says which languages' units it takes, so Dutch "om 10 uur" (at ten o'clock) is
not read as Danish "om 10 timer" (in ten hours). Words are matched folded: "dias" reads as "días".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from rules.folding import fold
from rules.time_phrases import TimeInputError

UNIT_SECONDS = {"w": 7 * 86400, "d": 86400, "h": 3600, "m": 60}
# The furthest "in …" reaches: further is a typo, and would overflow the calendar.
LONGEST_AMOUNT = timedelta(days=100 * 366)


@dataclass(frozen=True)
class AmountWords:
    """One language: the words before ("in") or after ("päästä") an amount, its units, and "and"."""

    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    minutes: str = ""
    hours: str = ""
    days: str = ""
    weeks: str = ""
    joiners: str = ""


AMOUNT_LANGUAGES = {
    "en": AmountWords(("in",), (), "minute minutes min mins", "hour hours hr hrs", "day days", "week weeks", "and"),
    "de": AmountWords(("in",), (), "minute minuten min", "stunde stunden std", "tag tage tagen", "woche wochen", "und"),
    "nl": AmountWords(("over", "binnen"), (), "minuut minuten min", "uur uren", "dag dagen", "week weken", "en"),
    "fr": AmountWords(("dans",), (), "minute minutes min", "heure heures", "jour jours", "semaine semaines", "et"),
    "es": AmountWords(("en", "dentro de"), (), "minuto minutos min", "hora horas", "día días", "semana semanas", "y"),
    "ca": AmountWords(("en", "d'aquí a"), (), "minut minuts min", "hora hores", "dia dies", "setmana setmanes", "i"),
    "da": AmountWords(("om",), (), "minut minutter min", "time timer", "dag dage døgn", "uge uger", "og"),
    "no": AmountWords(("om",), (), "minutt minutter min", "time timer", "dag dager døgn", "uke uker", "og"),
    "sv": AmountWords(("om",), (), "minut minuter min", "timme timmar", "dag dagar dygn", "vecka veckor", "och"),
    "fi": AmountWords(
        (), ("päästä", "kuluttua"), "minuutin minuuttia", "tunnin tuntia", "päivän päivää", "viikon viikkoa", "ja"
    ),
    "hu": AmountWords((), ("múlva",), "perc", "óra", "nap", "hét", "és"),
    "tr": AmountWords((), ("sonra",), "dakika", "saat", "gün", "hafta", "ve"),
    "bg": AmountWords(("след",), (), "минута минути", "час часа часове", "ден дни дена", "седмица седмици", "и"),
    "uk": AmountWords(
        ("через", "за"),
        (),
        "хвилину хвилини хвилин",
        "годину години годин",
        "день дні днів",
        "тиждень тижні тижнів",
        "і та",
    ),
}
PART = re.compile(r"(\d+)\s*([^\W\d_]+)")


@dataclass(frozen=True)
class Amount:
    """An amount of time read from a phrase, and what was written after it (a time of day, or nothing)."""

    seconds: int
    rest: str


@dataclass(frozen=True)
class _Reading:
    units: dict[str, str]
    joiners: frozenset[str]


def _reading(languages: list[AmountWords]) -> _Reading:
    units = {letter: letter for letter in UNIT_SECONDS}
    for words in languages:
        for letter, forms in (("m", words.minutes), ("h", words.hours), ("d", words.days), ("w", words.weeks)):
            units |= {fold(form): letter for form in forms.split()}
    return _Reading(units, frozenset(fold(word) for words in languages for word in words.joiners.split()))


@cache
def _by_word() -> tuple[dict[str, _Reading], dict[str, _Reading]]:
    """For each folded word before or after an amount, the units and joiners of the languages that use it."""
    before: dict[str, list[AmountWords]] = {}
    after: dict[str, list[AmountWords]] = {}
    for words in AMOUNT_LANGUAGES.values():
        for word in words.before:
            before.setdefault(fold(word), []).append(words)
        for word in words.after:
            after.setdefault(fold(word), []).append(words)
    return (
        {word: _reading(languages) for word, languages in before.items()},
        {word: _reading(languages) for word, languages in after.items()},
    )


def read_amount(phrase: str) -> Amount | None:
    """The amount of time a phrase names ("in 3 days at 10:00", "3 päivän päästä"), or None when it names none.

    English "in" followed by anything but an amount is refused; other languages' words leave the phrase to the
    other readers ("om morgenen" is a time of day in Danish)."""
    folded = fold(phrase)
    before, after = _by_word()
    for word, reading in after.items():
        if match := re.fullmatch(rf"(\d.*?)\s+{re.escape(word)}(?:\s+(.+))?", folded):
            return Amount(amount_seconds(match[1], reading), match[2] or "")
    for word in sorted(before, key=len, reverse=True):
        if not folded.startswith(word + " "):
            continue
        rest = folded[len(word) + 1 :].strip()
        first = PART.match(rest)
        if word == "in" and first is None:
            raise TimeInputError(
                "“in {amount}” is not an amount of time; write e.g. in 3 days, in 2 hours or in 1h30m.",
                amount=rest[:40],
            )
        if first is None or (word != "in" and first[2] not in before[word].units):
            continue
        amount, rest = _split(rest, before[word])
        return Amount(amount_seconds(amount, before[word]), rest)
    return None


def _split(text: str, reading: _Reading) -> tuple[str, str]:
    """The amount at the start of `text` (its first part whatever its unit, so a wrong unit is named), and the
    rest: "3 tagen um 10 uhr" is "3 tagen" and "um 10 uhr"."""
    joiner = re.compile(rf"\s*(?:(?:{'|'.join(map(re.escape, reading.joiners))})\s+)?")
    end = position = 0
    while (part := PART.match(text, position)) and (end == 0 or part[2] in reading.units):
        end = part.end()
        position = joiner.match(text, end).end()  # type: ignore[union-attr]  # matches the empty string too
    return text[:end], text[end:].strip()


def amount_seconds(amount: str, reading: _Reading | None = None) -> int:
    """Seconds in an amount such as "3 days", "1h30m" or "2 Stunden und 30 Minuten"; refuses anything else."""
    reading = reading or _by_word()[0]["in"]
    words = fold(amount).split()
    compact = " ".join(word for word in words if word not in reading.joiners)
    parts = PART.findall(compact)
    if not parts or PART.sub("", compact).strip():
        raise TimeInputError(
            "“in {amount}” is not an amount of time; write e.g. in 3 days, in 2 hours or in 1h30m.", amount=amount
        )
    total = 0
    for number, unit in parts:
        letter = reading.units.get(unit)
        if letter is None:
            raise TimeInputError("“{unit}” is not a unit of time; use minutes, hours, days or weeks.", unit=unit[:20])
        # Digits past the tenth already mean more than a century in any unit.
        total += (int(number) if len(number) <= 10 else 10**10) * UNIT_SECONDS[letter]
    if total > LONGEST_AMOUNT.total_seconds():
        raise TimeInputError(
            "“in {amount}” is too far ahead (at most {years} years); "
            "write e.g. in 3 days or in 2 weeks, or give a date.",
            amount=amount[:40],
            years=LONGEST_AMOUNT.days // 366,
        )
    return total
