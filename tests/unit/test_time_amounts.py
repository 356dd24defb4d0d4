"""Relative times in every shipped language ("in 3 Tagen", "3 päivän päästä"), across a daylight-saving change,
and the dates inside time refusals written in the member's language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from rules.timeparse import TimeInputError, parse_time

BERLIN = ZoneInfo("Europe/Berlin")
# Monday 1 March 2027, 10:00 in Berlin.
NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
IN_THREE_DAYS = [
    "in 3 days",
    "in 3 Tagen",
    "om 3 dagar",
    "dans 3 jours",
    "3 päivän päästä",
    "over 3 dagen",
    "om 3 dager",
    "om 3 dage",
    "en 3 días",
    "en 3 dias",
    "3 nap múlva",
    "3 gün sonra",
    "след 3 дни",
    "через 3 дні",
]
IN_TWO_HOURS = [
    "in 2 hours",
    "in 2 Stunden",
    "om 2 timmar",
    "dans 2 heures",
    "2 tunnin päästä",
    "over 2 uur",
    "om 2 timer",
    "en 2 horas",
    "2 óra múlva",
    "2 saat sonra",
    "след 2 часа",
    "через 2 години",
]


def local(phrase: str, now: datetime = NOW) -> datetime:
    return parse_time(phrase, zone=BERLIN, now=now).instant.astimezone(BERLIN).replace(tzinfo=None)


@pytest.mark.parametrize("phrase", IN_THREE_DAYS)
def test_in_three_days_in_every_language_is_thursday_at_the_same_time(phrase: str) -> None:
    assert local(phrase) == datetime(2027, 3, 4, 10, 0)


@pytest.mark.parametrize("phrase", IN_TWO_HOURS)
def test_in_two_hours_in_every_language_is_noon(phrase: str) -> None:
    assert local(phrase) == datetime(2027, 3, 1, 12, 0)


@pytest.mark.parametrize(
    "phrase",
    [
        "in 3 Tagen um 14 Uhr",
        "om 3 dagar kl. 14",
        "dans 3 jours à 14h",
        "3 päivän päästä klo 14",
        "over 3 dagen om 14 uur",
        "en 3 días a las 14",
        "3 nap múlva 14:00",
        "3 gün sonra saat 14:00",
        "через 3 дні о 14:00",
        "in 2 Tagen und 1 Tag 14:00",
    ],
)
def test_in_three_days_with_a_time_of_day(phrase: str) -> None:
    assert local(phrase) == datetime(2027, 3, 4, 14, 0)


def test_days_keep_the_wall_clock_across_the_spring_change_and_hours_do_not() -> None:
    # Friday 26 March 2027, 10:00 CET; the clocks jump from 02:00 to 03:00 on Sunday 28 March.
    friday = datetime(2027, 3, 26, 9, 0, tzinfo=UTC)
    assert local("in 3 Tagen", friday) == datetime(2027, 3, 29, 10, 0)
    assert parse_time("in 3 Tagen", zone=BERLIN, now=friday).instant - friday == timedelta(hours=71)
    # 70 hours of elapsed time: the hour the clocks skip is one of them.
    assert local("in 70 Stunden", friday) == datetime(2027, 3, 29, 9, 0)


def test_a_skipped_time_after_an_amount_is_refused_with_german_names() -> None:
    saturday = datetime(2027, 3, 27, 9, 0, tzinfo=UTC)
    with pytest.raises(TimeInputError) as refused:
        parse_time("in 1 Tag um 2:30", zone=BERLIN, now=saturday)
    assert refused.value.message_in("de").startswith(
        "28. März 2027, 02:30 gibt es in Europe/Berlin nicht: In dieser Nacht wird die Uhr vorgestellt."
    )
    assert str(refused.value).startswith("02:30 on 28 March 2027 does not exist in Europe/Berlin")


def test_dutch_om_before_an_hour_is_not_an_amount() -> None:
    with pytest.raises(TimeInputError) as refused:
        parse_time("om 10 uur", zone=BERLIN, now=NOW)
    assert "not an amount" not in str(refused.value) and "10 hours" not in str(refused.value)


def test_wrong_weekday_refusal_names_days_and_months_in_the_members_language() -> None:
    with pytest.raises(TimeInputError) as refused:
        parse_time("Montag 3.12.2027 14:00", zone=BERLIN, now=NOW)
    assert str(refused.value) == "3 December 2027 is a Friday, not a Monday; check the day or the date."
    assert refused.value.message_in("de") == (
        "Der 3. Dezember 2027 ist ein Freitag, kein Montag; prüfe den Tag oder das Datum."
    )
    assert refused.value.message_in("fi").startswith("3. joulukuuta 2027 on perjantai, ei maanantai")


def test_a_past_time_is_refused_with_the_date_in_the_members_language() -> None:
    with pytest.raises(TimeInputError) as refused:
        parse_time("1.2.2027 10:00", zone=BERLIN, now=NOW)
    assert refused.value.message_in("fr").startswith("1 février 2027, 10:00 (Europe/Berlin) est dans le passé.")
