"""Panel Q&A services on a real migrated SQLite database: limits, duplicates, votes, states, export."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import panel_export, panel_summary, panels, questions
from db.models import Question, Vote
from db.models.base import utcnow
from rules.errors import ConflictError, InvalidInputError, LimitError, NotFoundError
from rules.question_text import QuestionRules, SimilarQuestionError

CHANNEL = 300000000000000001
GUILD = 100000000000000001
MODERATOR = 400000000000000001
RULES = QuestionRules(min_length=5, max_length=500, cooldown_seconds=15, max_open_per_member=10)
SLIDES_PANELISTS = (
    "Jan Lundell (Central Finland LUMA Centre); Mikkel Bohm (Astra); "
    "Morten Sørli (National Centre for Science Recruitment); Geert Asselbergs (Atlantis Institute)"
)

Sessions = async_sessionmaker[AsyncSession]


async def open_panel(sessions: Sessions, *, channel_id: int = CHANNEL, moderated: bool = False, **options) -> int:
    async with sessions.begin() as session:
        panel = await panels.open_panel(
            session,
            guild_id=GUILD,
            channel_id=channel_id,
            title=options.pop("title", "EU STEM Coalition and STEM platforms across Europe"),
            panelists=options.pop("panelists", SLIDES_PANELISTS),
            topics=options.pop("topics", "Industry involvement; Urgent challenges"),
            moderated=moderated,
            anonymous_allowed=options.pop("anonymous_allowed", True),
            created_by=MODERATOR,
        )
        return panel.id


async def ask(sessions: Sessions, panel_id: int, author_id: int, text: str, **options) -> Question:
    async with sessions.begin() as session:
        return await session.run_sync(
            questions.ask_question,
            panel_id=panel_id,
            author_id=author_id,
            text=text,
            anonymous=options.pop("anonymous", False),
            rules=options.pop("rules", RULES),
            **options,
        )


async def count_questions(sessions: Sessions, panel_id: int) -> int:
    async with sessions.begin() as session:
        counted = select(func.count()).select_from(Question).where(Question.panel_id == panel_id)
        return (await session.execute(counted)).scalar_one()


# --- opening panels -------------------------------------------------------------------------------------


async def test_open_panel_links_panelists_to_known_platforms(sessions: Sessions) -> None:
    panel_id = await open_panel(sessions)
    async with sessions.begin() as session:
        panel = await session.run_sync(panels.panel_by_id, panel_id)
    linked = {panelist.name: panelist.platform_slug for panelist in panel.panelists}
    # The Central Finland LUMA Centre is one of 13 regional centres, not the national network: no card of its own.
    assert linked == {
        "Jan Lundell": None,
        "Mikkel Bohm": "astra",
        "Morten Sørli": "ncsr",
        "Geert Asselbergs": None,
    }
    assert panel.topics == ["Industry involvement", "Urgent challenges"]


async def test_open_panel_second_in_same_channel_is_refused(sessions: Sessions) -> None:
    await open_panel(sessions)
    with pytest.raises(ConflictError, match="still open in this channel"):
        await open_panel(sessions, title="Another panel")
    other_channel = await open_panel(sessions, channel_id=CHANNEL + 1)
    assert other_channel


async def test_open_panel_after_close_is_allowed_and_reopen_then_refused(sessions: Sessions) -> None:
    first = await open_panel(sessions)
    async with sessions.begin() as session:
        await panels.close_panel(session, channel_id=CHANNEL)
    second = await open_panel(sessions, title="Second panel")
    assert second != first
    with pytest.raises(ConflictError, match="already open"):
        async with sessions.begin() as session:
            await panels.reopen_panel(session, channel_id=CHANNEL)


async def test_open_panel_bad_panelists_change_nothing(sessions: Sessions) -> None:
    with pytest.raises(InvalidInputError, match="could not read"):
        await open_panel(sessions, panelists="Jan (LUMA) (Finland)")
    with pytest.raises(NotFoundError):
        async with sessions.begin() as session:
            await session.run_sync(panels.channel_panel, channel_id=CHANNEL)


# --- asking ---------------------------------------------------------------------------------------------


async def test_ask_question_numbers_are_per_panel(sessions: Sessions) -> None:
    first = await open_panel(sessions)
    second = await open_panel(sessions, channel_id=CHANNEL + 1)
    a = await ask(sessions, first, 1, "How is industry involved in LUMA?")
    b = await ask(sessions, first, 2, "What are the most urgent challenges?")
    c = await ask(sessions, second, 1, "How is industry involved in Astra?")
    assert (a.number, b.number, c.number) == (1, 2, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [("Why?", "too short: write at least 5"), ("x" * 501, "too long: at most 500 characters \\(it has 501\\)")],
)
async def test_ask_question_bad_length_is_refused_and_stores_nothing(
    sessions: Sessions, text: str, message: str
) -> None:
    panel_id = await open_panel(sessions)
    with pytest.raises(InvalidInputError, match=message):
        await ask(sessions, panel_id, 1, text)
    assert await count_questions(sessions, panel_id) == 0


async def test_ask_question_within_cooldown_says_seconds_left(sessions: Sessions) -> None:
    panel_id = await open_panel(sessions)
    start = utcnow()
    await ask(sessions, panel_id, 1, "How is industry involved in LUMA?", now=start)
    with pytest.raises(LimitError, match="ask again in 11 s"):
        await ask(sessions, panel_id, 1, "What would you like to achieve by 2030?", now=start + timedelta(seconds=4))
    await ask(sessions, panel_id, 2, "What would you like to achieve by 2030?", now=start + timedelta(seconds=4))
    later = await ask(sessions, panel_id, 1, "What do teachers need most?", now=start + timedelta(seconds=16))
    assert later.number == 3


async def test_ask_question_over_open_cap_is_refused_until_one_is_answered(sessions: Sessions) -> None:
    rules = QuestionRules(cooldown_seconds=0, max_open_per_member=2)
    panel_id = await open_panel(sessions)
    first = await ask(sessions, panel_id, 1, "How is industry involved in LUMA?", rules=rules)
    await ask(sessions, panel_id, 1, "What are the most urgent challenges?", rules=rules)
    with pytest.raises(LimitError, match="already have 2 questions waiting"):
        await ask(sessions, panel_id, 1, "What do teachers need most?", rules=rules)
    async with sessions.begin() as session:
        await questions.mark_answered(session, question_id=first.id, moderator_id=MODERATOR)
    third = await ask(sessions, panel_id, 1, "What do teachers need most?", rules=rules)
    assert third.number == 3


async def test_ask_question_on_closed_panel_is_refused(sessions: Sessions) -> None:
    panel_id = await open_panel(sessions)
    async with sessions.begin() as session:
        await panels.close_panel(session, channel_id=CHANNEL)
    with pytest.raises(ConflictError, match="is closed"):
        await ask(sessions, panel_id, 1, "How is industry involved in LUMA?")
    async with sessions.begin() as session:
        await panels.reopen_panel(session, channel_id=CHANNEL)
    assert (await ask(sessions, panel_id, 1, "How is industry involved in LUMA?")).number == 1


async def test_ask_question_anonymous_when_not_allowed_is_refused(sessions: Sessions) -> None:
    panel_id = await open_panel(sessions, anonymous_allowed=False)
    with pytest.raises(InvalidInputError, match="does not take anonymous"):
        await ask(sessions, panel_id, 1, "How is industry involved in LUMA?", anonymous=True)


async def test_ask_question_to_panelist_by_id_or_name(sessions: Sessions) -> None:
    panel_id = await open_panel(sessions)
    async with sessions.begin() as session:
        choices = await session.run_sync(panels.autocomplete_panelists, channel_id=CHANNEL, current="astra")
    assert choices == [("Mikkel Bohm (Astra)", choices[0][1])]
    by_id = await ask(sessions, panel_id, 1, "How did the merger go?", to=choices[0][1])
    by_name = await ask(sessions, panel_id, 2, "How do you fund the centres?", to="lundell")
    assert by_id.panelist is not None and by_id.panelist.name == "Mikkel Bohm"
    assert by_name.panelist is not None and by_name.panelist.name == "Jan Lundell"
    with pytest.raises(InvalidInputError, match="not on this panel"):
        await ask(sessions, panel_id, 3, "What is next for you?", to="Greta")


async def test_ask_question_near_duplicate_is_caught_then_allowed_on_insistence(sessions: Sessions) -> None:
    panel_id = await open_panel(sessions)
    original = await ask(sessions, panel_id, 1, "How is industry involved in the activities of your platform?")
    await ask(sessions, panel_id, 2, "What are the most urgent challenges?")
    with pytest.raises(SimilarQuestionError) as raised:
        await ask(sessions, panel_id, 3, "In what ways does industry get involved in your platform's activities?")
    assert raised.value.similar.number == original.number
    assert "#1" in raised.value.user_message
    assert await count_questions(sessions, panel_id) == 2
    insisted = await ask(
        sessions,
        panel_id,
        3,
        "In what ways does industry get involved in your platform's activities?",
        allow_similar=True,
    )
    assert insisted.number == 3


async def test_ask_question_similar_to_hidden_or_answered_is_not_flagged(sessions: Sessions) -> None:
    panel_id = await open_panel(sessions)
    hidden = await ask(sessions, panel_id, 1, "What are the most urgent challenges?")
    async with sessions.begin() as session:
        await questions.hide_question(session, question_id=hidden.id, moderator_id=MODERATOR)
    again = await ask(sessions, panel_id, 2, "What are your most urgent challenges?")
    assert again.number == 2


async def test_ask_question_drops_control_characters(sessions: Sessions) -> None:
    panel_id = await open_panel(sessions)
    stored = await ask(sessions, panel_id, 1, "How\x1e is industry\x00 involved\r\nin LUMA?\x07")
    assert stored.text == "How is industry involved\nin LUMA?"
    with pytest.raises(InvalidInputError, match="too short"):
        await ask(sessions, panel_id, 2, "Why\x1e\x1e\x1e\x1e\x1e")


async def test_ask_question_concurrent_numbers_are_unique_and_gapless(sessions: Sessions) -> None:
    panel_id = await open_panel(sessions)
    rules = QuestionRules(cooldown_seconds=0)
    texts = [f"Question {n}: how does platform {n * 7919} reach pupils in region {n * 104729}?" for n in range(40)]

    async def one(member: int, text: str) -> int:
        return (await ask(sessions, panel_id, member, text, rules=rules, allow_similar=True)).number

    numbers = await asyncio.gather(*(one(member, text) for member, text in enumerate(texts)))
    assert sorted(numbers) == list(range(1, 41))


async def test_ask_question_refusal_leaves_no_gap(sessions: Sessions) -> None:
    panel_id = await open_panel(sessions)
    await ask(sessions, panel_id, 1, "How is industry involved in LUMA?")
    with pytest.raises(LimitError):
        await ask(sessions, panel_id, 1, "How is industry involved in Astra?")
    assert (await ask(sessions, panel_id, 2, "How is industry involved in Astra?")).number == 2


# --- votes ----------------------------------------------------------------------------------------------


async def test_toggle_vote_second_click_takes_it_back(sessions: Sessions) -> None:
    panel_id = await open_panel(sessions)
    question = await ask(sessions, panel_id, 1, "How is industry involved in LUMA?")
    results = []
    for member in (10, 11, 10):
        async with sessions.begin() as session:
            results.append(await session.run_sync(questions.toggle_vote, question_id=question.id, member_id=member))
    assert [(r.voted, r.votes) for r in results] == [(True, 1), (True, 2), (False, 1)]


async def test_toggle_vote_concurrent_members_all_counted(sessions: Sessions) -> None:
    panel_id = await open_panel(sessions)
    question = await ask(sessions, panel_id, 1, "How is industry involved in LUMA?")

    async def vote(member: int) -> None:
        async with sessions.begin() as session:
            await session.run_sync(questions.toggle_vote, question_id=question.id, member_id=member)

    await asyncio.gather(*(vote(member) for member in range(100, 150)))
    async with sessions.begin() as session:
        assert await session.run_sync(questions.vote_count, question.id) == 50
        assert await session.scalar(select(func.count()).select_from(Vote)) == 50


@pytest.mark.parametrize(
    ("action", "message"), [("hide", "hidden by a moderator"), ("answer", "already been answered")]
)
async def test_toggle_vote_on_hidden_or_answered_is_refused(sessions: Sessions, action: str, message: str) -> None:
    panel_id = await open_panel(sessions)
    question = await ask(sessions, panel_id, 1, "How is industry involved in LUMA?")
    async with sessions.begin() as session:
        change = questions.hide_question if action == "hide" else questions.mark_answered
        await change(session, question_id=question.id, moderator_id=MODERATOR)
    with pytest.raises(ConflictError, match=message):
        async with sessions.begin() as session:
            await session.run_sync(questions.toggle_vote, question_id=question.id, member_id=5)


async def test_toggle_vote_on_pending_or_closed_panel_is_refused(sessions: Sessions) -> None:
    panel_id = await open_panel(sessions, moderated=True)
    question = await ask(sessions, panel_id, 1, "How is industry involved in LUMA?")
    with pytest.raises(ConflictError, match="waiting for a moderator"):
        async with sessions.begin() as session:
            await session.run_sync(questions.toggle_vote, question_id=question.id, member_id=5)
    async with sessions.begin() as session:
        await questions.approve_question(session, question_id=question.id, moderator_id=MODERATOR)
        await panels.close_panel(session, channel_id=CHANNEL)
    with pytest.raises(ConflictError, match="voting has ended"):
        async with sessions.begin() as session:
            await session.run_sync(questions.toggle_vote, question_id=question.id, member_id=5)


# --- moderation and states ------------------------------------------------------------------------------


async def test_moderated_panel_questions_wait_until_approved(sessions: Sessions) -> None:
    panel_id = await open_panel(sessions, moderated=True)
    first = await ask(sessions, panel_id, 1, "How is industry involved in LUMA?")
    await ask(sessions, panel_id, 2, "What are the most urgent challenges?")
    assert first.status == "pending"
    async with sessions.begin() as session:
        pending, waiting = await session.run_sync(questions.next_pending_question, panel_id=panel_id)
        assert (pending.number if pending else None, waiting) == (1, 2)
        assert await session.run_sync(questions.list_questions, panel_id=panel_id, statuses=("open",)) == []
        await questions.approve_question(session, question_id=first.id, moderator_id=MODERATOR)
    async with sessions.begin() as session:
        visible = await session.run_sync(questions.list_questions, panel_id=panel_id, statuses=("open",))
        assert [item.question.number for item in visible] == [1]
        with pytest.raises(ConflictError, match="already visible"):
            await questions.approve_question(session, question_id=first.id, moderator_id=MODERATOR)


async def test_mark_answered_pending_question_is_refused(sessions: Sessions) -> None:
    panel_id = await open_panel(sessions, moderated=True)
    question = await ask(sessions, panel_id, 1, "How is industry involved in LUMA?")
    with pytest.raises(ConflictError, match="not been approved"):
        async with sessions.begin() as session:
            await questions.mark_answered(session, question_id=question.id, moderator_id=MODERATOR)


async def test_question_by_number_unknown_says_range(sessions: Sessions) -> None:
    panel_id = await open_panel(sessions)
    await ask(sessions, panel_id, 1, "How is industry involved in LUMA?")
    with pytest.raises(NotFoundError, match=r"no question #7 on this panel\. Questions run from #1 to #1\."):
        async with sessions.begin() as session:
            await session.run_sync(questions.question_by_number, panel_id=panel_id, number=7)


async def test_advance_panel_answers_current_and_highlights_top_voted(sessions: Sessions) -> None:
    panel_id = await open_panel(sessions)
    rules = QuestionRules(cooldown_seconds=0)
    low = await ask(sessions, panel_id, 1, "How is industry involved in LUMA?", rules=rules)
    high = await ask(sessions, panel_id, 2, "What are the most urgent challenges?", rules=rules)
    async with sessions.begin() as session:
        for member in (7, 8):
            await session.run_sync(questions.toggle_vote, question_id=high.id, member_id=member)
    async with sessions.begin() as session:
        first = await questions.advance_panel(session, panel_id=panel_id, moderator_id=MODERATOR)
    assert first.answered is None
    assert first.current is not None and (first.current.question.number, first.current.votes) == (2, 2)
    async with sessions.begin() as session:
        second = await questions.advance_panel(session, panel_id=panel_id, moderator_id=MODERATOR)
    assert second.answered is not None and second.answered.question.id == high.id
    assert second.answered.question.status == "answered"
    assert second.current is not None and second.current.question.id == low.id
    async with sessions.begin() as session:
        last = await questions.advance_panel(session, panel_id=panel_id, moderator_id=MODERATOR)
    assert last.current is None and last.answered is not None


async def test_list_questions_sorts_top_and_new(sessions: Sessions) -> None:
    panel_id = await open_panel(sessions)
    rules = QuestionRules(cooldown_seconds=0)
    asked = [
        await ask(sessions, panel_id, member, text, rules=rules)
        for member, text in enumerate(
            ["How is industry involved in LUMA?", "What are the most urgent challenges?", "What do teachers need?"]
        )
    ]
    async with sessions.begin() as session:
        await session.run_sync(questions.toggle_vote, question_id=asked[1].id, member_id=50)
        top = await session.run_sync(questions.list_questions, panel_id=panel_id, statuses=("open",), sort="top")
        new = await session.run_sync(questions.list_questions, panel_id=panel_id, statuses=("open",), sort="new")
    assert [item.question.number for item in top] == [2, 1, 3]
    assert [item.question.number for item in new] == [3, 2, 1]


async def test_panel_summary_counts_questions_voters_answered_and_top_five(sessions: Sessions) -> None:
    panel_id = await open_panel(sessions)
    rules = QuestionRules(cooldown_seconds=0)
    texts = [
        "How is industry involved in LUMA?",
        "What are the most urgent challenges?",
        "What do teachers need?",
        "How do you measure impact?",
        "Who funds Astra?",
        "How big is the NCSR team?",
        "Buy cheap watches",
    ]
    asked = [await ask(sessions, panel_id, n, text, rules=rules) for n, text in enumerate(texts)]
    async with sessions.begin() as session:
        for rank, question in enumerate(asked[:6]):
            for member in range(6 - rank):
                await session.run_sync(questions.toggle_vote, question_id=question.id, member_id=1000 + member)
        await session.run_sync(questions.toggle_vote, question_id=asked[6].id, member_id=2000)
        await questions.hide_question(session, question_id=asked[6].id, moderator_id=MODERATOR)
        await questions.mark_answered(session, question_id=asked[0].id, moderator_id=MODERATOR)
    async with sessions.begin() as session:
        summary = await panel_summary.panel_summary(session, panel_id=panel_id)
    assert (summary.asked, summary.answered, summary.voters, summary.votes) == (6, 1, 6, 21)
    assert [item.question.number for item in summary.top] == [1, 2, 3, 4, 5]


# --- export and privacy ---------------------------------------------------------------------------------


async def test_export_panel_lists_every_question_and_never_names_anonymous_authors(sessions: Sessions) -> None:
    panel_id = await open_panel(sessions)
    rules = QuestionRules(cooldown_seconds=0)
    named = await ask(sessions, panel_id, 111, "How is industry involved in LUMA?", rules=rules, to="Jan Lundell")
    secret = await ask(sessions, panel_id, 222, '=HYPERLINK("x") what are the challenges?', rules=rules, anonymous=True)
    hidden = await ask(sessions, panel_id, 333, "Buy cheap watches", rules=rules)
    async with sessions.begin() as session:
        await session.run_sync(questions.toggle_vote, question_id=named.id, member_id=9)
        await questions.mark_answered(session, question_id=named.id, moderator_id=MODERATOR)
        await questions.hide_question(session, question_id=hidden.id, moderator_id=MODERATOR)
    exports = {}
    async with sessions.begin() as session:
        for fmt in ("csv", "json", "markdown"):
            exports[fmt] = await panel_export.export_panel(session, panel_id=panel_id, fmt=fmt)
    rows = list(csv.DictReader(io.StringIO(exports["csv"].content.decode())))
    assert [row["number"] for row in rows] == ["1", "2", "3"]
    assert rows[0] | {"asked_at": "", "answered_at": bool(rows[0]["answered_at"])} == {
        "number": "1",
        "text": "How is industry involved in LUMA?",
        "panelist": "Jan Lundell (Central Finland LUMA Centre)",
        "status": "answered",
        "votes": "1",
        "asked_at": "",
        "answered_at": True,
        "author": "111",
        **dict.fromkeys(
            ("author_name", "answer", "answer_by", "answer_by_name", "asked_as", "edits", "word_filter"), ""
        ),
        "labels": "Jan Lundell",
    }
    assert rows[1]["author"] == "anonymous" and rows[1]["text"].startswith("'=HYPERLINK")
    assert rows[2]["status"] == "hidden"
    document = json.loads(exports["json"].content)
    assert [q["author"] for q in document["questions"]] == ["111", "anonymous", "333"]
    assert [(q["panelist"], q["answered_at"] is None) for q in document["questions"]] == [
        ("Jan Lundell (Central Finland LUMA Centre)", False),
        (None, True),
        (None, True),
    ]
    markdown = exports["markdown"].content.decode()
    assert "## #2 (open, 0 votes)" in markdown and "by anonymous." in markdown
    for export in exports.values():
        assert b"222" not in export.content
    assert exports["csv"].filename.startswith(f"panel-{panel_id}-eu-stem-coalition")
    async with sessions.begin() as session:
        own = await questions.member_questions(session, member_id=222)
    assert [q.id for q in own] == [secret.id]


async def test_unposted_questions_finds_visible_questions_without_message(sessions: Sessions) -> None:
    panel_id = await open_panel(sessions)
    rules = QuestionRules(cooldown_seconds=0)
    posted = await ask(sessions, panel_id, 1, "How is industry involved in LUMA?", rules=rules)
    lost = await ask(sessions, panel_id, 2, "What are the most urgent challenges?", rules=rules)
    async with sessions.begin() as session:
        await questions.set_question_message(session, question_id=posted.id, message_id=123456)
    async with sessions.begin() as session:
        assert [item.question.id for item in await session.run_sync(questions.unposted_questions)] == [lost.id]
