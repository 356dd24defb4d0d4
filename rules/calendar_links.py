"""One-tap links for an event: add it to Google Calendar or Outlook, and whether its link is an online meeting.

Pure: plain values in, web addresses out. Times are written in UTC (the `Z` form both services read), so the
calendar shows each member their own local time.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode, urlsplit

GOOGLE = "https://calendar.google.com/calendar/render"
OUTLOOK = "https://outlook.live.com/calendar/0/action/compose"
# Discord refuses a link button whose address is longer than this.
LINK_BUTTON_MAX = 512
# Hosts of video-call services: a link there is joined, not registered for.
MEETING_HOSTS = (
    "zoom.us",
    "meet.google.com",
    "teams.microsoft.com",
    "teams.live.com",
    "webex.com",
    "whereby.com",
    "meet.jit.si",
    "gotomeeting.com",
    "discord.gg",
    "discord.com",
)


def is_meeting_link(url: str) -> bool:
    """Whether the address is a video call (Join) rather than a page to register on (Register)."""
    host = (urlsplit(url).hostname or "").casefold()
    return any(host == known or host.endswith("." + known) for known in MEETING_HOSTS)


def _utc(moment: datetime, pattern: str) -> str:
    return moment.astimezone(UTC).strftime(pattern)


def _fitted(base: str, params: dict[str, str], long_field: str) -> str | None:
    """The address with its query, the long text field shortened until it fits a link button; None if nothing fits."""
    text = params.pop(long_field, "")
    while True:
        address = f"{base}?{urlencode({**params, long_field: text} if text else params)}"
        if len(address) <= LINK_BUTTON_MAX:
            return address
        if not text:
            return None
        text = text[: len(text) - max(20, (len(address) - LINK_BUTTON_MAX) // 9)].rstrip()


def google_calendar_link(
    *, title: str, start: datetime, end: datetime, details: str, location: str, rule: str | None = None
) -> str | None:
    """Google Calendar's "add event" page filled in; a series carries its RRULE."""
    params = {
        "action": "TEMPLATE",
        "text": title,
        "dates": f"{_utc(start, '%Y%m%dT%H%M%SZ')}/{_utc(end, '%Y%m%dT%H%M%SZ')}",
    }
    if location:
        params["location"] = location
    if rule:
        params["recur"] = f"RRULE:{rule}"
    params["details"] = details
    return _fitted(GOOGLE, params, "details")


def outlook_calendar_link(*, title: str, start: datetime, end: datetime, details: str, location: str) -> str | None:
    """Outlook's "new event" page filled in (one occurrence: Outlook links carry no repeat rule)."""
    params = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": title,
        "startdt": _utc(start, "%Y-%m-%dT%H:%M:%SZ"),
        "enddt": _utc(end, "%Y-%m-%dT%H:%M:%SZ"),
    }
    if location:
        params["location"] = location
    params["body"] = details
    return _fitted(OUTLOOK, params, "body")
