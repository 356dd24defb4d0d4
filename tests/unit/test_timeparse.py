"""Reading times as members type them, in their zone, including the nights the clocks change."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from rules.errors import InvalidInputError
from rules.timeparse import (
    TimeInputError,
    format_offsets,
    last_occurrence,
    occurrences,
    parse_duration,
    parse_end,
    parse_offsets,
    parse_repeat,
    parse_time,
    suggest_zones,
    zone_named,
)

BRUSSELS = ZoneInfo("Europe/Brussels")
# Monday 1 March 2027, 10:00 in Brussels.
NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def local(text: str, zone: ZoneInfo = BRUSSELS) -> datetime:
    return parse_time(text, zone=zone, now=NOW).instant.astimezone(zone).replace(tzinfo=None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-03-04 14:00", datetime(2027, 3, 4, 14, 0)),
        ("2027-03-04T14:00", datetime(2027, 3, 4, 14, 0)),
        ("04/03/2027 14:00", datetime(2027, 3, 4, 14, 0)),
        ("4 March 2027 2:30pm", datetime(2027, 3, 4, 14, 30)),
        ("4 march 14:00", datetime(2027, 3, 4, 14, 0)),
        ("1 feb 10:00", datetime(2028, 2, 1, 10, 0)),  # no year and already past: next year
        ("today 18:00", datetime(2027, 3, 1, 18, 0)),
        ("tomorrow 9:30", datetime(2027, 3, 2, 9, 30)),
        ("Tomorrow at 9.30", datetime(2027, 3, 2, 9, 30)),
        ("day after tomorrow 10h", datetime(2027, 3, 3, 10, 0)),
        ("next Tuesday 15:00", datetime(2027, 3, 2, 15, 0)),
        ("tuesday 3pm", datetime(2027, 3, 2, 15, 0)),
        ("next monday 15:00", datetime(2027, 3, 8, 15, 0)),  # never today
        ("this monday 15:00", datetime(2027, 3, 1, 15, 0)),
        ("in 3 days at 10:00", datetime(2027, 3, 4, 10, 0)),
        ("in 2 weeks 9:00", datetime(2027, 3, 15, 9, 0)),
        ("in 90 minutes", datetime(2027, 3, 1, 11, 30)),
        ("in 1h30m", datetime(2027, 3, 1, 11, 30)),
    ],
)
def test_parse_time_phrases_read_in_zone(text: str, expected: datetime) -> None:
    assert local(text) == expected


def test_parse_time_same_words_differ_by_zone() -> None:
    lisbon = parse_time("2027-03-04 14:00", zone=ZoneInfo("Europe/Lisbon"), now=NOW).instant
    kyiv = parse_time("2027-03-04 14:00", zone=ZoneInfo("Europe/Kyiv"), now=NOW).instant
    assert lisbon - kyiv == timedelta(hours=2)


def test_parse_time_nonexistent_spring_forward_time_is_refused_with_alternatives() -> None:
    with pytest.raises(TimeInputError) as raised:
        parse_time("2027-03-28 02:30", zone=BRUSSELS, now=NOW)
    message = raised.value.user_message
    assert "does not exist in Europe/Brussels" in message
    assert "01:30" in message and "03:30" in message


def test_parse_time_repeated_fall_back_time_takes_first_and_says_so() -> None:
    parsed = parse_time("2027-10-31 02:30", zone=BRUSSELS, now=NOW)
    assert parsed.instant == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)
    assert parsed.note is not None
    note = str(parsed.note)
    assert "happens twice" in note and "CEST" in note and "UTC+02:00" in note


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2027-02-01 10:00", "is in the past"),
        ("today 08:00", "is in the past"),
        ("2027-03-04", "Add a time of day"),
        ("14:00", "Add a day"),
        ("someday soon", "can't read"),
        ("", "Give a time"),
        ("tomorrow 25:00", "not a time of day"),
        ("tomorrow 13pm", "not a time"),
        ("in 3 fortnights", "not a unit of time"),
        ("2027-03-04 14:00 +02:00", "Leave out the UTC offset"),
    ],
)
def test_parse_time_bad_input_says_what_to_write(text: str, message: str) -> None:
    with pytest.raises(TimeInputError) as raised:
        parse_time(text, zone=BRUSSELS, now=NOW)
    assert message in raised.value.user_message


def test_zone_named_accepts_any_case_and_refuses_unknown() -> None:
    assert zone_named("europe/KYIV").key == "Europe/Kyiv"
    with pytest.raises(TimeInputError, match="not a time zone"):
        zone_named("Mars/Olympus")


@pytest.mark.parametrize(
    ("typed", "zone"),
    [("helsinki", "Europe/Helsinki"), (" New York ", "America/New_York"), ("LISBON", "Europe/Lisbon"),
     ("istanbul", "Europe/Istanbul"), ("utc", "UTC"), ("cet", "CET")],
)  # fmt: skip
def test_zone_named_reads_a_city_as_its_zone(typed: str, zone: str) -> None:
    assert zone_named(typed).key == zone


def test_zone_named_suggests_the_closest_zones() -> None:
    with pytest.raises(TimeInputError) as raised:
        zone_named("Helsinkii")
    assert "Did you mean Europe/Helsinki?" in raised.value.user_message
    with pytest.raises(TimeInputError) as raised:
        zone_named("Indianapolis")  # two zones carry that name: neither is guessed
    assert "Did you mean America/Indiana/Indianapolis or America/Indianapolis?" in raised.value.user_message


def test_suggest_zones_puts_coalition_zones_first_and_finds_cities() -> None:
    assert suggest_zones("")[0] == "Europe/Lisbon" and "Europe/Kyiv" in suggest_zones("")
    assert suggest_zones("kyiv") == ["Europe/Kyiv"]
    assert suggest_zones("new york")[0] == "America/New_York"
    assert suggest_zones("helsinkii") == ["Europe/Helsinki"]


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30d,7d,1d", [2592000, 604800, 86400]), ("1h, 10m", [3600, 600]), ("1m", [60]), ("1h30m,1w", [604800, 5400])],
)
def test_parse_offsets_longest_first(text: str, seconds: list[int]) -> None:
    assert parse_offsets(text) == seconds


def test_parse_offsets_none_means_no_reminders() -> None:
    assert parse_offsets("none") == []
    assert format_offsets([]) == "none"
    assert format_offsets([2592000, 5400]) == "30d,1h30m"


@pytest.mark.parametrize(
    ("text", "message"),
    [("5x", "“5x” is not a reminder offset"), ("0m", "too short"), ("90d", "too long"), ("1d,-1h", "not a reminder")],
)
def test_parse_offsets_bad_input_explains(text: str, message: str) -> None:
    with pytest.raises(TimeInputError) as raised:
        parse_offsets(text)
    assert message in raised.value.user_message


def test_parse_duration_and_end() -> None:
    assert parse_duration("1h30m") == timedelta(minutes=90)
    assert parse_duration("2 days") == timedelta(days=2)
    with pytest.raises(TimeInputError, match="not a duration"):
        parse_duration("long")
    start = datetime(2027, 3, 4, 13, 0, tzinfo=UTC)  # 14:00 in Brussels
    assert parse_end("16:30", start=start, zone=BRUSSELS).instant == datetime(2027, 3, 4, 15, 30, tzinfo=UTC)
    same_day = parse_end("16:30", start=start, zone=BRUSSELS)
    assert same_day.note is None
    next_day = parse_end("01:00", start=start, zone=BRUSSELS)
    assert next_day.instant == datetime(2027, 3, 5, 0, 0, tzinfo=UTC)
    assert str(next_day.note) == "The end 01:00 is not after the start, so it is read as the next day, Friday."
    assert next_day.note is not None and next_day.note.in_language("de") == (
        "Das Ende 01:00 liegt nicht nach dem Beginn, daher gilt es für den nächsten Tag, Freitag."
    )


def test_weekly_occurrences_keep_local_time_across_both_dst_changes() -> None:
    start = parse_time("2027-03-16 14:00", zone=BRUSSELS, now=NOW).instant
    rule = parse_repeat("weekly", start=start, zone=BRUSSELS)
    found = occurrences(start, zone="Europe/Brussels", rule=rule, after=start, before=start + timedelta(days=240))
    assert {(o.astimezone(BRUSSELS).hour, o.astimezone(BRUSSELS).minute) for o in found} == {(14, 0)}
    utc_hours = [o.hour for o in found]
    assert 13 in utc_hours and 12 in utc_hours  # CET then CEST (and back to CET in November)
    assert found[1] - found[0] == timedelta(days=7)


def test_monthly_occurrence_on_nonexistent_local_time_moves_forward() -> None:
    # 02:30 on the last Sunday of March does not exist; that occurrence is read as 03:30 CEST, not dropped.
    start = datetime(2027, 1, 31, 1, 30, tzinfo=UTC)  # Sunday 02:30 CET
    rule = parse_repeat("FREQ=MONTHLY;BYDAY=-1SU", start=start, zone=BRUSSELS)
    march = occurrences(
        start,
        zone="Europe/Brussels",
        rule=rule,
        after=datetime(2027, 3, 1, tzinfo=UTC),
        before=datetime(2027, 4, 1, tzinfo=UTC),
    )
    assert march == [datetime(2027, 3, 28, 1, 30, tzinfo=UTC)]


def test_parse_repeat_rrule_variants() -> None:
    start = datetime(2027, 3, 2, 13, 0, tzinfo=UTC)
    assert parse_repeat("none", start=start, zone=BRUSSELS) is None
    assert parse_repeat("monthly", start=start, zone=BRUSSELS) == "FREQ=MONTHLY"
    rule = parse_repeat("RRULE:freq=weekly;byday=TU;until=20270601", start=start, zone=BRUSSELS)
    assert rule == "FREQ=WEEKLY;BYDAY=TU;UNTIL=20270601T215959Z"
    assert last_occurrence(start, zone="Europe/Brussels", rule=rule) == datetime(2027, 6, 1, 12, 0, tzinfo=UTC)
    assert last_occurrence(start, zone="Europe/Brussels", rule="FREQ=WEEKLY") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("FREQ=MINUTELY", "nothing more frequent"),
        ("every tuesday", "not a repeat rule"),
        ("FREQ=WEEKLY;BYDAY=XX", "BYDAY=XX is not a weekday"),
        ("FREQ=WEEKLY;DTSTART=20270101T000000", "Leave DTSTART out"),
        ("FREQ=WEEKLY;UNTIL=soon", "UNTIL=SOON is not a date"),
    ],
)
def test_parse_repeat_bad_rule_explains(text: str, message: str) -> None:
    with pytest.raises(InvalidInputError) as raised:
        parse_repeat(text, start=datetime(2027, 3, 2, 13, 0, tzinfo=UTC), zone=BRUSSELS)
    assert message in raised.value.user_message


@pytest.mark.parametrize(
    ("parse", "message"),
    [
        (lambda: zone_named("x" * 300), "Use an IANA name like Europe/Brussels"),
        (lambda: zone_named("localtime"), "is not a time zone I know"),
        (lambda: zone_named("posix/Europe/Paris"), "is not a time zone I know"),
        (lambda: parse_time("9999-12-31 23:59", zone=BRUSSELS, now=NOW), "outside the years I handle (1970–2200)"),
        (lambda: parse_time("in 99999999999 days", zone=BRUSSELS, now=NOW), "too far ahead"),
        (lambda: parse_end("0001-01-01 00:00", start=NOW, zone=BRUSSELS), "outside the years I handle"),
        (lambda: parse_repeat("FREQ=DAILY;INTERVAL=-1", start=NOW, zone=BRUSSELS), "give a whole number from 1"),
        (lambda: parse_repeat("FREQ=DAILY;INTERVAL=0", start=NOW, zone=BRUSSELS), "give a whole number from 1"),
    ],
)
def test_inputs_of_issue_22_are_refused_saying_what_to_write(parse: Callable[[], object], message: str) -> None:
    with pytest.raises(InvalidInputError) as raised:
        parse()
    assert message in raised.value.user_message
