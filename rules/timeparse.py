"""Read what a member types as a time, a duration or reminder offsets, in a given IANA zone.

Pure: no Discord, no database, `now` is always passed in. Every error is a `TimeInputError` (a
`RecurrenceError` for repeat rules, see rules/recurrence.py) whose message can be shown to the member as it is.

Phrases understood (case-insensitive; `at` optional; times as 14:00, 14.00, 14h, 2pm, 2:30 pm):
  2027-03-04 14:00 · 4 March 2027 14:00 · 04/03/2027 14:00 (day first) · 4 March 14:00 (next such date)
  today 18:00 · tomorrow 9:30 · day after tomorrow 10:00 · tomorrow at noon · Friday midnight
  tuesday 15:00 · next tuesday 15:00 (both: the first Tuesday after today) · this tuesday 15:00 (today if Tuesday)
  in 3 days at 10:00 · in 2 weeks 9:00 · in 90 minutes · in 2 hours · in 1h30m
Days, months and times of day are read in every language of rules/time_words.py, whatever the member's own
(morgen 14 Uhr, huomenna klo 10, i morgen kl. 10, demain 14h, mañana a las 10): see rules/time_phrases.py; so
are amounts (in 3 Tagen, om 3 dagar, dans 3 jours, 3 päivän päästä): see rules/time_amounts.py.

Wall-clock times at a daylight-saving change: a time that does not exist (clocks jump forward over it) is
refused with the alternatives; a time that happens twice (clocks go back) is read as the first of the two,
and the result carries a note saying so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from dateutil import parser as dateutil_parser
from dateutil import rrule
from rapidfuzz import fuzz, process

from rules.i18n import BOTH, N_, Sentence, Written
from rules.recurrence import MAX_RULE_LENGTH, RecurrenceError, bounded, check_series, rule_parts
from rules.time_amounts import UNIT_SECONDS, amount_seconds, read_amount
from rules.time_phrases import TimeInputError, read_time_of_day, read_wall_clock

# Zones listed first when a member has typed nothing yet: the coalition spans Lisbon to Kyiv.
COALITION_ZONES = (
    "Europe/Lisbon",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Brussels",
    "Europe/Amsterdam",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Vienna",
    "Europe/Prague",
    "Europe/Warsaw",
    "Europe/Budapest",
    "Europe/Stockholm",
    "Europe/Oslo",
    "Europe/Copenhagen",
    "Europe/Helsinki",
    "Europe/Tallinn",
    "Europe/Riga",
    "Europe/Vilnius",
    "Europe/Athens",
    "Europe/Bucharest",
    "Europe/Sofia",
    "Europe/Kyiv",
    "Europe/Istanbul",
    "UTC",
)
# In the IANA list, but not places: the machine's own zone and tzdata's placeholder.
NOT_ZONES = frozenset({"localtime", "Factory"})
# The longest IANA name is 32 characters (America/Argentina/ComodRivadavia); anything much longer is not one.
MAX_ZONE_LENGTH = 64
# Dates outside these years are typos (0001, 9999); refusing them also keeps UTC conversions from overflowing.
EARLIEST_YEAR, LATEST_YEAR = 1970, 2200
# Longest time, duration or offsets text read: real input is a few words; more is pasted by mistake.
MAX_TEXT_LENGTH = 100
EXAMPLES = "2027-03-04 14:00, next Tuesday 15:00, tomorrow 9:30 or in 3 days at 10:00"

OFFSET = re.compile(r"^(?:\d{1,6}[wdhm])+$", re.ASCII)


@dataclass(frozen=True)
class ParsedTime:
    """An instant read from member input, with a note when a choice had to be made (repeated wall time)."""

    instant: datetime
    zone: str
    note: Sentence | None = None


def zone_named(name: str) -> ZoneInfo:
    """The IANA zone for a name or, as members type it, a city ("helsinki", "new york"), in any case.

    Only names in the IANA list are looked up, never a path: not `localtime`, `Factory`, `posix/…` or `right/…`.
    TimeInputError suggests the zones that come closest.
    """
    wanted = " ".join(name.split())[:MAX_ZONE_LENGTH]
    key = wanted.casefold().replace(" ", "_")
    canonical = _zone_index().get(key) or _city_index().get(key)
    if canonical is None or len(name) > MAX_ZONE_LENGTH:
        close = suggest_zones(wanted, limit=3) if wanted else []
        if close:
            raise TimeInputError(
                "“{zone}” is not a time zone I know. Did you mean {close}? Use an IANA name like Europe/Brussels, "
                "Europe/Lisbon or Europe/Kyiv (pick one from the list as you type).",
                zone=wanted[:60],
                close=" or ".join(close),
            )
        raise TimeInputError(
            "“{zone}” is not a time zone I know. Use an IANA name like Europe/Brussels, "
            "Europe/Lisbon or Europe/Kyiv (pick one from the list as you type).",
            zone=wanted[:60],
        )
    return ZoneInfo(canonical)


@cache
def _zone_index() -> dict[str, str]:
    return {zone.casefold(): zone for zone in available_timezones() if zone not in NOT_ZONES}


@cache
def _city_index() -> dict[str, str]:
    """City → zone, for the cities that name one zone (or one in Europe: Nicosia, Istanbul)."""
    by_city: dict[str, list[str]] = {}
    for zone in sorted(available_timezones()):
        if "/" in zone:
            by_city.setdefault(zone.rsplit("/", 1)[1].casefold(), []).append(zone)
    index: dict[str, str] = {}
    for city, zones in by_city.items():
        chosen = zones if len(zones) == 1 else [zone for zone in zones if zone.startswith("Europe/")]
        if len(chosen) == 1:
            index[city] = chosen[0]
    return index


def _zones_spelled_like(key: str) -> list[str]:
    """Zones whose city is a typo away from what was typed ("helsinkii")."""
    cities = _city_index()
    found = process.extract(key, list(cities), scorer=fuzz.ratio, score_cutoff=85, limit=3)
    return [cities[city] for city, _score, _index in found]


def suggest_zones(current: str, limit: int = 25) -> list[str]:
    """Zones matching what a member has typed: city or region, spaces or underscores; coalition zones first;
    failing that, cities a typo away."""
    wanted = current.strip().casefold().replace(" ", "_")
    if not wanted:
        return list(COALITION_ZONES[:limit])
    zones = sorted(_zone_index().values())
    ranked = [z for z in COALITION_ZONES if wanted in z.casefold()]
    ranked += [z for z in zones if z.casefold().split("/")[-1].startswith(wanted) and z not in ranked]
    ranked += [z for z in zones if wanted in z.casefold() and z not in ranked]
    return ranked[:limit] or _zones_spelled_like(wanted)[:limit]


def localize(wall: datetime, zone: ZoneInfo) -> ParsedTime:
    """Turn a wall-clock time in a zone into an instant: refuse a skipped time, take the first of a repeated one."""
    if not EARLIEST_YEAR <= wall.year <= LATEST_YEAR:
        raise TimeInputError(
            "{year} is outside the years I handle ({earliest}–{latest}); give a date like {examples}.",
            year=wall.year,
            earliest=EARLIEST_YEAR,
            latest=LATEST_YEAR,
            examples=EXAMPLES,
        )
    first = wall.replace(tzinfo=zone, fold=0)
    second = wall.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return ParsedTime(first.astimezone(UTC), zone.key)
    round_trip = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    when = Written(wall, "time_on_date")
    if round_trip != wall:
        before, after = first.astimezone(UTC).astimezone(zone), second.astimezone(UTC).astimezone(zone)
        earlier, later = sorted((before, after))
        raise TimeInputError(
            "{when} does not exist in {zone}: the clocks jump forward that night. "
            "Did you mean {earlier} ({earlier_zone}) or {later} ({later_zone})?",
            when=when,
            zone=zone.key,
            earlier=f"{earlier:%H:%M}",
            earlier_zone=f"{earlier:%Z}",
            later=f"{later:%H:%M}",
            later_zone=f"{later:%Z}",
        )
    note = Sentence(
        "{when} happens twice in {zone} (the clocks go back that night); I took the first one, {first} "
        "(UTC{offset}). The second one is an hour later, at {second}.",
        when=when,
        zone=zone.key,
        first=f"{first:%H:%M %Z}",
        offset=_offset(first),
        second=f"{second.astimezone(UTC).astimezone(zone):%H:%M %Z}",
    )
    return ParsedTime(first.astimezone(UTC), zone.key, note)


def _offset(moment: datetime) -> str:
    offset = moment.utcoffset() or timedelta()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def parse_time(text: str, *, zone: ZoneInfo, now: datetime, future: bool = True) -> ParsedTime:
    """Read a point in time typed by a member, in their zone; with `future`, a past time is an error."""
    phrase = " ".join(text.strip().casefold().replace(",", " ").split())
    if not phrase:
        raise TimeInputError("Give a time, e.g. {examples}.", examples=EXAMPLES)
    _check_length(phrase, "time")
    parsed = _in_amount(phrase, zone, now) or _in_words(phrase, zone, now) or _absolute(phrase, zone, now)
    if future and parsed.instant <= now:
        shown = parsed.instant.astimezone(zone)
        raise TimeInputError(
            "{when} ({zone}) is in the past. Give a time in the future, e.g. {examples}.",
            when=Written(shown, "date_time"),
            zone=zone.key,
            examples=EXAMPLES,
        )
    return parsed


def _check_length(text: str, what: str) -> None:
    if len(text) > MAX_TEXT_LENGTH:
        raise TimeInputError(TOO_LONG[what], length=len(text), limit=MAX_TEXT_LENGTH, examples=EXAMPLES)


# Each refusal whole, so that a translator sees the sentence it belongs to.
TOO_LONG = {
    "time": N_("That time is too long ({length} characters; at most {limit}). Write e.g. {examples}."),
    "end": N_("That end is too long ({length} characters; at most {limit}). Write e.g. 16:30 or 2027-03-05 17:00."),
    "duration": N_(
        "That duration is too long ({length} characters; at most {limit}). Write e.g. 90m, 2h, 1h30m or 2d."
    ),
    "reminder list": N_(
        "That reminder list is too long ({length} characters; at most {limit}). Write e.g. 30d,7d,1d or 1h,10m."
    ),
}


def _in_words(phrase: str, zone: ZoneInfo, now: datetime) -> ParsedTime | None:
    wall = read_wall_clock(phrase, local_now=now.astimezone(zone).replace(tzinfo=None))
    return localize(wall, zone) if wall is not None else None


def _in_amount(phrase: str, zone: ZoneInfo, now: datetime) -> ParsedTime | None:
    amount = read_amount(phrase)
    if amount is None:
        return None
    at = None
    if amount.rest:
        at = read_time_of_day(amount.rest)
        # A bare number after the amount ("in 2 weeks 9") could be anything: ask for a clock time.
        if at is None or amount.rest.isdigit():
            raise TimeInputError(
                "“in {amount}” is not an amount of time; write e.g. in 3 days, in 2 hours or in 1h30m.",
                amount=phrase.split(maxsplit=1)[-1][:40],
            )
    elif amount.seconds % 86400:
        # Minutes and hours are elapsed time: no wall clock involved.
        return ParsedTime((now + timedelta(seconds=amount.seconds)).replace(second=0, microsecond=0), zone.key)
    local_now = now.astimezone(zone)
    day = local_now.date() + timedelta(days=amount.seconds // 86400)
    clock = at if at is not None else local_now.time().replace(second=0, microsecond=0)
    return localize(datetime.combine(day, clock), zone)


def _absolute(phrase: str, zone: ZoneInfo, now: datetime) -> ParsedTime:
    cleaned = re.sub(r"\bat\b", " ", phrase)
    # Parsing twice with different defaults reveals which parts the member left out.
    defaults = (datetime(2000, 1, 1, 0, 0), datetime(2001, 2, 2, 1, 1))
    # Europeans write the day first (04/03 is 4 March), but an ISO date (2027-03-04) is year-month-day.
    day_first = not re.match(r"^\d{4}", cleaned)
    try:
        first, second = (dateutil_parser.parse(cleaned, default=d, dayfirst=day_first) for d in defaults)
    except (ValueError, ArithmeticError):  # OverflowError, and decimal.InvalidOperation on "1000…0m"
        raise TimeInputError(
            "I can't read “{phrase}” as a time. Try e.g. {examples}.", phrase=phrase[:60], examples=EXAMPLES
        ) from None
    if first.tzinfo is not None:
        raise TimeInputError("Leave out the UTC offset or zone from the time; pick the zone in the timezone option.")
    if first.hour != second.hour:
        raise TimeInputError(
            "Add a time of day to “{phrase}”, e.g. {day} 14:00.", phrase=phrase[:60], day=f"{first:%Y-%m-%d}"
        )
    if (first.month, first.day) != (second.month, second.day):
        raise TimeInputError(
            "Add a day to “{phrase}”, e.g. today {time} or tomorrow {time}.", phrase=phrase[:60], time=f"{first:%H:%M}"
        )
    # "2pm" names the hour only: the minutes come from the defaults, and differ.
    wall = first.replace(minute=first.minute if first.minute == second.minute else 0, second=0, microsecond=0)
    if first.year != second.year:
        # No year given: the next such date, this year or next.
        local_now = now.astimezone(zone).replace(tzinfo=None)
        wall = wall.replace(year=local_now.year)
        if wall <= local_now:
            wall = _same_day_next_year(wall)
    return localize(wall, zone)


def _same_day_next_year(wall: datetime) -> datetime:
    try:
        return wall.replace(year=wall.year + 1)
    except ValueError:  # 29 February
        return wall.replace(year=wall.year + 1, day=28)


def parse_duration(text: str) -> timedelta:
    """Read a duration like 90m, 2h, 1h30m, 2 days."""
    compact = text.strip().casefold()
    _check_length(compact, "duration")
    try:
        seconds = amount_seconds(compact)
    except TimeInputError:
        raise TimeInputError(
            "“{text}” is not a duration; write e.g. 90m, 2h, 1h30m or 2d.", text=text.strip()[:40]
        ) from None
    if seconds <= 0:
        raise TimeInputError("The duration must be longer than zero.")
    if seconds > 14 * 86400:
        raise TimeInputError("An event can last at most 14 days; make a recurring event for longer series.")
    return timedelta(seconds=seconds)


def parse_end(text: str, *, start: datetime, zone: ZoneInfo) -> ParsedTime:
    """Read an end time: a bare time of day means that time on the start's day (or the next day, if earlier)."""
    phrase = " ".join(text.strip().casefold().split())
    _check_length(phrase, "end")
    at = read_time_of_day(phrase)
    if at is not None:
        local_start = start.astimezone(zone)
        end = localize(datetime.combine(local_start.date(), at), zone)
        if end.instant > start:
            return end
        next_day = local_start.date() + timedelta(days=1)
        end = localize(datetime.combine(next_day, at), zone)
        rolled = Sentence(
            "The end {end} is not after the start, so it is read as the next day, {weekday}.",
            end=f"{at:%H:%M}",
            weekday=Written(next_day, "weekday"),
        )
        note = Sentence(BOTH, first=rolled, second=end.note) if end.note else rolled
        return ParsedTime(end.instant, end.zone, note)
    return parse_time(text, zone=zone, now=start, future=False)


def parse_offsets(text: str, *, limit: int = 6, longest: timedelta = timedelta(days=60)) -> list[int]:
    """Read reminder offsets like `30d,7d,1d` or `1h,10m` into seconds before the start, longest first."""
    _check_length(text.strip(), "reminder list")
    pieces = [piece for piece in re.split(r"[,\s;]+", text.strip().casefold()) if piece]
    if not pieces:
        raise TimeInputError("Give at least one reminder offset, e.g. 1d,1h — or `none` for no reminders.")
    if pieces == ["none"]:
        return []
    offsets: set[int] = set()
    for piece in pieces:
        if not OFFSET.match(piece):
            raise TimeInputError(
                "“{offset}” is not a reminder offset. Use numbers with w, d, h or m before the start, "
                "e.g. 30d,7d,1d or 1h,10m.",
                offset=piece[:20],
            )
        seconds = sum(int(n) * UNIT_SECONDS[u] for n, u in re.findall(r"(\d+)([wdhm])", piece))
        if seconds < 60:
            raise TimeInputError(
                "“{offset}” is too short: a reminder needs at least 1m before the start.", offset=piece
            )
        if seconds > longest.total_seconds():
            raise TimeInputError(
                "“{offset}” is too long: reminders can be at most {days}d before the start.",
                offset=piece,
                days=longest.days,
            )
        offsets.add(seconds)
    if len(offsets) > limit:
        raise TimeInputError("At most {limit} reminders per event, please.", limit=limit)
    return sorted(offsets, reverse=True)


def format_offset(seconds: int) -> str:
    """Write an offset the way members type it: 30d, 1h30m, 10m."""
    parts = []
    for unit in ("d", "h", "m"):
        amount, seconds = divmod(seconds, UNIT_SECONDS[unit])
        if amount:
            parts.append(f"{amount}{unit}")
    return "".join(parts) or "0m"


def format_offsets(offsets: list[int]) -> str:
    return ",".join(format_offset(offset) for offset in offsets) or "none"


REPEAT_SHORTHANDS = {"none": None, "": None, "weekly": "FREQ=WEEKLY", "monthly": "FREQ=MONTHLY"}


def parse_repeat(text: str | None, *, start: datetime, zone: ZoneInfo) -> str | None:
    """Read `none`, `weekly`, `monthly` or an RRULE into a canonical RRULE (UNTIL in UTC), or None."""
    raw = (text or "").strip()
    if raw.casefold() in REPEAT_SHORTHANDS:
        return REPEAT_SHORTHANDS[raw.casefold()]
    if len(raw) > MAX_RULE_LENGTH:
        raise RecurrenceError(
            "The repeat rule is too long ({length} characters; at most {limit}). "
            "Use none, weekly, monthly or a short RRULE such as FREQ=WEEKLY;BYDAY=TU;COUNT=10.",
            length=len(raw),
            limit=MAX_RULE_LENGTH,
        )
    body = raw.removeprefix("RRULE:").removeprefix("rrule:").strip()
    parts = rule_parts(body.upper())
    if "UNTIL" in parts:
        parts["UNTIL"] = _until_in_utc(parts["UNTIL"], zone)
    rule = ";".join(f"{key}={value}" for key, value in parts.items())
    check_series(rule, start=start, zone=zone.key)
    return rule


def _until_in_utc(value: str, zone: ZoneInfo) -> str:
    """UNTIL as UTC (RFC 5545 wants that with a zoned DTSTART); a local date means the end of that day."""
    try:
        if value.endswith("Z"):
            moment = datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        elif "T" in value:
            moment = localize(datetime.strptime(value, "%Y%m%dT%H%M%S"), zone).instant
        else:
            moment = localize(datetime.strptime(value, "%Y%m%d").replace(hour=23, minute=59, second=59), zone).instant
    except ValueError:
        raise TimeInputError("UNTIL={value} is not a date; write it like UNTIL=20271231.", value=value[:30]) from None
    return f"{moment:%Y%m%dT%H%M%SZ}"


def occurrences(
    start: datetime, *, zone: str, rule: str | None, after: datetime, before: datetime, limit: int = 100
) -> list[datetime]:
    """Starts (UTC) in [after, before): the rule is expanded on the wall clock of the event's zone.

    RecurrenceError when the stored rule is one the bot will not expand, or the walk would take too long.
    """
    if rule is None:
        return [start] if after <= start < before else []
    check_series(rule, start=start, zone=zone)
    local_zone = ZoneInfo(zone)
    # dateutil keeps the wall-clock time of an aware DTSTART for every occurrence; zoneinfo then gives
    # each date its own UTC offset, so 14:00 stays 14:00 across daylight-saving changes.
    expanded = rrule.rrulestr(rule, dtstart=start.astimezone(local_zone))
    found: list[datetime] = []
    # Walked from the start, step by step, so the walk is bounded however far ahead `after` lies.
    for occurrence in bounded(expanded):
        instant = occurrence.astimezone(UTC)
        if instant >= before or len(found) >= limit:
            break
        if instant >= after:
            found.append(instant)
    return found


def last_occurrence(start: datetime, *, zone: str, rule: str | None) -> datetime | None:
    """The start of the last occurrence, or None when the series never ends."""
    if rule is None:
        return start
    if "COUNT=" not in rule and "UNTIL=" not in rule:
        return None
    check_series(rule, start=start, zone=zone)
    last = None
    for last in bounded(rrule.rrulestr(rule, dtstart=start.astimezone(ZoneInfo(zone)))):  # noqa: B007 - keep the last
        pass
    return last.astimezone(UTC) if last is not None else None
