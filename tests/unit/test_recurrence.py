"""Repeat rules: degenerate ones are refused when typed and skipped when read back, always in bounded time."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from rules.recurrence import MAX_STEPS, RecurrenceError, check_series, series_problem
from rules.timeparse import last_occurrence, occurrences, parse_repeat

BRUSSELS = ZoneInfo("Europe/Brussels")
START = datetime(2027, 3, 2, 13, 0, tzinfo=UTC)
# Rules a pre-fix bot stored, or a moderator typed: each made dateutil loop forever, search to year 9999
# or raise from inside its iteration.
DEGENERATE_RULES = [
    ("FREQ=DAILY;INTERVAL=0", "INTERVAL=0 is out of range"),
    ("FREQ=DAILY;INTERVAL=-1", "INTERVAL=-1 is out of range"),
    ("FREQ=WEEKLY;INTERVAL=99999999999999999999", "out of range"),
    ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "no date within ten years"),
    ("FREQ=MONTHLY;BYMONTH=4;BYMONTHDAY=31", "no date within ten years"),
    ("FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29", "no date within ten years"),
    ("FREQ=DAILY;INTERVAL=7;BYDAY=WE", "no date within ten years"),
    ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=9", "no date within ten years"),
    ("FREQ=DAILY;BYMONTHDAY=30", "does not go with FREQ=DAILY"),
    ("FREQ=DAILY;BYHOUR=0,1,2,3", "Leave BYHOUR out"),
    ("FREQ=WEEKLY;COUNT=0", "COUNT=0 is out of range"),
    ("FREQ=WEEKLY;UNTIL=20200101T000000Z", "ends (UNTIL) before its first occurrence"),
    ("FREQ=WEEKLY;INTERVAL=１", "out of range"),
    ("FREQ=WEEKLY;FREQ=DAILY", "appears twice"),
    ("FREQ=MONTHLY;BYDAY=6MO", "number the weekday from 1 to 5"),
]


@pytest.mark.parametrize(("rule", "message"), DEGENERATE_RULES)
def test_check_series_degenerate_rule_is_refused_quickly_with_a_reason(rule: str, message: str) -> None:
    began = time.monotonic()
    with pytest.raises(RecurrenceError) as raised:
        check_series(rule, start=START, zone="Europe/Brussels")
    assert message in raised.value.user_message
    assert time.monotonic() - began < 2


@pytest.mark.parametrize(("rule", "message"), DEGENERATE_RULES)
def test_parse_repeat_degenerate_rule_is_refused(rule: str, message: str) -> None:
    with pytest.raises(RecurrenceError):
        parse_repeat(rule, start=START, zone=BRUSSELS)


@pytest.mark.parametrize(("rule", "_message"), DEGENERATE_RULES)
def test_occurrences_of_a_stored_degenerate_rule_raise_instead_of_looping(rule: str, _message: str) -> None:
    with pytest.raises(RecurrenceError):
        occurrences(START, zone="Europe/Brussels", rule=rule, after=START + timedelta(days=1), before=START.max)


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=WEEKLY;BYDAY=TU;COUNT=10",
        "FREQ=MONTHLY;BYDAY=1TU",
        "FREQ=MONTHLY;BYDAY=-1FR",
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
        "FREQ=MONTHLY;BYMONTHDAY=13;BYDAY=FR",
        "FREQ=DAILY;INTERVAL=3660",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;WKST=SU",
        "FREQ=YEARLY;BYWEEKNO=53;BYDAY=MO",
    ],
)
def test_check_series_accepts_real_rules(rule: str) -> None:
    assert series_problem(rule, start=START, zone="Europe/Brussels") is None


def test_occurrences_walk_is_bounded_for_a_series_started_long_ago() -> None:
    ancient = datetime(1971, 1, 1, 12, 0, tzinfo=UTC)
    far = ancient + timedelta(days=MAX_STEPS + 10)
    with pytest.raises(RecurrenceError) as raised:
        occurrences(ancient, zone="UTC", rule="FREQ=DAILY", after=far, before=far + timedelta(days=1))
    assert "COUNT or UNTIL" in raised.value.user_message


def test_last_occurrence_of_a_very_long_series_is_refused_not_walked_forever() -> None:
    with pytest.raises(RecurrenceError):
        last_occurrence(START, zone="Europe/Brussels", rule="FREQ=DAILY;UNTIL=21991231T000000Z")


def test_series_problem_names_an_unknown_stored_zone() -> None:
    problem = series_problem("FREQ=WEEKLY", start=START, zone="Mars/Olympus")
    assert problem is not None and "time zone" in problem
