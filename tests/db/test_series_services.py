"""Series with exceptions on a real database: moving and skipping occurrences, series ends, the reminders that
follow them across a DST change, the Events tab's listings and Interested turning reminders on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.events import EventInput, create_event, edit_event, event_details, get_event, set_rsvp
from db.models import Event, EventAttendee, Reminder
from db.models.attendance import EventNotice
from db.native_events import claim_listing, events_tab_state, follow_interest, record_listing
from db.notices import sendable_notices
from db.occurrences import event_occurrences
from db.reminders import extend_reminder_plans
from db.series import edit_occurrence, occurrence_choices
from rules.errors import ConflictError, InvalidInputError, NotFoundError

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2027, 10, 1, 8, 0, tzinfo=UTC)
MODERATOR, MEMBER = 900000000000000001, 900000000000000002
# Tuesdays 10:00 Berlin from 5 October 2027; summer time ends on Sunday 31 October.
MOVED = "2027-10-19T08:00Z"
SKIPPED = "2027-11-02T09:00Z"


async def weekly(session: AsyncSession, **fields: object) -> Event:
    values: dict[str, object] = {
        "title": "Taskforce call",
        "kind": "taskforce",
        "start": "2027-10-05 10:00",
        "timezone": "Europe/Berlin",
        "repeat": "weekly",
        "reminders": "1d,1h",
    } | fields
    saved = await create_event(
        session,
        guild_id=1,
        author_id=MODERATOR,
        fields=EventInput(**values),  # type: ignore[arg-type]
        default_zone="Europe/Brussels",
        now=NOW,
    )
    return saved.event


async def planned(session: AsyncSession, event_id: int) -> list[tuple[datetime, int]]:
    rows = await session.scalars(
        select(Reminder).where(Reminder.event_id == event_id, Reminder.status == "pending").order_by(Reminder.due_at)
    )
    return [(r.occurrence_start, r.offset_seconds) for r in rows.all()]


async def move_and_skip(session: AsyncSession, event: Event) -> None:
    await edit_occurrence(session, key=str(event.id), occurrence=MOVED, start="2027-10-21 15:00", now=NOW)
    await edit_occurrence(session, key=str(event.id), occurrence=SKIPPED, skip=True, now=NOW)


async def test_moved_and_skipped_occurrences_keep_wall_clock_and_reminders_follow_across_dst(
    session: AsyncSession,
) -> None:
    event = await weekly(session)
    await move_and_skip(session, event)
    # The planner's pass ten days on extends the plan across the end of summer time.
    await extend_reminder_plans(session, now=NOW + timedelta(days=10))
    event = await get_event(session, event.id)
    starts = [o.start for o in event_occurrences(event, after=NOW, before=datetime(2027, 11, 15, tzinfo=UTC))]
    assert [f"{s.astimezone(BERLIN):%a %d %b %H:%M}" for s in starts] == [
        "Tue 05 Oct 10:00",
        "Tue 12 Oct 10:00",
        "Thu 21 Oct 15:00",
        "Tue 26 Oct 10:00",
        "Tue 09 Nov 10:00",
    ]
    reminders = await planned(session, event.id)
    # Every occurrence is reminded of at its start as it now is, 1 day and 1 hour before; none at the old times.
    assert sorted(reminders) == sorted((start, offset) for start in starts for offset in (86400, 3600))
    assert starts[-1] == datetime(2027, 11, 9, 9, 0, tzinfo=UTC)  # 10:00 in winter time is 09:00 UTC


async def test_moving_back_to_the_rule_start_removes_the_exception(session: AsyncSession) -> None:
    event = await weekly(session)
    await edit_occurrence(session, key=str(event.id), occurrence=MOVED, start="2027-10-21 15:00", now=NOW)
    await edit_occurrence(session, key=str(event.id), occurrence=MOVED, start="2027-10-19 10:00", now=NOW)
    event = await get_event(session, event.id)
    assert event.occurrence_changes == []
    assert (datetime(2027, 10, 19, 8, 0, tzinfo=UTC), 3600) in await planned(session, event.id)


async def test_skip_this_and_following_ends_the_series_before_it(session: AsyncSession) -> None:
    event = await weekly(session)
    await edit_occurrence(session, key=str(event.id), occurrence=MOVED, start="2027-10-21 15:00", now=NOW)
    edit = await edit_occurrence(
        session, key=str(event.id), occurrence="2027-10-12", scope="following", skip=True, now=NOW
    )
    assert edit.following and edit.event.rrule == "FREQ=WEEKLY;UNTIL=20271012T075959Z"
    event = await get_event(session, event.id)
    assert [o.start for o in event_occurrences(event, after=NOW, before=NOW + timedelta(days=365))] == [
        datetime(2027, 10, 5, 8, 0, tzinfo=UTC)
    ]
    assert {start for start, _ in await planned(session, event.id)} == {datetime(2027, 10, 5, 8, 0, tzinfo=UTC)}
    assert event.series_ends_at == datetime(2027, 10, 5, 9, 0, tzinfo=UTC)


async def test_move_this_and_following_splits_the_series_with_its_answers(session: AsyncSession) -> None:
    event = await weekly(session, count=6)
    await set_rsvp(session, event_id=event.id, member_id=MEMBER, choice="going", now=NOW, occurrence="2027-10-26")
    edit = await edit_occurrence(
        session, key=str(event.id), occurrence="2027-10-19", scope="following", start="2027-10-19 11:00", now=NOW
    )
    assert edit.successor is not None and edit.event.rrule == "FREQ=WEEKLY;UNTIL=20271019T075959Z"
    later = await get_event(session, edit.successor.id)
    assert later.rrule == "FREQ=WEEKLY;COUNT=4" and later.title == event.title
    starts = [o.start for o in event_occurrences(later, after=NOW, before=NOW + timedelta(days=365))]
    # 11:00 Berlin every week: 09:00 UTC in summer time, 10:00 UTC after 31 October.
    assert [f"{s.astimezone(BERLIN):%d %b %H:%M}" for s in starts] == [
        "19 Oct 11:00",
        "26 Oct 11:00",
        "02 Nov 11:00",
        "09 Nov 11:00",
    ]
    # Going to the second occurrence from the split: now the new series' second one, at its new time.
    attendee = await session.get(EventAttendee, (later.id, starts[1], MEMBER))
    assert attendee is not None and attendee.rsvp == "going" and attendee.reminders
    assert await session.scalar(select(EventAttendee).where(EventAttendee.event_id == event.id)) is None
    assert {start for start, _ in await planned(session, later.id)} == set(starts[:3])
    assert {start for start, _ in await planned(session, event.id)} == {
        datetime(2027, 10, 5, 8, 0, tzinfo=UTC),
        datetime(2027, 10, 12, 8, 0, tzinfo=UTC),
    }


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"occurrence": MOVED, "start": "2027-09-01 10:00"}, InvalidInputError, "in the past"),
        ({"occurrence": "2027-10-20", "skip": True}, NotFoundError, "no occurrence on 20 October 2027"),
        ({"occurrence": "2027-10-20T08:00Z", "skip": True}, NotFoundError, "no such occurrence"),
        ({"occurrence": MOVED, "start": "2027-10-26 10:00"}, ConflictError, "already starts then"),
        ({"occurrence": MOVED}, InvalidInputError, "either start"),
        ({"occurrence": "2027-10-05", "scope": "following", "skip": True}, InvalidInputError, "first occurrence"),
        ({"occurrence": "2027-10-05", "scope": "following", "start": "2027-10-06 10:00"}, InvalidInputError, "start"),
    ],
)
async def test_bad_occurrence_edits_are_refused_and_change_nothing(
    session: AsyncSession, options: dict[str, object], error: type[Exception], message: str
) -> None:
    event = await weekly(session)
    before = await planned(session, event.id)
    with pytest.raises(error, match=message):
        await edit_occurrence(session, key=str(event.id), now=NOW, **options)  # type: ignore[arg-type]
    event = await get_event(session, event.id)
    assert event.occurrence_changes == [] and event.rrule == "FREQ=WEEKLY"
    assert await planned(session, event.id) == before


async def test_started_occurrence_cannot_be_changed(session: AsyncSession) -> None:
    event = await weekly(session)
    later = datetime(2027, 10, 19, 8, 30, tzinfo=UTC)
    with pytest.raises(ConflictError, match="already started"):
        await edit_occurrence(session, key=str(event.id), occurrence=MOVED, skip=True, now=later)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"ends_on": "2027-09-30"}, "before it starts"),
        ({"count": 0}, "at least 1"),
        ({"count": 3, "ends_on": "2027-12-31"}, "not both"),
        ({"repeat": "none", "count": 3}, "Only a series"),
    ],
)
async def test_bad_series_end_is_refused(session: AsyncSession, fields: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        await weekly(session, **fields)
    assert (await session.scalars(select(Event))).all() == []


async def test_series_end_by_count_then_by_date_on_edit(session: AsyncSession) -> None:
    event = await weekly(session, count=3)
    assert event.rrule == "FREQ=WEEKLY;COUNT=3"
    assert event.series_ends_at == datetime(2027, 10, 19, 9, 0, tzinfo=UTC)
    saved = await edit_event(session, event_id=event.id, fields=EventInput(ends_on="2027-11-09"), now=NOW)
    assert saved.event.rrule == "FREQ=WEEKLY;UNTIL=20271109T225959Z" and "series end" in saved.changed
    assert saved.event.series_ends_at == datetime(2027, 11, 9, 10, 0, tzinfo=UTC)


async def test_next_occurrence_and_autocomplete_skip_and_show_moves(session: AsyncSession) -> None:
    event = await weekly(session)
    await move_and_skip(session, event)
    later = datetime(2027, 10, 27, 9, 0, tzinfo=UTC)
    details = await event_details(session, event_id=event.id, member_id=MEMBER, now=later)
    assert details.next_start == datetime(2027, 11, 9, 9, 0, tzinfo=UTC)  # 2 November skipped
    choices = await occurrence_choices(session, key=str(event.id), current="", now=NOW)
    assert choices[2] == ("Thu 21 Oct 2027 15:00 CEST (moved from Tue 19 Oct 10:00)", MOVED)
    assert choices[4][0] == "Tue 9 Nov 2027 10:00 CET"
    assert all(value != SKIPPED for _label, value in choices)


async def test_events_tab_lists_occurrences_as_they_take_place(session: AsyncSession) -> None:
    event = await weekly(session)
    await move_and_skip(session, event)
    wanted, listed = await events_tab_state(session, guild_id=1, now=NOW, until=NOW + timedelta(days=45))
    assert listed == []
    assert [(w.original, w.start) for w in wanted] == [
        (o.original, o.start)
        for o in event_occurrences(await get_event(session, event.id), after=NOW, before=NOW + timedelta(days=45))
    ]
    assert len(wanted) == 5 and wanted[2].start == datetime(2027, 10, 21, 13, 0, tzinfo=UTC)


async def test_interested_on_a_native_event_turns_reminders_on_and_back_off(session: AsyncSession) -> None:
    event = await weekly(session)
    original = datetime(2027, 10, 5, 8, 0, tzinfo=UTC)
    await record_listing(
        session,
        guild_id=1,
        event_id=event.id,
        original=original,
        discord_event_id=555,
        start=original,
        end=original + timedelta(hours=1),
    )
    assert await follow_interest(session, discord_event_id=555, member_id=MEMBER, interested=True, now=NOW)
    # Interest in one occurrence's native event is interest in that occurrence only.
    attendee = await session.get(EventAttendee, (event.id, original, MEMBER))
    assert attendee is not None and attendee.reminders
    await follow_interest(session, discord_event_id=555, member_id=MEMBER, interested=False, now=NOW)
    assert not attendee.reminders
    assert await follow_interest(session, discord_event_id=999, member_id=MEMBER, interested=True, now=NOW) is None


async def test_only_one_process_claims_creating_a_native_event_until_its_claim_goes_stale(
    session: AsyncSession,
) -> None:
    event = await weekly(session)
    (listing, *_rest), _listed = await events_tab_state(session, guild_id=1, now=NOW, until=NOW + timedelta(days=7))
    assert await claim_listing(session, guild_id=1, listing=listing, replacing=None, now=NOW)
    assert not await claim_listing(session, guild_id=1, listing=listing, replacing=None, now=NOW)
    later = NOW + timedelta(minutes=5)
    assert await claim_listing(session, guild_id=1, listing=listing, replacing=None, now=later)  # the first stopped
    await record_listing(
        session,
        guild_id=1,
        event_id=event.id,
        original=listing.original,
        discord_event_id=77,
        start=listing.start,
        end=listing.end,
    )
    assert not await claim_listing(session, guild_id=1, listing=listing, replacing=None, now=later + timedelta(hours=1))
    assert await claim_listing(session, guild_id=1, listing=listing, replacing=77, now=later)  # gone from Discord
    assert not await claim_listing(session, guild_id=1, listing=listing, replacing=77, now=later)


async def test_a_moved_or_skipped_occurrence_is_told_once_to_each_member_who_answered(session: AsyncSession) -> None:
    event = await weekly(session)
    absent, first_week_only = MEMBER + 1, MEMBER + 2
    for occurrence in (MOVED, SKIPPED):
        await set_rsvp(session, event_id=event.id, member_id=MEMBER, choice="going", now=NOW, occurrence=occurrence)
    await set_rsvp(session, event_id=event.id, member_id=absent, choice="not_going", now=NOW, occurrence=MOVED)
    await set_rsvp(session, event_id=event.id, member_id=first_week_only, choice="going", now=NOW)
    await move_and_skip(session, event)
    notice_ids = await sendable_notices(session, now=NOW, event_id=event.id)
    rows = await session.scalars(select(EventNotice).where(EventNotice.id.in_(notice_ids)).order_by(EventNotice.id))
    planned_notices = list(rows.all())
    assert [(n.member_id, n.kind) for n in planned_notices] == [(MEMBER, "changed"), (MEMBER, "cancelled")]
    moved, skipped = (n.details for n in planned_notices)
    assert moved["before"]["start"] == "2027-10-19T08:00:00+00:00"
    assert moved["after"]["start"] == "2027-10-21T13:00:00+00:00"  # 15:00 in Berlin summer time
    assert skipped == {"start": "2027-11-02T09:00:00+00:00", "reason": None, "series_ends": False}
