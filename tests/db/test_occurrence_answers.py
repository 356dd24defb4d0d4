"""Answers to a series belong to one occurrence: capacity, waiting list, cut-off, reminder DMs, notices and the
member's calendar feed all follow the occurrence answered; notices respect a member's opt-out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from icalendar import Calendar
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.calendar import build_calendar
from db import migrate
from db.attendance import event_attendees
from db.deliveries import start_reminder
from db.engine import create_engine
from db.events import EventInput, create_event, edit_event, set_reminder_opt_in, set_rsvp
from db.member_feeds import member_feed_events, open_member_feed
from db.models import Event, EventAttendee, MemberPreference, Reminder, ReminderDelivery
from db.models.attendance import EventNotice
from db.models.events import WHOLE_EVENT
from db.notices import set_event_notices
from db.occurrences import event_occurrences
from db.privacy import export_member_data, forget_member
from db.series import edit_occurrence
from rules.errors import ConflictError, InvalidInputError, NotFoundError

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2027, 10, 1, 8, 0, tzinfo=UTC)
MODERATOR = 900000000000000001
ALICE, BOB, CAROL = 900000000000000011, 900000000000000012, 900000000000000013
# Tuesdays 10:00 Berlin (08:00 UTC in summer time) from 5 October 2027.
WEEK_1, WEEK_2 = datetime(2027, 10, 5, 8, 0, tzinfo=UTC), datetime(2027, 10, 12, 8, 0, tzinfo=UTC)


async def weekly(session: AsyncSession, **fields: object) -> Event:
    values: dict[str, object] = {
        "title": "Taskforce call",
        "kind": "taskforce",
        "start": "2027-10-05 10:00",
        "timezone": "Europe/Berlin",
        "repeat": "weekly",
        "reminders": "1h",
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


async def answer(session: AsyncSession, event: Event, member: int, choice: str, occurrence: str | None) -> None:
    await set_rsvp(session, event_id=event.id, member_id=member, choice=choice, now=NOW, occurrence=occurrence)


async def notices(session: AsyncSession, event_id: int) -> list[tuple[int, str, dict[str, object]]]:
    rows = await session.scalars(select(EventNotice).where(EventNotice.event_id == event_id).order_by(EventNotice.id))
    return [(n.member_id, n.kind, n.details) for n in rows.all()]


async def test_capacity_and_waiting_list_hold_for_each_occurrence(session: AsyncSession) -> None:
    event = await weekly(session, capacity="1")
    await answer(session, event, ALICE, "going", "2027-10-05")
    await answer(session, event, BOB, "going", "2027-10-05")
    await answer(session, event, BOB, "going", "2027-10-12")
    first = await event_attendees(session, event_id=event.id, now=NOW, occurrence="2027-10-05")
    second = await event_attendees(session, event_id=event.id, now=NOW, occurrence="2027-10-12")
    assert (first.going, first.waiting, first.starts_at) == ([ALICE], [BOB], WEEK_1)
    assert (second.going, second.waiting, second.starts_at) == ([BOB], [], WEEK_2)
    await answer(session, event, ALICE, "not_going", "2027-10-05")
    first = await event_attendees(session, event_id=event.id, now=NOW, occurrence="2027-10-05")
    assert first.going == [BOB]
    assert await notices(session, event.id) == [(BOB, "moved_up", {"start": WEEK_1.isoformat()})]


async def test_buttons_answer_the_next_occurrence_still_open_for_answers(session: AsyncSession) -> None:
    # Answers close 5 days before each start: the 5 October call closed on 30 September.
    event = await weekly(session, rsvp_cutoff="5d")
    await answer(session, event, ALICE, "going", None)
    attendee = await session.scalar(select(EventAttendee).where(EventAttendee.member_id == ALICE))
    assert attendee is not None and attendee.occurrence_start == WEEK_2
    shown = await event_attendees(session, event_id=event.id, now=NOW)
    assert shown.starts_at == WEEK_1 and shown.going == []  # /event show: the next occurrence, nobody yet
    with pytest.raises(ConflictError, match="closed"):
        await answer(session, event, BOB, "going", "2027-10-05")


@pytest.mark.parametrize(
    ("occurrence", "error", "message"),
    [
        ("2027-10-06", NotFoundError, "no occurrence on 6 October 2027"),
        ("2027-10-05T09:00Z", NotFoundError, "no such occurrence"),
        ("next tuesday", NotFoundError, "is not an occurrence"),
    ],
)
async def test_an_answer_to_a_date_that_is_no_occurrence_is_refused_and_changes_nothing(
    session: AsyncSession, occurrence: str, error: type[Exception], message: str
) -> None:
    event = await weekly(session)
    with pytest.raises(error, match=message):
        await answer(session, event, ALICE, "going", occurrence)
    with pytest.raises(error, match=message):
        await event_attendees(session, event_id=event.id, now=NOW, occurrence=occurrence)
    assert await session.scalar(select(func.count()).select_from(EventAttendee)) == 0


async def test_a_single_event_refuses_an_occurrence(session: AsyncSession) -> None:
    event = await weekly(session, repeat="none")
    with pytest.raises(InvalidInputError, match="single event"):
        await answer(session, event, ALICE, "going", "2027-10-05")
    await answer(session, event, ALICE, "going", None)
    assert (await event_attendees(session, event_id=event.id, now=NOW)).going == [ALICE]


async def _dm_recipients(session: AsyncSession, event: Event, occurrence_start: datetime) -> list[int]:
    reminder = await session.scalar(
        select(Reminder).where(Reminder.event_id == event.id, Reminder.occurrence_start == occurrence_start)
    )
    assert reminder is not None
    await start_reminder(session, reminder_id=reminder.id, now=reminder.due_at, instance="test", fallback_channel_id=1)
    rows = await session.scalars(
        select(ReminderDelivery.recipient_id)
        .where(ReminderDelivery.reminder_id == reminder.id, ReminderDelivery.target == "dm")
        .order_by(ReminderDelivery.recipient_id)
    )
    return list(rows.all())


async def test_reminder_dms_follow_the_occurrence_each_member_answered(session: AsyncSession) -> None:
    event = await weekly(session)
    await answer(session, event, ALICE, "going", "2027-10-05")
    await answer(session, event, BOB, "going", "2027-10-12")
    # Carol wants every reminder of the series, except for the week she is not coming.
    await set_reminder_opt_in(session, event_id=event.id, member_id=CAROL, on=True, now=NOW)
    await answer(session, event, CAROL, "not_going", "2027-10-12")
    assert await _dm_recipients(session, event, WEEK_1) == [ALICE, CAROL]
    assert await _dm_recipients(session, event, WEEK_2) == [BOB]


async def test_moving_one_occurrence_keeps_its_people_and_tells_only_them(session: AsyncSession) -> None:
    event = await weekly(session)
    await answer(session, event, ALICE, "going", "2027-10-05")
    await answer(session, event, BOB, "going", "2027-10-12")
    await edit_occurrence(session, key=str(event.id), occurrence="2027-10-05", start="2027-10-06 10:00", now=NOW)
    moved = await event_attendees(session, event_id=event.id, now=NOW, occurrence="2027-10-05")
    assert moved.going == [ALICE] and moved.starts_at == WEEK_1 + timedelta(days=1)
    assert [(member, kind) for member, kind, _ in await notices(session, event.id)] == [(ALICE, "changed")]
    await edit_occurrence(session, key=str(event.id), occurrence="2027-10-12", skip=True, now=NOW)
    assert [(member, kind) for member, kind, _ in await notices(session, event.id)][1:] == [(BOB, "cancelled")]


async def test_moving_this_and_following_keeps_later_skips_moves_and_answers(session: AsyncSession) -> None:
    event = await weekly(session, count=6)
    await edit_occurrence(session, key=str(event.id), occurrence="2027-11-02", skip=True, now=NOW)
    await edit_occurrence(session, key=str(event.id), occurrence="2027-11-09", start="2027-11-10 10:00", now=NOW)
    await answer(session, event, ALICE, "going", "2027-10-12")
    await answer(session, event, BOB, "going", "2027-11-09")
    edit = await edit_occurrence(
        session, key=str(event.id), occurrence="2027-10-19", scope="following", start="2027-10-19 11:00", now=NOW
    )
    assert edit.successor is not None
    later = edit.successor
    starts = [o.start for o in event_occurrences(later, after=NOW, before=NOW + timedelta(days=365))]
    # The 2 November call stays skipped; the 9 November one stays a day later, at the series' new time.
    assert [f"{s.astimezone(BERLIN):%a %d %b %H:%M}" for s in starts] == [
        "Tue 19 Oct 11:00",
        "Tue 26 Oct 11:00",
        "Wed 10 Nov 11:00",
    ]
    assert (await event_attendees(session, event_id=later.id, now=NOW, occurrence="2027-11-09")).going == [BOB]
    assert (await event_attendees(session, event_id=event.id, now=NOW, occurrence="2027-10-12")).going == [ALICE]
    [(member, kind, details)] = await notices(session, event.id)
    assert (member, kind) == (BOB, "changed")
    assert details["before"]["start"] == "2027-11-10T09:00:00+00:00"  # type: ignore[index]
    assert details["after"]["start"] == "2027-11-10T10:00:00+00:00"  # type: ignore[index]


async def test_notices_leave_out_members_who_turned_them_off(session: AsyncSession) -> None:
    event = await weekly(session, repeat="none")
    await answer(session, event, ALICE, "going", None)
    await answer(session, event, BOB, "maybe", None)
    await set_event_notices(session, member_id=ALICE, on=False, now=NOW)
    saved = await edit_event(session, event_id=event.id, fields=EventInput(start="2027-10-05 11:00"), now=NOW)
    assert saved.opted_out == 1
    assert [(member, kind) for member, kind, _ in await notices(session, event.id)] == [(BOB, "changed")]
    await set_event_notices(session, member_id=ALICE, on=True, now=NOW)
    saved = await edit_event(session, event_id=event.id, fields=EventInput(start="2027-10-05 12:00"), now=NOW)
    assert saved.opted_out == 0 and len(await notices(session, event.id)) == 3


async def test_member_feed_lists_only_the_occurrences_the_member_goes_to(session: AsyncSession) -> None:
    event = await weekly(session)
    single = await weekly(session, title="General Assembly", repeat="none", start="2027-10-20 09:00")
    await answer(session, event, ALICE, "going", "2027-10-12")
    await answer(session, event, ALICE, "maybe", "2027-10-19")
    await answer(session, single, ALICE, "going", None)
    token = await open_member_feed(session, member_id=ALICE, now=NOW)
    feed = await member_feed_events(session, token=token, now=NOW)
    assert feed.occurrences == {event.id: [WEEK_2]}
    calendar = Calendar.from_ical(build_calendar(feed.events, now=NOW, only=feed.occurrences))
    listed = recurring_ical_events.of(calendar).between(NOW, NOW + timedelta(days=60))
    assert sorted((str(e["SUMMARY"]), e.decoded("DTSTART").astimezone(UTC)) for e in listed) == [
        ("General Assembly", datetime(2027, 10, 20, 7, 0, tzinfo=UTC)),
        ("Taskforce call", WEEK_2),
    ]


async def test_upgrade_moves_a_series_answers_to_its_next_occurrence(empty_database_url: str, backend: str) -> None:
    url = empty_database_url
    await migrate.downgrade(url, "0016")
    zone = "+00" if backend == "postgresql" else ""
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            for event_id, rule in ((1, "'FREQ=WEEKLY'"), (2, "NULL")):
                await connection.execute(
                    text(
                        "INSERT INTO events (id, title, kind, description, timezone, starts_at, ends_at, rrule, "
                        "reminder_offsets, status, created_by, created_at, updated_at) VALUES "
                        f"({event_id}, 'Call', 'taskforce', '', 'Europe/Berlin', '2020-01-07 09:00:00{zone}', "
                        f"'2020-01-07 10:00:00{zone}', {rule}, '[]', 'scheduled', 1, '2020-01-01 00:00:00{zone}', "
                        f"'2020-01-01 00:00:00{zone}')"
                    )
                )
            for event_id, member, rsvp, reminders in ((1, ALICE, "'going'", True), (1, BOB, "NULL", True)):
                await connection.execute(
                    text(
                        "INSERT INTO event_attendees (event_id, member_id, rsvp, reminders, updated_at) VALUES "
                        f"({event_id}, {member}, {rsvp}, {reminders}, '2020-01-01 00:00:00{zone}')"
                    )
                )
            await connection.execute(
                text(
                    "INSERT INTO event_attendees (event_id, member_id, rsvp, reminders, updated_at) VALUES "
                    f"(2, {ALICE}, 'going', TRUE, '2020-01-01 00:00:00{zone}')"
                )
            )
    finally:
        await engine.dispose()
    before = datetime.now(UTC)
    await migrate.upgrade(url)
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                select(EventAttendee.event_id, EventAttendee.member_id, EventAttendee.occurrence_start).order_by(
                    EventAttendee.event_id, EventAttendee.member_id
                )
            )
            keys = {(event_id, member): key for event_id, member, key in rows}
    finally:
        await engine.dispose()
    # Alice's Going moved to the series' next Tuesday 10:00 Berlin; Bob's bare "remind me" stays on the series.
    going = keys[(1, ALICE)]
    assert before < going <= before + timedelta(days=7)
    assert f"{going.astimezone(BERLIN):%a %H:%M}" == "Tue 10:00"
    assert keys[(1, BOB)] == keys[(2, ALICE)] == WHOLE_EVENT


async def test_moving_a_whole_series_carries_each_weeks_answers_to_the_same_week(session: AsyncSession) -> None:
    event = await weekly(session)
    await answer(session, event, ALICE, "going", "2027-10-12")
    await edit_event(session, event_id=event.id, fields=EventInput(start="2027-10-05 11:00"), now=NOW)
    second = await event_attendees(session, event_id=event.id, now=NOW, occurrence="2027-10-12")
    assert second.going == [ALICE] and second.starts_at == WEEK_2 + timedelta(hours=1)
    first = await event_attendees(session, event_id=event.id, now=NOW, occurrence="2027-10-05")
    assert first.going == []


async def test_a_single_event_made_a_series_keeps_its_answers_on_the_first_occurrence(session: AsyncSession) -> None:
    event = await weekly(session, repeat="none")
    await answer(session, event, ALICE, "going", None)
    await set_reminder_opt_in(session, event_id=event.id, member_id=BOB, on=True, now=NOW)
    await edit_event(session, event_id=event.id, fields=EventInput(repeat="weekly"), now=NOW)
    first = await event_attendees(session, event_id=event.id, now=NOW)
    assert first.going == [ALICE] and first.starts_at == WEEK_1
    bob = await session.scalar(select(EventAttendee).where(EventAttendee.member_id == BOB))
    assert bob is not None and bob.occurrence_start == WHOLE_EVENT and bob.reminders  # reminded of every week


async def test_turning_a_series_reminders_off_quiets_every_date_answered(session: AsyncSession) -> None:
    event = await weekly(session)
    await answer(session, event, ALICE, "going", "2027-10-05")
    await set_reminder_opt_in(session, event_id=event.id, member_id=ALICE, on=False, now=NOW)
    assert await _dm_recipients(session, event, WEEK_1) == []
    await answer(session, event, BOB, "not_going", "2027-10-12")
    await set_reminder_opt_in(session, event_id=event.id, member_id=BOB, on=True, now=NOW)
    assert await _dm_recipients(session, event, WEEK_2) == []  # not going that week: no reminder
    assert await _dm_recipients(session, event, WEEK_2 + timedelta(days=7)) == [BOB]


async def test_notice_choice_is_exported_and_forgotten(session: AsyncSession) -> None:
    event = await weekly(session)
    await answer(session, event, ALICE, "going", "2027-10-12")
    await set_event_notices(session, member_id=ALICE, on=False, now=NOW)
    exported = await export_member_data(session, member_id=ALICE)
    assert exported["event_notices_on"] is False
    assert [a["occurrence"] for a in exported["event_answers"]] == ["2027-10-12T08:00:00+00:00"]
    await forget_member(session, member_id=ALICE)
    assert (await export_member_data(session, member_id=ALICE))["event_notices_on"] is True
    assert await session.get(MemberPreference, ALICE) is None
