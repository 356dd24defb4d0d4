"""Who is coming and who is told: change notices, capacity with a waiting list, RSVP cut-off and role."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.answers import answer_event
from db.attendance import event_attendees
from db.events import EventInput, cancel_event, create_event, edit_event, set_rsvp
from db.models import Event, Reminder
from db.models.attendance import EventNotice
from db.notices import claim_notice, record_notice, sendable_notices
from db.privacy import export_member_data, forget_member
from rules.errors import ConflictError, InvalidInputError

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
MODERATOR = 900000000000000001
ALICE, BOB, CHEN, DANA = 900000000000000002, 900000000000000003, 900000000000000004, 900000000000000005
DELEGATES = 800000000000000001


async def make(session: AsyncSession, **fields: str | int) -> Event:
    values = {"title": "Taskforce on evaluation", "kind": "taskforce", "start": "2027-03-04 14:00"} | fields
    saved = await create_event(
        session,
        guild_id=1,
        author_id=MODERATOR,
        fields=EventInput(**values),  # type: ignore[arg-type]
        default_zone="Europe/Brussels",
        now=NOW,
    )
    return saved.event


async def notices(session: AsyncSession, event_id: int) -> list[EventNotice]:
    rows = await session.scalars(
        select(EventNotice).where(EventNotice.event_id == event_id).order_by(EventNotice.member_id)
    )
    return list(rows.all())


async def reminder_states(session: AsyncSession, event_id: int) -> set[tuple[datetime, int, str]]:
    rows = await session.scalars(select(Reminder).where(Reminder.event_id == event_id))
    return {(r.occurrence_start, r.offset_seconds, r.status) for r in rows.all()}


async def test_moving_the_start_tells_going_and_maybe_once_and_retires_reminders_of_the_old_time(
    session: AsyncSession,
) -> None:
    event = await make(session, reminders="1d,1h")
    old_start = event.starts_at
    for member, choice in ((ALICE, "going"), (BOB, "maybe"), (CHEN, "not_going")):
        await set_rsvp(session, event_id=event.id, member_id=member, choice=choice, now=NOW)

    saved = await edit_event(session, event_id=event.id, fields=EventInput(start="2027-03-04 15:00"), now=NOW)

    new_start = old_start + timedelta(hours=1)
    assert saved.event.starts_at == new_start and saved.event.moved_from == old_start
    told = await notices(session, event.id)
    assert [(n.member_id, n.kind, n.status) for n in told] == [
        (ALICE, "changed", "pending"),
        (BOB, "changed", "pending"),
    ]
    assert told[0].details["before"]["start"] == old_start.isoformat()
    assert told[0].details["after"]["start"] == new_start.isoformat()
    assert await reminder_states(session, event.id) == {
        (old_start, 86400, "cancelled"),
        (old_start, 3600, "cancelled"),
        (new_start, 86400, "pending"),
        (new_start, 3600, "pending"),
    }


async def test_editing_the_title_tells_nobody(session: AsyncSession) -> None:
    event = await make(session)
    await set_rsvp(session, event_id=event.id, member_id=ALICE, choice="going", now=NOW)
    await edit_event(session, event_id=event.id, fields=EventInput(title="Taskforce on impact"), now=NOW)
    assert await notices(session, event.id) == []


async def test_a_new_place_is_told_with_old_and_new(session: AsyncSession) -> None:
    event = await make(session, location="Brussels, Room 3")
    await set_rsvp(session, event_id=event.id, member_id=ALICE, choice="going", now=NOW)
    await edit_event(session, event_id=event.id, fields=EventInput(location="Oslo, Main hall"), now=NOW)
    (notice,) = await notices(session, event.id)
    assert notice.details["before"]["location"] == "Brussels, Room 3"
    assert notice.details["after"]["location"] == "Oslo, Main hall"


async def test_cancel_writes_one_notice_per_member_and_leaves_no_reminder_pending(session: AsyncSession) -> None:
    event = await make(session)
    for member in (ALICE, BOB):
        await set_rsvp(session, event_id=event.id, member_id=member, choice="going", now=NOW)
    await cancel_event(session, event_id=event.id, reason="Room unavailable", now=NOW)
    told = await notices(session, event.id)
    assert [(n.member_id, n.kind, n.details["reason"]) for n in told] == [
        (ALICE, "cancelled", "Room unavailable"),
        (BOB, "cancelled", "Room unavailable"),
    ]
    assert {status for _start, _offset, status in await reminder_states(session, event.id)} == {"cancelled"}


async def test_a_notice_claimed_by_a_process_that_died_is_never_sent_again(session: AsyncSession) -> None:
    event = await make(session)
    for member in (ALICE, BOB):
        await set_rsvp(session, event_id=event.id, member_id=member, choice="going", now=NOW)
    await cancel_event(session, event_id=event.id, reason=None, now=NOW)
    first, second = await sendable_notices(session, now=NOW, event_id=event.id)
    claim = await claim_notice(session, notice_id=first, now=NOW)
    assert claim is not None and claim.member_id == ALICE and claim.title == "Taskforce on evaluation"
    assert await claim_notice(session, notice_id=first, now=NOW) is None, "a second claim must lose"
    # The process stops here, before recording the outcome. Ten minutes later another one looks:
    later = NOW + timedelta(minutes=10)
    assert await sendable_notices(session, now=later) == [second]
    assert await claim_notice(session, notice_id=first, now=later) is None
    await record_notice(session, notice_id=first, status="sent", error=None, now=later)
    statuses = {n.member_id: n.status for n in await notices(session, event.id)}
    assert statuses == {ALICE: "unconfirmed", BOB: "pending"}


async def test_a_full_event_puts_the_third_on_the_waiting_list_and_moves_them_up_when_one_cancels(
    session: AsyncSession,
) -> None:
    event = await make(session, capacity="2")
    await set_rsvp(session, event_id=event.id, member_id=ALICE, choice="going", now=NOW)
    await set_rsvp(session, event_id=event.id, member_id=BOB, choice="going", now=NOW)
    waiting = await answer_event(session, event_id=event.id, member_id=CHEN, choice="going", role_ids=[], now=NOW)
    later = await answer_event(session, event_id=event.id, member_id=DANA, choice="going", role_ids=[], now=NOW)
    assert waiting.attendee.rsvp == "waiting" and waiting.waiting_position == 1 and not waiting.attendee.reminders
    assert later.waiting_position == 2 and waiting.attendees.going == [ALICE, BOB]

    await set_rsvp(session, event_id=event.id, member_id=BOB, choice="not_going", now=NOW + timedelta(minutes=1))

    listed = await event_attendees(session, event_id=event.id, now=NOW)
    assert listed.going == [ALICE, CHEN] and listed.waiting == [DANA]
    (told,) = await notices(session, event.id)
    assert (told.member_id, told.kind) == (CHEN, "moved_up")


async def test_a_forgotten_member_frees_their_seat_for_the_first_in_line(session: AsyncSession) -> None:
    event = await make(session, capacity="1")
    await set_rsvp(session, event_id=event.id, member_id=ALICE, choice="going", now=NOW)
    await set_rsvp(session, event_id=event.id, member_id=BOB, choice="going", now=NOW)
    assert (await event_attendees(session, event_id=event.id, now=NOW)).waiting == [BOB]
    await forget_member(session, member_id=ALICE)
    listed = await event_attendees(session, event_id=event.id, now=NOW)
    assert listed.going == [BOB] and listed.waiting == []
    assert [(n.member_id, n.kind) for n in await notices(session, event.id)] == [(BOB, "moved_up")]


async def test_a_bigger_capacity_moves_the_first_in_line_up(session: AsyncSession) -> None:
    event = await make(session, capacity="1")
    await set_rsvp(session, event_id=event.id, member_id=ALICE, choice="going", now=NOW)
    await set_rsvp(session, event_id=event.id, member_id=BOB, choice="going", now=NOW)
    await edit_event(session, event_id=event.id, fields=EventInput(capacity="2"), now=NOW + timedelta(minutes=1))
    assert (await event_attendees(session, event_id=event.id, now=NOW)).going == [ALICE, BOB]
    assert [(n.member_id, n.kind) for n in await notices(session, event.id)] == [(BOB, "moved_up")]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"capacity": "0"}, "“0” is not a capacity: write how many can go, at least 1"),
        ({"capacity": "lots"}, "“lots” is not a capacity"),
        ({"rsvp_cutoff": "2027-03-05 10:00"}, "is after the start: answers close at the start at the latest"),
        ({"rsvp_cutoff": "90d"}, "at most 60 days before the start"),
    ],
)
async def test_bad_attendance_rules_are_refused_and_change_nothing(
    session: AsyncSession, fields: dict[str, str], message: str
) -> None:
    event = await make(session)
    with pytest.raises(InvalidInputError, match=message):
        await edit_event(session, event_id=event.id, fields=EventInput(**fields), now=NOW)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match=message):
        await make(session, **fields)
    assert (event.capacity, event.rsvp_cutoff_seconds) == (None, None)


async def test_answers_close_at_the_cutoff_but_not_going_is_still_taken(session: AsyncSession) -> None:
    event = await make(session, rsvp_cutoff="2d")
    assert event.rsvp_cutoff_seconds == 2 * 86400
    late = event.starts_at - timedelta(days=1)
    with pytest.raises(ConflictError, match="are closed \\(2d before the start\\)"):
        await set_rsvp(session, event_id=event.id, member_id=ALICE, choice="going", now=late)
    await set_rsvp(session, event_id=event.id, member_id=ALICE, choice="not_going", now=late)


async def test_answers_close_at_the_start_by_default(session: AsyncSession) -> None:
    event = await make(session)
    with pytest.raises(ConflictError, match="are closed"):
        await set_rsvp(session, event_id=event.id, member_id=ALICE, choice="going", now=event.starts_at)


async def test_answers_restricted_to_a_role(session: AsyncSession) -> None:
    event = await make(session, rsvp_role_id=DELEGATES)
    with pytest.raises(ConflictError, match="open to members with the <@&800000000000000001> role only"):
        await set_rsvp(session, event_id=event.id, member_id=ALICE, choice="maybe", now=NOW)
    await set_rsvp(session, event_id=event.id, member_id=BOB, choice="going", now=NOW, role_ids=[DELEGATES])
    await edit_event(session, event_id=event.id, fields=EventInput(rsvp_role_id=0), now=NOW)
    await set_rsvp(session, event_id=event.id, member_id=ALICE, choice="maybe", now=NOW)
    listed = await event_attendees(session, event_id=event.id, now=NOW)
    assert (listed.going, listed.maybe) == ([BOB], [ALICE])


async def test_notices_are_exported_and_forgotten(session: AsyncSession) -> None:
    event = await make(session)
    await set_rsvp(session, event_id=event.id, member_id=ALICE, choice="going", now=NOW)
    await cancel_event(session, event_id=event.id, reason=None, now=NOW)
    exported = await export_member_data(session, member_id=ALICE)
    assert [(n["event"]["title"], n["kind"]) for n in exported["event_notices"]] == [
        ("Taskforce on evaluation", "cancelled")
    ]
    report = await forget_member(session, member_id=ALICE)
    assert report.event_notices == 1 and await notices(session, event.id) == []
