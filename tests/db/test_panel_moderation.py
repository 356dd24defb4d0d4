"""Panel moderation services on a real database: the word filter's modes, written answers, edits and blocks."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import panel_export, panel_summary, panels, privacy, question_moderation, questions, screens
from db.models import Panel, PanelBlock, Question, Vote
from db.models.base import utcnow
from db.models.panels import OPEN, PENDING
from rules.errors import ConflictError, InvalidInputError, LimitError
from rules.question_text import QuestionRules

CHANNEL = 300000000000000011
GUILD = 100000000000000001
MODERATOR = 400000000000000001
MEMBER = 500000000000000001
PANELIST = 500000000000000002
PANELIST_ROLE = 600000000000000001
RULES = QuestionRules(min_length=5, max_length=500, cooldown_seconds=0, max_open_per_member=10)

Sessions = async_sessionmaker[AsyncSession]


async def open_panel(
    sessions: Sessions, *, word_filter: str = "off", moderated: bool = False, panelist_role_id: int | None = None
) -> int:
    async with sessions.begin() as session:
        panel = await panels.open_panel(
            session,
            guild_id=GUILD,
            channel_id=CHANNEL,
            title="Teachers for tomorrow",
            panelists="Jan Lundell (LUMA Centre Finland); Mikkel Bohm (Astra)",
            topics=None,
            moderated=moderated,
            anonymous_allowed=True,
            created_by=MODERATOR,
            word_filter=word_filter,
            panelist_role_id=panelist_role_id,
        )
        return panel.id


async def ask(sessions: Sessions, panel_id: int, text: str, *, author_id: int = MEMBER, **options) -> Question:
    async with sessions.begin() as session:
        return await session.run_sync(
            questions.ask_question,
            panel_id=panel_id,
            author_id=author_id,
            text=text,
            anonymous=options.pop("anonymous", False),
            rules=RULES,
            **options,
        )


async def stored(sessions: Sessions, panel_id: int) -> list[Question]:
    async with sessions.begin() as session:
        return list(
            await session.scalars(select(Question).where(Question.panel_id == panel_id).order_by(Question.number))
        )


# --- the word filter ------------------------------------------------------------------------------------

HOSTILE = (
    ("en", "Why is this panel so full of sh1t?"),
    ("de", "Sie sind ein ARSCHLOCH, Herr Bohm"),
    ("fr", "Quelle bande de connards"),
    ("nl", "Wat een k l o o t z a k"),
    ("fi", "haista vittu koko paneeli"),
)


async def test_word_filter_censor_shows_stars_and_keeps_original(sessions: Sessions) -> None:
    panel_id = await open_panel(sessions, word_filter="censor")
    for _language, text in HOSTILE:
        question = await ask(sessions, panel_id, text, author_id=MEMBER + len(text))
        assert "***" in question.text
        assert question.status == OPEN
    kept = await stored(sessions, panel_id)
    assert [question.original_text for question in kept] == [text for _language, text in HOSTILE]
    assert kept[1].text == "Sie sind ein ***, Herr Bohm"
    assert kept[1].filter_hits == "arschloch (de)"


async def test_word_filter_review_holds_question_on_unmoderated_panel(sessions: Sessions) -> None:
    panel_id = await open_panel(sessions, word_filter="review")
    held = await ask(sessions, panel_id, "Why is this panel so full of sh1t?")
    clean = await ask(sessions, panel_id, "How do you train teachers in rural schools?", author_id=MEMBER + 1)
    assert (held.status, held.text, held.original_text) == (PENDING, "Why is this panel so full of sh1t?", None)
    assert held.filter_hits == "shit (en)"
    assert clean.status == OPEN


async def test_word_filter_off_stores_text_as_written(sessions: Sessions) -> None:
    panel_id = await open_panel(sessions, word_filter="off")
    question = await ask(sessions, panel_id, "Why is this panel so full of sh1t?")
    assert (question.status, question.text, question.original_text, question.filter_hits) == (
        OPEN,
        "Why is this panel so full of sh1t?",
        None,
        None,
    )


async def test_word_filter_ordinary_question_untouched_in_censor_mode(sessions: Sessions) -> None:
    panel_id = await open_panel(sessions, word_filter="censor")
    text = "Could Scunthorpe's analysis of cocktail sessions help Sussex schools?"
    question = await ask(sessions, panel_id, text)
    assert (question.text, question.original_text, question.filter_hits) == (text, None, None)


async def test_word_filter_unknown_mode_refused_and_nothing_opened(sessions: Sessions) -> None:
    with pytest.raises(InvalidInputError, match="off, censor, review"):
        await open_panel(sessions, word_filter="block")
    async with sessions.begin() as session:
        assert await session.scalar(select(func.count()).select_from(panels.Panel)) == 0


# --- written answers, edits, blocks ---------------------------------------------------------------------


async def moderate(sessions: Sessions, work, **values):
    async with sessions.begin() as session:
        return await work(session, moderator_id=MODERATOR, **values)


async def answer(sessions: Sessions, *, question_id: int, text: str, member_id: int = MODERATOR, **who):
    """A written answer, by a moderator unless `who` says otherwise (moderator=False, role_ids=...)."""
    async with sessions.begin() as session:
        return await question_moderation.answer_question(
            session, question_id=question_id, member_id=member_id, text=text, **({"moderator": True} | who)
        )


async def test_answer_question_attaches_text_and_closing_summary_lists_it(sessions: Sessions) -> None:
    panel_id = await open_panel(sessions)
    question = await ask(sessions, panel_id, "How do you train teachers in rural schools?")
    answered = await answer(sessions, question_id=question.id, text="  Mostly online, with mentors. ")
    assert (answered.question.answer_text, answered.question.answer_by) == ("Mostly online, with mentors.", MODERATOR)
    async with sessions.begin() as session:
        summary = await panel_summary.close_panel_with_summary(session, channel_id=CHANNEL)
    assert [(q.number, q.answer_text) for q in summary.written_answers] == [(1, "Mostly online, with mentors.")]


async def test_answer_question_by_a_panelist_needs_the_panels_panelist_role(sessions: Sessions) -> None:
    panel_id = await open_panel(sessions, panelist_role_id=PANELIST_ROLE)
    question = await ask(sessions, panel_id, "How do you train teachers in rural schools?")
    for roles in ((), (PANELIST_ROLE + 1,)):
        with pytest.raises(ConflictError, match="Only moderators and this panel's panelists"):
            await answer(
                sessions, question_id=question.id, text="Online.", member_id=MEMBER, moderator=False, role_ids=roles
            )
    assert (await stored(sessions, panel_id))[0].answer_text is None
    answered = await answer(
        sessions,
        question_id=question.id,
        text="With mentors.",
        member_id=PANELIST,
        moderator=False,
        role_ids=(PANELIST_ROLE,),
    )
    assert (answered.question.answer_text, answered.question.answer_by) == ("With mentors.", PANELIST)


async def test_answer_question_without_a_panelist_role_is_for_moderators_only(sessions: Sessions) -> None:
    panel_id = await open_panel(sessions)
    question = await ask(sessions, panel_id, "How do you train teachers in rural schools?")
    with pytest.raises(ConflictError, match="ask a moderator for the panelist role"):
        await answer(
            sessions, question_id=question.id, text="Online.", member_id=MEMBER, moderator=False, role_ids=(1,)
        )


async def test_answer_pending_question_refused_and_nothing_stored(sessions: Sessions) -> None:
    panel_id = await open_panel(sessions, moderated=True)
    question = await ask(sessions, panel_id, "How do you train teachers in rural schools?")
    with pytest.raises(ConflictError, match="not been approved"):
        await answer(sessions, question_id=question.id, text="Online.")
    with pytest.raises(InvalidInputError, match="1000 characters"):
        await answer(sessions, question_id=question.id, text="x" * 1001)
    assert (await stored(sessions, panel_id))[0].answer_text is None


async def test_edit_question_keeps_original_and_every_edit(sessions: Sessions) -> None:
    panel_id = await open_panel(sessions)
    question = await ask(sessions, panel_id, "How does Jan Jansen of Astra train teachers in rural scools?")
    await moderate(
        sessions, question_moderation.edit_question, question_id=question.id, text="How does Astra train teachers?"
    )
    await moderate(
        sessions,
        question_moderation.edit_question,
        question_id=question.id,
        text="How does Astra train teachers in rural schools?",
    )
    kept = (await stored(sessions, panel_id))[0]
    assert kept.text == "How does Astra train teachers in rural schools?"
    assert kept.original_text == "How does Jan Jansen of Astra train teachers in rural scools?"
    async with sessions.begin() as session:
        edits = await question_moderation.question_edits(session, panel_id=panel_id)
    assert [(edit.old_text, edit.new_text) for edit in edits[question.id]] == [
        ("How does Jan Jansen of Astra train teachers in rural scools?", "How does Astra train teachers?"),
        ("How does Astra train teachers?", "How does Astra train teachers in rural schools?"),
    ]


async def test_blocked_asker_cannot_ask_or_vote_and_nothing_is_stored_until_unblocked(sessions: Sessions) -> None:
    panel_id = await open_panel(sessions)
    troll = await ask(sessions, panel_id, "Why is this panel so boring?", anonymous=True)
    other = await ask(sessions, panel_id, "How do you train teachers in rural schools?", author_id=MEMBER + 1)
    await moderate(sessions, question_moderation.block_asker, question_id=troll.id)
    with pytest.raises(LimitError, match="paused your questions and votes"):
        await ask(sessions, panel_id, "Another boring question for you?")
    with pytest.raises(LimitError, match="paused your questions and votes"):
        async with sessions.begin() as session:
            await session.run_sync(questions.toggle_vote, question_id=other.id, member_id=MEMBER)
    async with sessions.begin() as session:
        assert await session.scalar(select(func.count()).select_from(Vote)) == 0
        assert await session.scalar(select(Panel.last_number).where(Panel.id == panel_id)) == 2
    with pytest.raises(ConflictError, match="already blocked"):
        await moderate(sessions, question_moderation.block_asker, question_id=troll.id)
    async with sessions.begin() as session:
        await question_moderation.unblock_asker(session, question_id=troll.id)
    again = await ask(sessions, panel_id, "Another question, asked politely this time?")
    assert again.number == 3


# --- exports people can read ----------------------------------------------------------------------------

NAMES = {MEMBER: "Alice Martens", MEMBER + 1: "Bob Secret", MODERATOR: "Geert"}


async def test_export_names_people_dates_answers_edits_and_filter_but_never_anonymous(sessions: Sessions) -> None:
    panel_id = await open_panel(sessions, word_filter="censor")
    named = await ask(sessions, panel_id, "How does Astra train teachers in rural scools?")
    secret = await ask(sessions, panel_id, "Why is this panel so full of sh1t?", author_id=MEMBER + 1, anonymous=True)
    await answer(sessions, question_id=named.id, text="With mentors.")
    await moderate(
        sessions,
        question_moderation.edit_question,
        question_id=named.id,
        text="How does Astra train teachers in rural schools?",
    )
    exports = {}
    async with sessions.begin() as session:
        for fmt in ("csv", "json", "markdown"):
            exports[fmt] = await panel_export.export_panel(
                session, panel_id=panel_id, fmt=fmt, name_of=NAMES.get, zone="Europe/Brussels"
            )
    rows = list(csv.DictReader(io.StringIO(exports["csv"].content.decode())))
    assert (rows[0]["author"], rows[0]["author_name"]) == (str(MEMBER), "Alice Martens")
    assert (rows[0]["answer"], rows[0]["answer_by"], rows[0]["answer_by_name"]) == (
        "With mentors.",
        str(MODERATOR),
        "Geert",
    )
    assert rows[0]["asked_as"] == "How does Astra train teachers in rural scools?"
    assert "by Geert: “How does Astra train teachers in rural scools?” → “How does Astra" in rows[0]["edits"]
    assert (rows[1]["author"], rows[1]["author_name"]) == ("anonymous", "")
    assert (rows[1]["text"], rows[1]["asked_as"], rows[1]["word_filter"]) == (
        "Why is this panel so full of ***?",
        secret.text.replace("***", "sh1t"),
        "shit (en)",
    )
    document = json.loads(exports["json"].content)
    assert document["questions"][0]["author_name"] == "Alice Martens"
    markdown = exports["markdown"].content.decode()
    asked = named.asked_at.astimezone(ZoneInfo("Europe/Brussels"))
    assert f"Asked {asked:%A} {asked.day} {asked:%B %Y, %H:%M} by Alice Martens ({MEMBER})." in markdown
    assert "(Europe/Brussels)" in markdown and "**Answer** by Geert" in markdown and "Edits:" in markdown
    for export in exports.values():
        assert b"Bob Secret" not in export.content and str(MEMBER + 1).encode() not in export.content


# --- the presenter screen -------------------------------------------------------------------------------


async def test_screen_shows_written_answer_once_answered_and_follows_edits(sessions: Sessions) -> None:
    panel_id = await open_panel(sessions)
    question = await ask(sessions, panel_id, "How do you train teachers in rural schools?")
    async with sessions.begin() as session:
        before = await screens.panel_fingerprint(session, panel_id=panel_id)
    await answer(sessions, question_id=question.id, text="With mentors.")
    async with sessions.begin() as session:
        answered_fingerprint = await screens.panel_fingerprint(session, panel_id=panel_id)
        snapshot = await screens.screen_snapshot(session, panel_id=panel_id)
    assert answered_fingerprint != before
    # Still open: the answer waits until the question is answered, so the panel is not pre-empted on screen.
    assert snapshot.answers == () and snapshot.top[0].answer is None
    async with sessions.begin() as session:
        await questions.mark_answered(session, question_id=question.id, moderator_id=MODERATOR)
    await moderate(
        sessions, question_moderation.edit_question, question_id=question.id, text="How do you train rural teachers?"
    )
    async with sessions.begin() as session:
        edited_fingerprint = await screens.panel_fingerprint(session, panel_id=panel_id)
        snapshot = await screens.screen_snapshot(session, panel_id=panel_id)
    assert edited_fingerprint != answered_fingerprint
    assert [(item.number, item.text, item.answer) for item in snapshot.answers] == [
        (1, "How do you train rural teachers?", "With mentors.")
    ]
    assert "author" not in json.dumps(snapshot.to_json())


# --- labels ---------------------------------------------------------------------------------------------


async def test_labels_from_topic_and_panelist_filter_the_question_list(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        panel = await panels.open_panel(
            session,
            guild_id=GUILD,
            channel_id=CHANNEL,
            title="Teachers for tomorrow",
            panelists="Jan Lundell (LUMA Centre Finland); Mikkel Bohm (Astra)",
            topics="Industry involvement; Urgent challenges",
            moderated=False,
            anonymous_allowed=True,
            created_by=MODERATOR,
        )
    topic = await ask(sessions, panel.id, "How do companies take part in LUMA?", label="industry")
    both = await ask(sessions, panel.id, "What is most urgent for Astra?", author_id=MEMBER + 1, to="Bohm", label="urg")
    named = await ask(sessions, panel.id, "What would you change first?", author_id=MEMBER + 2, label="Mikkel Bohm")
    assert topic.labels == ["Industry involvement"] and topic.panelist_id is None
    assert both.labels == ["Mikkel Bohm", "Urgent challenges"]
    # A label naming a panelist addresses the question to them: `to:` a panelist is a label.
    assert named.labels == ["Mikkel Bohm"] and named.panelist_id == both.panelist_id
    with pytest.raises(InvalidInputError, match="not a label of this panel"):
        await ask(sessions, panel.id, "Who funds all this?", author_id=MEMBER + 3, label="funding")
    async with sessions.begin() as session:
        _panel, for_bohm = await session.run_sync(
            questions.channel_questions, channel_id=CHANNEL, statuses=(OPEN,), sort="new", label="bohm"
        )
    assert [item.question.number for item in for_bohm] == [3, 2]


# --- privacy --------------------------------------------------------------------------------------------


async def count_blocks(sessions: Sessions) -> int:
    async with sessions.begin() as session:
        return await session.scalar(select(func.count()).select_from(PanelBlock)) or 0


async def test_blocks_go_when_the_member_is_forgotten_or_the_retention_period_ends(sessions: Sessions) -> None:
    panel_id = await open_panel(sessions)
    first = await ask(sessions, panel_id, "Why is this panel so boring?")
    second = await ask(sessions, panel_id, "Why is everyone here so boring?", author_id=MEMBER + 1)
    for question in (first, second):
        await moderate(sessions, question_moderation.block_asker, question_id=question.id)
    async with sessions.begin() as session:
        await privacy.forget_member(session, member_id=MEMBER)
    assert await count_blocks(sessions) == 1
    async with sessions.begin() as session:
        await panels.close_panel(session, channel_id=CHANNEL)
        await privacy.drop_expired_question_authors(session, now=utcnow() + timedelta(days=181), retention_days=180)
    assert await count_blocks(sessions) == 0
