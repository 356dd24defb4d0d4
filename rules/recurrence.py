"""Which repeat rules (RFC 5545 RRULEs) a series may have: checked when typed and again when read back.

dateutil expands whatever it is given. INTERVAL=0 repeats one instant forever, a negative interval runs back
towards year 1, and filters that no date matches (30 February) make it search to year 9999 before giving up,
all without yielding to the event loop. So a rule is held to a small grammar with ranges first, then probed
in bounded time for an occurrence soon after its start; the expansion itself stops after a fixed number of
steps. Every refusal is a `RecurrenceError` whose message says what to write instead.

Pure: no Discord, no database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import MAXYEAR, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from dateutil import rrule

from rules.errors import InvalidInputError

RULE_EXAMPLE = "FREQ=WEEKLY;BYDAY=TU;COUNT=10"
MAX_RULE_LENGTH = 200
MAX_COUNT = 1000
# The longest step between two repeats: about ten years, whatever the unit.
MAX_INTERVAL = {"DAILY": 3660, "WEEKLY": 520, "MONTHLY": 120, "YEARLY": 10}
# Day-by-day and week-by-week rules take only weekday and month filters: with those a probe is cheap, and
# anything finer ("the 30th") is a monthly or yearly rule anyway.
# No BYHOUR, BYMINUTE or BYSECOND and nothing more frequent than daily: a reminder bot must never become a
# spam bot.
PARTS_BY_FREQUENCY = {
    "DAILY": {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTH", "WKST"},
    "WEEKLY": {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTH", "WKST"},
    "MONTHLY": {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTH", "BYMONTHDAY", "BYSETPOS", "WKST"},
    "YEARLY": {
        "FREQ",
        "INTERVAL",
        "COUNT",
        "UNTIL",
        "BYDAY",
        "BYMONTH",
        "BYMONTHDAY",
        "BYYEARDAY",
        "BYWEEKNO",
        "BYSETPOS",
        "WKST",
    },
}
# Largest |n| in BYDAY=nMO: the fifth Monday of a month, the 53rd of a year.
MAX_WEEKDAY_ORDINAL = {"DAILY": 0, "WEEKLY": 0, "MONTHLY": 5, "YEARLY": 53}
NUMBER_RANGES = {"BYMONTH": (1, 12), "BYMONTHDAY": (1, 31), "BYYEARDAY": (1, 366), "BYWEEKNO": (1, 53)}
SIGNED = {"BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYSETPOS"}
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
NUMBER = re.compile(r"[+-]?[0-9]{1,4}", re.ASCII)
WEEKDAY = re.compile(r"(?P<ordinal>[+-]?[0-9]{1,2})?(?P<day>MO|TU|WE|TH|FR|SA|SU)", re.ASCII)
UNTIL = re.compile(r"[0-9]{8}(?:T[0-9]{6}Z?)?", re.ASCII)
# A series must first occur within this time of its start; the probe looks no further.
FIRST_WITHIN = timedelta(days=10 * 366)
# Most occurrences one expansion walks through (a daily series for about 55 years): a pass over a series
# costs at most this, whatever is stored.
MAX_STEPS = 20_000
# The calendar repeats exactly every 400 years (146097 days, a whole number of weeks), so a probe can run
# that many years later, where dateutil's search for a match that never comes ends at year 9999 within
# 400 years instead of 8000.
CALENDAR_CYCLE_YEARS = 400


class RecurrenceError(InvalidInputError):
    """A repeat rule the bot will not expand; the message says what to write instead."""


def rule_parts(rule: str) -> dict[str, str]:
    """Split and check an RRULE body (no DTSTART): known parts only, each once, values in range."""
    if len(rule) > MAX_RULE_LENGTH:
        raise RecurrenceError(
            "The repeat rule is too long ({length} characters; at most {limit}). Use a short RRULE such as {example}.",
            length=len(rule),
            limit=MAX_RULE_LENGTH,
            example=RULE_EXAMPLE,
        )
    parts: dict[str, str] = {}
    for piece in rule.split(";"):
        key, equals, value = piece.partition("=")
        key, value = key.strip(), value.strip()
        if not equals or not key or not value:
            raise RecurrenceError(
                "“{rule}” is not a repeat rule. Use none, weekly, monthly or an RRULE such as {example}.",
                rule=rule[:60],
                example=RULE_EXAMPLE,
            )
        if key in parts:
            raise RecurrenceError("{part} appears twice in the repeat rule; give each part once.", part=key[:20])
        parts[key] = value
    frequency = parts.get("FREQ")
    if frequency not in PARTS_BY_FREQUENCY:
        raise RecurrenceError("The RRULE needs FREQ=DAILY, WEEKLY, MONTHLY or YEARLY (nothing more frequent).")
    for key, value in parts.items():
        if key not in PARTS_BY_FREQUENCY[frequency]:
            raise RecurrenceError(_unsupported(key, frequency))
        if key != "FREQ":
            _check_value(key, value, frequency)
    return parts


def _unsupported(key: str, frequency: str) -> str:
    if key == "DTSTART":
        return "Leave DTSTART out of the RRULE: the event's start is the first occurrence."
    if key in ("BYHOUR", "BYMINUTE", "BYSECOND"):
        return f"Leave {key} out of the RRULE: every occurrence starts at the event's start time."
    if key in PARTS_BY_FREQUENCY["YEARLY"]:
        return f"{key} does not go with FREQ={frequency}; use FREQ=MONTHLY or FREQ=YEARLY for it."
    allowed = ", ".join(sorted(PARTS_BY_FREQUENCY["YEARLY"]))
    return f"“{key[:20]}” is not an RRULE part I accept; use {allowed}."


def _check_value(key: str, value: str, frequency: str) -> None:
    if key == "INTERVAL":
        _whole_number(key, value, 1, MAX_INTERVAL[frequency])
    elif key == "COUNT":
        _whole_number(key, value, 1, MAX_COUNT)
    elif key == "UNTIL":
        if not UNTIL.fullmatch(value):
            raise RecurrenceError("UNTIL={value} is not a date; write it like UNTIL=20271231.", value=value[:30])
    elif key == "WKST":
        if value not in WEEKDAY_CODES:
            raise RecurrenceError("WKST={value} is not a weekday; use MO, TU, WE, TH, FR, SA or SU.", value=value[:10])
    elif key == "BYDAY":
        for item in value.split(","):
            _check_weekday(item, frequency)
    else:
        for item in value.split(","):
            low, high = NUMBER_RANGES.get(key, (1, 366))
            negative = item.startswith("-")
            if not NUMBER.fullmatch(item) or not low <= abs(int(item)) <= high or (negative and key not in SIGNED):
                sign = f"-{high}…-{low} or " if key in SIGNED else ""
                raise RecurrenceError(
                    "{part}={value} is out of range; use {signed}{low}…{high}.",
                    part=key,
                    value=item[:10],
                    signed=sign,
                    low=low,
                    high=high,
                )


def _whole_number(key: str, value: str, low: int, high: int) -> None:
    if not value.isascii() or not value.isdigit() or len(value) > 6 or not low <= int(value) <= high:
        raise RecurrenceError(
            "{part}={value} is out of range; give a whole number from {low} to {high}.",
            part=key,
            value=value[:10],
            low=low,
            high=high,
        )


def _check_weekday(item: str, frequency: str) -> None:
    match = WEEKDAY.fullmatch(item)
    if match is None:
        raise RecurrenceError(
            "BYDAY={value} is not a weekday; use MO, TU, WE, TH, FR, SA or SU (e.g. 1TU).", value=item[:10]
        )
    if match["ordinal"] is None:
        return
    highest = MAX_WEEKDAY_ORDINAL[frequency]
    if highest == 0:
        raise RecurrenceError(
            "BYDAY={value} numbers a weekday, which needs FREQ=MONTHLY or YEARLY; with FREQ={frequency} "
            "write the weekday alone, e.g. BYDAY={day}.",
            value=item,
            frequency=frequency,
            day=match["day"],
        )
    if not 1 <= abs(int(match["ordinal"])) <= highest:
        raise RecurrenceError(
            "BYDAY={value} is out of range; number the weekday from 1 to {highest} (or -1 for last).",
            value=item,
            highest=highest,
        )


def series_problem(rule: str | None, *, start: datetime, zone: str) -> str | None:
    """Why a stored series cannot be expanded, in words for moderators; None when it can."""
    if rule is None:
        return None
    return _series_problem(rule, start, zone)


def check_series(rule: str | None, *, start: datetime, zone: str) -> None:
    """Refuse a series that is malformed, never occurs or first occurs too long after its start."""
    problem = series_problem(rule, start=start, zone=zone)
    if problem is not None:
        raise RecurrenceError(problem)


@lru_cache(maxsize=4096)
def _series_problem(rule: str, start: datetime, zone: str) -> str | None:
    # Cached: the planner re-reads every series each pass, and a probe can cost tens of milliseconds.
    try:
        parts = rule_parts(rule)
        local_zone = ZoneInfo(zone)
    except RecurrenceError as error:
        return error.user_message
    except (KeyError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError
        return f"The series' time zone “{zone[:60]}” is unknown; set one with /event-admin edit timezone:."
    try:
        wall = start.astimezone(local_zone)
        if not _occurs_soon(parts, wall.replace(tzinfo=None)):
            return (
                f"The repeat rule “{rule[:60]}” has no date within ten years of the start (e.g. 30 February, or "
                "filters its interval never reaches). Check BYMONTH, BYMONTHDAY and BYDAY."
            )
        if "UNTIL" in parts and _first(rrule.rrulestr(rule, dtstart=wall), after=wall) is None:
            return f"The repeat rule “{rule[:60]}” ends (UNTIL) before its first occurrence; give a later UNTIL."
    except (ValueError, TypeError, OverflowError) as error:
        return f"The repeat rule “{rule[:60]}” is not valid ({str(error)[:80]})."
    return None


def _occurs_soon(parts: dict[str, str], wall: datetime) -> bool:
    """Whether the rule, never ending, occurs within `FIRST_WITHIN` of a start; bounded however it is written."""
    endless = ";".join(f"{key}={value}" for key, value in parts.items() if key not in ("COUNT", "UNTIL"))
    cycles = max(0, (MAXYEAR - wall.year - FIRST_WITHIN.days // 365 - 1) // CALENDAR_CYCLE_YEARS)
    probe_start = wall.replace(year=wall.year + cycles * CALENDAR_CYCLE_YEARS)
    first = _first(rrule.rrulestr(endless, dtstart=probe_start), after=probe_start)
    return first is not None and first - probe_start <= FIRST_WITHIN


def _first(expanded: rrule.rrule | rrule.rruleset, *, after: datetime) -> datetime | None:
    found: datetime | None = expanded.after(after, inc=True)
    return found


def bounded(expanded: Iterable[datetime], *, limit: int = MAX_STEPS) -> Iterator[datetime]:
    """Walk an expansion, refusing to go past `limit` occurrences: one series costs a pass at most that."""
    for step, occurrence in enumerate(expanded, start=1):
        if step > limit:
            raise RecurrenceError(
                "This series has more than {limit} occurrences to go through; end it sooner with COUNT or "
                "UNTIL, or start a new series.",
                limit=limit,
            )
        yield occurrence
