"""Members' data rights on a real SQLite file: export holds everything and nobody else's, forget, retention."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import panel_export, panels, questions
from db.attendance import rsvp_counts
from db.deliveries import DeliveryOutcome, claim_delivery, record_delivery, start_reminder
from db.events import set_rsvp
from db.knowledge import Submission, review_practice, submit_practice
from db.members import member_timezone, set_member_timezone
from db.models import Panel, Practice, Question, Reminder, ReminderDelivery
from db.models.base import utcnow
from db.models.events import WHOLE_EVENT
from db.privacy import drop_expired_question_authors, export_member_data, forget_member
from db.screens import open_screen
from rules import question_text
from tests.db.test_panels import MODERATOR, ask, open_panel
from tests.db.test_reminders_delivery import (
    CHANNEL_ID,
    CREATED,
    MEMBERS,
    Clock,
    FakeSender,
    make_event,
    reminders_of,
    timer,
)

Sessions = async_sessionmaker[AsyncSession]
ALICE = 910000000000000001
BOB = 910000000000000002
PANEL_TITLE = "EU STEM Coalition and STEM platforms across Europe"
NO_COOLDOWN = question_text.QuestionRules(cooldown_seconds=0)


@dataclass
class World:
    panel_id: int
    alice_anonymous: int
    alice_named: int
    bob_question: int
    event_id: int
    alice_practice: int
    bob_practice: int


async def build_world(sessions: Sessions) -> World:
    """Alice and Bob each ask, vote, answer an event, get a reminder DM, set a zone and submit a practice."""
    panel_id = await open_panel(sessions)
    alice_anonymous = await ask(
        sessions, panel_id, ALICE, "How do you keep girls in physics after 15?", anonymous=True, rules=NO_COOLDOWN
    )
    alice_named = await ask(
        sessions, panel_id, ALICE, "Which industry partners fund your teacher training?", rules=NO_COOLDOWN
    )
    bob_question = await ask(sessions, panel_id, BOB, "What are the most urgent challenges in rural schools?")
    event_id = await make_event(sessions)  # three other members answered Going already
    async with sessions.begin() as session:
        await session.run_sync(questions.toggle_vote, question_id=bob_question.id, member_id=ALICE)
        await session.run_sync(questions.toggle_vote, question_id=alice_anonymous.id, member_id=BOB)
        await set_rsvp(session, event_id=event_id, member_id=ALICE, choice="going", now=CREATED)
        await set_rsvp(session, event_id=event_id, member_id=BOB, choice="maybe", now=CREATED)
        await set_member_timezone(session, member_id=ALICE, zone="europe/helsinki")
        await set_member_timezone(session, member_id=BOB, zone="Europe/Oslo")
        alice_practice = await submit_practice(
            session,
            submission=Submission(title="Girls' physics clubs", summary="After-school clubs run with universities."),
            submitted_by=ALICE,
        )
        bob_practice = await submit_practice(
            session,
            submission=Submission(title="Rural STEM buses", summary="A lab on wheels visiting village schools."),
            submitted_by=BOB,
        )
    return World(
        panel_id,
        alice_anonymous.id,
        alice_named.id,
        bob_question.id,
        event_id,
        alice_practice.id,
        bob_practice.id,
    )


async def fan_out_first_reminder(sessions: Sessions, event_id: int) -> Reminder:
    """Claim the event's first reminder: its deliveries (channel and one DM per opted-in member) now exist."""
    reminder = (await reminders_of(sessions, event_id))[0]
    async with sessions.begin() as session:
        await start_reminder(
            session, reminder_id=reminder.id, now=reminder.due_at, instance="test", fallback_channel_id=CHANNEL_ID
        )
    return reminder


async def export(sessions: Sessions, member_id: int) -> dict[str, Any]:
    async with sessions.begin() as session:
        data = await export_member_data(session, member_id=member_id)
    return json.loads(json.dumps(data))  # what the member receives: JSON, nothing else


async def vote_counts(sessions: Sessions, panel_id: int) -> dict[int, int]:
    async with sessions.begin() as session:
        ranked = await session.run_sync(questions.list_questions, panel_id=panel_id, statuses=("open",))
    return {item.question.id: item.votes for item in ranked}


# --- export ---------------------------------------------------------------------------------------------


async def test_export_holds_every_kind_with_context_and_anonymous_questions(sessions: Sessions) -> None:
    world = await build_world(sessions)
    await fan_out_first_reminder(sessions, world.event_id)
    data = await export(sessions, ALICE)

    assert data["format"] == "coalition-bot member data" and data["version"] == 1
    assert data["member_id"] == str(ALICE)
    assert data["time_zone"]["zone"] == "Europe/Helsinki"
    questions = {q["text"]: q for q in data["questions"]}
    assert set(questions) == {
        "How do you keep girls in physics after 15?",
        "Which industry partners fund your teacher training?",
    }
    assert questions["How do you keep girls in physics after 15?"]["anonymous"] is True
    assert questions["Which industry partners fund your teacher training?"]["panel"]["title"] == PANEL_TITLE
    [vote] = data["votes"]
    assert vote["question_text"] == "What are the most urgent challenges in rural schools?"
    assert vote["panel"]["title"] == PANEL_TITLE
    [answer] = data["event_answers"]
    assert answer["rsvp"] == "going" and answer["dm_reminders"] is True
    assert answer["event"]["title"] == "Roundtable on teacher shortages"
    assert answer["event"]["starts_at"] == "2027-03-04T13:00:00+00:00"  # 14:00 in Brussels, in UTC
    [dm] = data["reminder_dms"]
    assert dm["status"] == "pending" and dm["event"]["title"] == "Roundtable on teacher shortages"
    [practice] = data["submitted_practices"]
    assert practice["title"] == "Girls' physics clubs" and practice["status"] == "pending"
    assert data["moderator_actions"] == {
        "events_created": [],
        "panels_opened": [],
        "questions_decided": [],
        "practices_reviewed": [],
        "presenter_links_opened": [],
    }


async def test_export_names_nobody_else(sessions: Sessions) -> None:
    world = await build_world(sessions)
    await fan_out_first_reminder(sessions, world.event_id)
    text = json.dumps(await export(sessions, ALICE))
    assert str(BOB) not in text and str(MODERATOR) not in text
    assert "Rural STEM buses" not in text and "Europe/Oslo" not in text


async def test_export_of_a_moderator_lists_what_they_did_as_moderator(sessions: Sessions) -> None:
    world = await build_world(sessions)
    async with sessions.begin() as session:
        await questions.hide_question(session, question_id=world.bob_question, moderator_id=MODERATOR)
        await review_practice(session, practice_id=world.bob_practice, moderator_id=MODERATOR, approve=True)
        await open_screen(session, panel_id=world.panel_id, created_by=MODERATOR)
    actions = (await export(sessions, MODERATOR))["moderator_actions"]
    [link] = actions["presenter_links_opened"]
    assert link["panel"]["title"] == PANEL_TITLE and link["revoked_at"] is None
    assert [p["title"] for p in actions["panels_opened"]] == [PANEL_TITLE]
    assert [q["status_now"] for q in actions["questions_decided"]] == ["hidden"]
    assert [p["title"] for p in actions["practices_reviewed"]] == ["Rural STEM buses"]
    assert str(BOB) not in json.dumps(actions)


async def test_export_of_a_stranger_is_empty(sessions: Sessions) -> None:
    await build_world(sessions)
    data = await export(sessions, 910000000000000099)
    assert data["time_zone"] is None
    assert not any(data[kind] for kind in ("questions", "votes", "event_answers", "reminder_dms"))
    assert data["submitted_practices"] == []


# --- forget ---------------------------------------------------------------------------------------------


async def test_forget_removes_every_kind_and_keeps_texts_anonymous(sessions: Sessions) -> None:
    world = await build_world(sessions)
    await fan_out_first_reminder(sessions, world.event_id)
    async with sessions.begin() as session:
        report = await forget_member(session, member_id=ALICE)
    assert (report.votes, report.rsvps, report.reminder_opt_ins, report.reminder_dms) == (1, 1, 1, 1)
    assert (report.time_zone, report.questions, report.practices) == (1, 2, 1)

    after = await export(sessions, ALICE)
    assert after["time_zone"] is None
    assert not any(after[kind] for kind in ("questions", "votes", "event_answers", "reminder_dms"))
    assert after["submitted_practices"] == []
    async with sessions.begin() as session:
        kept = {q.id: q for q in (await session.scalars(select(Question))).all()}
        practice = await session.get(Practice, world.alice_practice)
    for question_id in (world.alice_anonymous, world.alice_named):
        assert kept[question_id].author_id is None and kept[question_id].anonymous is True
    assert kept[world.alice_named].text == "Which industry partners fund your teacher training?"
    assert practice is not None and practice.submitted_by is None and practice.status == "pending"
    assert practice.title == "Girls' physics clubs"


async def test_forget_keeps_counts_right_and_other_members_untouched(sessions: Sessions) -> None:
    world = await build_world(sessions)
    bob_before = await export(sessions, BOB)
    async with sessions.begin() as session:
        going_before = (await rsvp_counts(session, keys={world.event_id: WHOLE_EVENT}))[world.event_id]
        await forget_member(session, member_id=ALICE)
        going_after = (await rsvp_counts(session, keys={world.event_id: WHOLE_EVENT}))[world.event_id]
    counts = await vote_counts(sessions, world.panel_id)
    assert counts[world.bob_question] == 0  # Alice's vote is gone
    assert counts[world.alice_anonymous] == 1  # Bob's vote on Alice's (now authorless) question stays
    assert going_after == going_before | {"going": going_before["going"] - 1}
    bob_after = await export(sessions, BOB)
    assert {**bob_after, "exported_at": None} == {**bob_before, "exported_at": None}
    async with sessions.begin() as session:
        assert await member_timezone(session, member_id=BOB) == "Europe/Oslo"


async def test_forget_twice_changes_nothing_the_second_time(sessions: Sessions) -> None:
    await build_world(sessions)
    async with sessions.begin() as session:
        assert (await forget_member(session, member_id=ALICE)).total > 0
    async with sessions.begin() as session:
        again = await forget_member(session, member_id=ALICE)
    assert again.total == 0 and again.changed_question_ids == [] and again.changed_event_ids == []


async def test_forget_reports_posted_messages_that_change(sessions: Sessions) -> None:
    world = await build_world(sessions)
    async with sessions.begin() as session:
        for question_id, message_id in ((world.alice_named, 1), (world.alice_anonymous, 2), (world.bob_question, 3)):
            await questions.set_question_message(session, question_id=question_id, message_id=message_id)
        report = await forget_member(session, member_id=ALICE)
    # Her named question showed her mention; Bob's showed her vote. Her anonymous one showed neither.
    assert report.changed_question_ids == sorted([world.alice_named, world.bob_question])
    assert report.changed_event_ids == [world.event_id]


async def test_forget_stops_reminder_dms_to_the_member_only(sessions: Sessions) -> None:
    world = await build_world(sessions)
    first = await fan_out_first_reminder(sessions, world.event_id)
    async with sessions.begin() as session:
        await forget_member(session, member_id=ALICE)
    clock = Clock(first.due_at)
    sender = FakeSender(clock=clock)
    await timer(sessions, sender, clock).deliver(first.id)
    later = (await reminders_of(sessions, world.event_id))[1]
    clock.now = later.due_at
    await timer(sessions, sender, clock).deliver(later.id)
    assert ALICE not in sender.recipients()
    assert sender.recipients().count(CHANNEL_ID) == 2 and len(sender.recipients()) == 8  # channel + 3 others, twice


async def test_forget_settles_a_reminder_left_with_nothing_to_send(sessions: Sessions) -> None:
    world = await build_world(sessions)
    async with sessions.begin() as session:
        # Only Alice still wants DMs; the channel post goes out first.
        for member in MEMBERS:
            await set_rsvp(session, event_id=world.event_id, member_id=member, choice="not_going", now=CREATED)
    reminder = await fan_out_first_reminder(sessions, world.event_id)
    async with sessions.begin() as session:
        channel_post = await session.scalar(
            select(ReminderDelivery.id).where(
                ReminderDelivery.reminder_id == reminder.id, ReminderDelivery.target == "channel"
            )
        )
        assert channel_post is not None
        claim = await claim_delivery(session, delivery_id=channel_post, now=reminder.due_at)
        assert claim is not None
        await record_delivery(session, claim=claim, outcome=DeliveryOutcome("sent"), now=reminder.due_at)
    async with sessions.begin() as session:
        assert (await forget_member(session, member_id=ALICE)).reminder_dms == 1
    assert (await reminders_of(sessions, world.event_id))[0].status == "sent"


# --- retention ------------------------------------------------------------------------------------------


async def close_days_ago(sessions: Sessions, panel_id: int, channel_id: int, days: int) -> None:
    async with sessions.begin() as session:
        await panels.close_panel(session, channel_id=channel_id)
        await session.execute(
            update(Panel).where(Panel.id == panel_id).values(closed_at=utcnow() - timedelta(days=days))
        )


async def authors(sessions: Sessions, panel_id: int) -> list[int | None]:
    async with sessions.begin() as session:
        rows = await session.scalars(select(Question.author_id).where(Question.panel_id == panel_id))
        return list(rows.all())


async def test_retention_drops_authors_of_panels_closed_longer_ago_only(sessions: Sessions) -> None:
    recent = await open_panel(sessions, channel_id=301, title="Closed 179 days ago")
    old = await open_panel(sessions, channel_id=302, title="Closed 181 days ago")
    still_open = await open_panel(sessions, channel_id=303, title="Still open")
    for panel_id in (recent, old, still_open):
        await ask(sessions, panel_id, ALICE, "How do you recruit STEM teachers?", anonymous=True)
        await ask(sessions, panel_id, BOB, "How is industry involved in your work?")
    await close_days_ago(sessions, recent, 301, 179)
    await close_days_ago(sessions, old, 302, 181)
    async with sessions.begin() as session:
        dropped = await drop_expired_question_authors(session, now=utcnow(), retention_days=180)
    assert dropped == 2
    assert await authors(sessions, old) == [None, None]
    assert await authors(sessions, recent) == [ALICE, BOB]
    assert await authors(sessions, still_open) == [ALICE, BOB]
    async with sessions.begin() as session:
        assert await drop_expired_question_authors(session, now=utcnow(), retention_days=180) == 0


async def test_question_without_author_exports_as_anonymous_and_leaves_limits_alone(sessions: Sessions) -> None:
    panel_id = await open_panel(sessions)
    question = await ask(sessions, panel_id, BOB, "How is industry involved in your work?")
    async with sessions.begin() as session:
        await session.execute(update(Question).where(Question.id == question.id).values(author_id=None))
        # Bob's limits count only questions still his: the cooldown does not stop him now.
        await session.run_sync(
            questions.ask_question,
            panel_id=panel_id,
            author_id=BOB,
            text="What are the most urgent challenges in rural schools?",
            anonymous=False,
            rules=question_text.QuestionRules(),
        )
        exported = await panel_export.export_panel(session, panel_id=panel_id, fmt="csv")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert [row["author"] for row in rows] == ["anonymous", str(BOB)]
