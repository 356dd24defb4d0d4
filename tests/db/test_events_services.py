"""Event services on a real SQLite file: create, edit, cancel, RSVP, listing, search and reminder planning."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.events import (
    EventInput,
    cancel_event,
    create_event,
    edit_event,
    event_details,
    find_event,
    list_upcoming_events,
    set_reminder_opt_in,
    set_rsvp,
)
from db.knowledge import find_anything
from db.members import set_member_timezone
from db.models import Event, Reminder
from rules.errors import ConflictError, InvalidInputError, NotFoundError

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
BRUSSELS = ZoneInfo("Europe/Brussels")
MODERATOR = 900000000000000001
MEMBER = 900000000000000002


async def make(session: AsyncSession, **fields: str) -> Event:
    values = {"title": "Webinar on role models", "kind": "webinar", "start": "2027-03-04 14:00"} | fields
    saved = await create_event(
        session,
        guild_id=1,
        author_id=MODERATOR,
        fields=EventInput(**values),  # type: ignore[arg-type]
        default_zone="Europe/Brussels",
        now=NOW,
    )
    return saved.event


async def pending(session: AsyncSession, event_id: int) -> list[Reminder]:
    rows = await session.scalars(
        select(Reminder).where(Reminder.event_id == event_id, Reminder.status == "pending").order_by(Reminder.due_at)
    )
    return list(rows.all())


async def test_create_event_reads_start_in_default_zone_and_plans_kind_reminders(session: AsyncSession) -> None:
    event = await make(session)
    assert event.starts_at == datetime(2027, 3, 4, 13, 0, tzinfo=UTC)
    assert event.ends_at - event.starts_at == timedelta(hours=1)
    offsets = [r.offset_seconds for r in await pending(session, event.id)]
    assert offsets == [86400, 3600, 600]


async def test_create_event_uses_creator_zone_when_no_zone_given(session: AsyncSession) -> None:
    await set_member_timezone(session, member_id=MODERATOR, zone="europe/kyiv")
    event = await make(session)
    assert event.timezone == "Europe/Kyiv"
    assert event.starts_at == datetime(2027, 3, 4, 12, 0, tzinfo=UTC)


async def test_create_general_assembly_lasts_two_days_with_month_week_day_reminders(session: AsyncSession) -> None:
    event = await make(session, kind="general_assembly", title="General Assembly Oslo", start="2027-05-10 09:00")
    assert event.ends_at.astimezone(BRUSSELS) == datetime(2027, 5, 11, 18, 0, tzinfo=BRUSSELS)
    assert [r.offset_seconds // 86400 for r in await pending(session, event.id)] == [30, 7, 1]


async def test_create_event_skips_reminders_already_past(session: AsyncSession) -> None:
    event = await make(session, start="in 2 days at 10:00", reminders="7d,1d,1h")
    assert [r.offset_seconds for r in await pending(session, event.id)] == [86400, 3600]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"reminders": "5x"}, "“5x” is not a reminder offset"),
        ({"timezone": "Mars/Olympus"}, "not a time zone"),
        ({"end": "2027-03-04 13:00"}, "The end must be after the start"),
        ({"duration": "1h", "end": "16:00"}, "either a duration or an end"),
        ({"start": "2027-02-01 10:00"}, "is in the past"),
        ({"start": "2027-03-28 02:30"}, "does not exist in Europe/Brussels"),
        ({"kind": "party"}, "is not a kind of event"),
        ({"url": "javascript:alert(1)"}, "full web address"),
        ({"repeat": "FREQ=HOURLY"}, "nothing more frequent"),
        ({"title": "x"}, "title must be"),
    ],
)
async def test_create_event_bad_input_explains_and_stores_nothing(
    sessions: async_sessionmaker[AsyncSession], fields: dict[str, str], message: str
) -> None:
    with pytest.raises(InvalidInputError) as raised:
        async with sessions.begin() as session:
            await make(session, **fields)
    assert message in raised.value.user_message
    async with sessions.begin() as session:
        assert (await session.scalars(select(Event))).all() == []


async def test_create_event_repeated_wall_time_takes_first_and_says_so(session: AsyncSession) -> None:
    saved = await create_event(
        session,
        guild_id=1,
        author_id=MODERATOR,
        fields=EventInput(title="Night owls", kind="other", start="2027-10-31 02:30"),
        default_zone="Europe/Brussels",
        now=NOW,
    )
    assert saved.event.starts_at == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # 02:30 CEST
    assert "happens twice" in str(saved.notes[0]) and "first one" in str(saved.notes[0])


async def test_edit_event_moves_reminders_without_duplicates(session: AsyncSession) -> None:
    event = await make(session)
    before = {r.id: r.offset_seconds for r in await pending(session, event.id)}
    saved = await edit_event(session, event_id=event.id, fields=EventInput(start="2027-03-05 15:00"), now=NOW)
    after = await pending(session, event.id)
    assert sorted(saved.plan.removed) == sorted(before)
    assert [r.offset_seconds for r in after] == [86400, 3600, 600]
    assert all(r.occurrence_start == datetime(2027, 3, 5, 14, 0, tzinfo=UTC) for r in after)
    assert saved.event.ends_at - saved.event.starts_at == timedelta(hours=1)
    # Moving it back revives the cancelled rows instead of inserting twins.
    again = await edit_event(session, event_id=event.id, fields=EventInput(start="2027-03-04 14:00"), now=NOW)
    assert sorted(r.id for r in await pending(session, event.id)) == sorted(before)
    assert len(again.plan.added) == 3


async def test_edit_event_title_only_keeps_reminders(session: AsyncSession) -> None:
    event = await make(session)
    ids = [r.id for r in await pending(session, event.id)]
    saved = await edit_event(session, event_id=event.id, fields=EventInput(title="Webinar: role models"), now=NOW)
    assert saved.plan.added == [] and saved.plan.removed == []
    assert [r.id for r in await pending(session, event.id)] == ids


async def test_edit_event_nothing_given_is_refused(session: AsyncSession) -> None:
    event = await make(session)
    with pytest.raises(InvalidInputError, match="Nothing to change"):
        await edit_event(session, event_id=event.id, fields=EventInput(), now=NOW)


async def test_edit_cancelled_event_is_refused(session: AsyncSession) -> None:
    event = await make(session)
    await cancel_event(session, event_id=event.id, reason=None, now=NOW)
    with pytest.raises(ConflictError, match="cancelled"):
        await edit_event(session, event_id=event.id, fields=EventInput(title="Again"), now=NOW)


async def test_cancel_event_drops_reminders_and_lists_going_and_maybe(session: AsyncSession) -> None:
    event = await make(session)
    await set_rsvp(session, event_id=event.id, member_id=MEMBER, choice="going", now=NOW)
    await set_rsvp(session, event_id=event.id, member_id=MEMBER + 1, choice="maybe", now=NOW)
    await set_rsvp(session, event_id=event.id, member_id=MEMBER + 2, choice="not_going", now=NOW)
    cancelled = await cancel_event(session, event_id=event.id, reason="Room unavailable", now=NOW)
    assert cancelled.tell == [MEMBER, MEMBER + 1]
    assert len(cancelled.removed_reminders) == 3
    assert await pending(session, event.id) == []
    with pytest.raises(ConflictError, match="already cancelled"):
        await cancel_event(session, event_id=event.id, reason=None, now=NOW)


async def test_rsvp_going_opts_in_not_going_opts_out_and_counts(session: AsyncSession) -> None:
    event = await make(session)
    _event, counts, attendee = await set_rsvp(session, event_id=event.id, member_id=MEMBER, choice="going", now=NOW)
    assert counts == {"going": 1, "maybe": 0, "not_going": 0} and attendee.reminders
    _event, counts, attendee = await set_rsvp(session, event_id=event.id, member_id=MEMBER, choice="maybe", now=NOW)
    assert counts == {"going": 0, "maybe": 1, "not_going": 0} and attendee.reminders
    _event, counts, attendee = await set_rsvp(session, event_id=event.id, member_id=MEMBER, choice="not_going", now=NOW)
    assert counts["not_going"] == 1 and not attendee.reminders
    await set_reminder_opt_in(session, event_id=event.id, member_id=MEMBER, on=True, now=NOW)
    details = await event_details(session, event_id=event.id, member_id=MEMBER, now=NOW)
    assert details.attendee is not None and details.attendee.reminders


async def test_list_upcoming_events_soonest_first_filters_kind_and_hides_cancelled(session: AsyncSession) -> None:
    later = await make(session, title="Taskforce on teachers", kind="taskforce", start="2027-04-01 10:00")
    sooner = await make(session)
    gone = await make(session, title="Cancelled roundtable", kind="roundtable")
    await cancel_event(session, event_id=gone.id, reason=None, now=NOW)
    listed = await list_upcoming_events(session, now=NOW)
    assert [u.event.id for u in listed] == [sooner.id, later.id]
    assert [u.event.id for u in await list_upcoming_events(session, now=NOW, kind="taskforce")] == [later.id]


async def test_weekly_event_lists_next_occurrence(session: AsyncSession) -> None:
    event = await make(session, repeat="weekly")
    listed = await list_upcoming_events(session, now=datetime(2027, 3, 20, tzinfo=UTC))
    assert listed[0].event.id == event.id
    assert listed[0].starts_at.astimezone(BRUSSELS) == datetime(2027, 3, 25, 14, 0, tzinfo=BRUSSELS)


async def test_event_is_found_by_find_until_cancelled(session: AsyncSession) -> None:
    event = await make(session, title="Peer learning on gender balance", kind="peer_learning")
    hits = await session.run_sync(find_anything, "gender balance peer learning")
    assert ("event", event.id) in [(hit.kind, hit.ref_id) for hit in hits]
    await cancel_event(session, event_id=event.id, reason=None, now=NOW)
    hits = await session.run_sync(find_anything, "gender balance peer learning")
    assert ("event", event.id) not in [(hit.kind, hit.ref_id) for hit in hits]


async def test_find_event_unknown_explains(session: AsyncSession) -> None:
    with pytest.raises(NotFoundError, match="Pick one from the list"):
        await find_event(session, "no such thing")
    with pytest.raises(NotFoundError):
        await find_event(session, "424242")


async def test_event_host_is_resolved_from_platform_name(session: AsyncSession) -> None:
    event = await make(session, host="LUMA")
    assert event.host is not None and "LUMA" in (event.host.acronym or event.host.name)
