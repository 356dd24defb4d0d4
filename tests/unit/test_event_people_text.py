"""What members read about who is coming and what changed: names that do not ping, old → new, no raw ids."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cogs.events._embeds import event_card, mentions
from cogs.events._notices import NoticeClaim, notice_text
from db.models import Event

START = datetime(2027, 3, 4, 13, 0, tzinfo=UTC)


def event(**values: object) -> Event:
    fields: dict[str, object] = {
        "id": 7,
        "title": "General Assembly Oslo",
        "kind": "general_assembly",
        "description": "",
        "timezone": "Europe/Oslo",
        "starts_at": START,
        "ends_at": START + timedelta(hours=8),
        "status": "scheduled",
        "reminder_offsets": [],
    }
    return Event(**(fields | values))


def test_announcement_names_the_first_ten_going_then_how_many_more() -> None:
    going = list(range(100, 113))
    text = mentions(going)
    assert text.startswith("<@100>, <@101>") and "<@109>" in text and "<@110>" not in text
    assert text.endswith(" +3 more")
    card = event_card(
        event(capacity=20), counts={"going": 13, "maybe": 0, "not_going": 0}, next_start=START, going=going
    )
    coming = next(field.value for field in card.fields if field.name == "Who's coming")
    assert coming is not None and "Going **13** of 20" in coming and "+3 more" in coming


def test_a_moved_event_strikes_the_old_time_in_the_announcement() -> None:
    old = START - timedelta(hours=1)
    card = event_card(event(moved_from=old), counts={}, next_start=START)
    when = next(field.value for field in card.fields if field.name == "When")
    assert when is not None and when.startswith(
        f"Moved: ~~<t:{int(old.timestamp())}:F>~~\n<t:{int(START.timestamp())}:F>"
    )


def test_change_notice_shows_old_and_new_time_and_place_as_typed() -> None:
    later = START + timedelta(hours=1)
    before = {"start": START.isoformat(), "end": None, "location": "Oslo *Hall*", "url": None}
    after = {"start": later.isoformat(), "end": None, "location": "@everyone Bergen", "url": None}
    claim = NoticeClaim(1, 7, "GA <@123456789012345678>", 42, "changed", {"before": before, "after": after})
    text = notice_text(claim)
    assert f"🗓️ ~~<t:{int(START.timestamp())}:F>~~ → <t:{int(later.timestamp())}:F>" in text
    assert "📍 ~~Oslo \\*Hall\\*~~ → @\u200beveryone Bergen" in text
    assert "<@123456789012345678>" not in text and "🏁" not in text


def test_moved_up_notice_says_the_seat_is_theirs() -> None:
    claim = NoticeClaim(2, 7, "GA", 42, "moved_up", {"start": START.isoformat()})
    assert notice_text(claim).startswith(
        f"🎟️ A seat freed up: you're now going to **GA** on <t:{int(START.timestamp())}:F>."
    )


def test_a_dropped_occurrence_says_when_and_that_the_series_ends_there_in_the_members_language() -> None:
    one = NoticeClaim(3, 7, "Taskforce call", 42, "cancelled", {"start": START.isoformat(), "series_ends": False})
    rest = NoticeClaim(
        4, 7, "Taskforce call", 42, "cancelled", {"start": START.isoformat(), "series_ends": True}, locale="de"
    )
    stamp = f"<t:{int(START.timestamp())}:F>"
    assert notice_text(one).startswith(f"❌ **Taskforce call** on {stamp} has been cancelled.\n")
    assert "series ends" not in notice_text(one)
    assert "Die Reihe endet vor diesem Datum." in notice_text(rest) and stamp in notice_text(rest)
