"""One-tap links: Google Calendar and Outlook pages filled in from an event, and Join versus Register."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from rules.calendar_links import LINK_BUTTON_MAX, google_calendar_link, is_meeting_link, outlook_calendar_link

START = datetime(2027, 3, 28, 14, 0, tzinfo=ZoneInfo("Europe/Brussels"))  # 12:00 UTC, the day clocks go forward
END = START + timedelta(hours=2)


def query(url: str | None) -> dict[str, str]:
    assert url is not None
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def test_google_link_carries_utc_times_place_and_series_rule() -> None:
    url = google_calendar_link(
        title="Webinar on role models", start=START, end=END, details="Agenda", location="Online", rule="FREQ=WEEKLY"
    )
    assert url is not None and url.startswith("https://calendar.google.com/calendar/render?")
    fields = query(url)
    assert fields["text"] == "Webinar on role models"
    assert fields["dates"] == "20270328T120000Z/20270328T140000Z"
    assert fields["location"] == "Online" and fields["recur"] == "RRULE:FREQ=WEEKLY" and fields["details"] == "Agenda"


def test_outlook_link_carries_utc_times() -> None:
    fields = query(outlook_calendar_link(title="GA", start=START, end=END, details="", location="Oslo"))
    assert (fields["startdt"], fields["enddt"]) == ("2027-03-28T12:00:00Z", "2027-03-28T14:00:00Z")
    assert fields["subject"] == "GA" and fields["location"] == "Oslo" and fields["rru"] == "addevent"


def test_long_details_are_shortened_to_fit_a_link_button() -> None:
    url = google_calendar_link(title="GA", start=START, end=END, details="ünïcode " * 300, location="Oslo")
    assert url is not None and len(url) <= LINK_BUTTON_MAX and query(url)["details"].startswith("ünïcode")


def test_no_link_when_even_the_title_does_not_fit() -> None:
    assert outlook_calendar_link(title="ü" * 200, start=START, end=END, details="", location="ö" * 100) is None


def test_video_calls_are_joined_other_pages_registered_for() -> None:
    assert is_meeting_link("https://eu01web.zoom.us/j/123")
    assert is_meeting_link("https://meet.google.com/abc-defg-hij")
    assert not is_meeting_link("https://example.org/register")
    assert not is_meeting_link("https://notzoom.us.example.org/j/1")
