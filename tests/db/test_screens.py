"""Presenter-screen services on a real database: hashed tokens, revocation, the snapshot, change detection."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import questions, screens
from db.models import PanelScreen
from rules.errors import NotFoundError
from tests.db.test_panels import MODERATOR, ask, open_panel

Sessions = async_sessionmaker[AsyncSession]
ANONYMOUS_AUTHOR = 510000000000000077


async def new_screen(sessions: Sessions, panel_id: int) -> str:
    async with sessions.begin() as session:
        return await screens.open_screen(session, panel_id=panel_id, created_by=MODERATOR)


async def snapshot(sessions: Sessions, panel_id: int) -> screens.ScreenSnapshot:
    async with sessions.begin() as session:
        return await screens.screen_snapshot(session, panel_id=panel_id)


async def fingerprint(sessions: Sessions, panel_id: int) -> screens.PanelFingerprint | None:
    async with sessions.begin() as session:
        return await screens.panel_fingerprint(session, panel_id=panel_id)


async def vote(sessions: Sessions, question_id: int, member_id: int) -> None:
    async with sessions.begin() as session:
        await session.run_sync(questions.toggle_vote, question_id=question_id, member_id=member_id)


async def test_open_screen_stores_only_a_hash_of_an_unguessable_token(sessions: Sessions) -> None:
    panel_id = await open_panel(sessions)
    token = await new_screen(sessions, panel_id)
    other = await new_screen(sessions, panel_id)
    assert len(token) >= 43 and token != other
    async with sessions.begin() as session:
        stored = (await session.scalars(select(PanelScreen.token_hash))).all()
        assert sorted(stored) == sorted(hashlib.sha256(t.encode()).hexdigest() for t in (token, other))
        assert await screens.screen_panel_id(session, token=token) == panel_id


async def test_screen_panel_id_unknown_or_revoked_token_is_not_found(sessions: Sessions) -> None:
    panel_id = await open_panel(sessions)
    token = await new_screen(sessions, panel_id)
    async with sessions.begin() as session:
        with pytest.raises(NotFoundError):
            await screens.screen_panel_id(session, token=token + "x")
        assert await screens.revoke_screens(session, panel_id=panel_id) == 1
        assert await screens.revoke_screens(session, panel_id=panel_id) == 0
    async with sessions.begin() as session:
        with pytest.raises(NotFoundError):
            await screens.screen_panel_id(session, token=token)


async def test_open_screen_unknown_panel_is_not_found(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        with pytest.raises(NotFoundError):
            await screens.open_screen(session, panel_id=999, created_by=MODERATOR)


async def test_screen_snapshot_shows_visible_questions_by_votes_and_no_author(sessions: Sessions) -> None:
    panel_id = await open_panel(sessions)
    first = await ask(sessions, panel_id, 510000000000000001, "How do you involve industry in teacher training?")
    second = await ask(
        sessions, panel_id, ANONYMOUS_AUTHOR, "What is the most urgent challenge in Norway?", anonymous=True, to="Bohm"
    )
    hidden = await ask(sessions, panel_id, 510000000000000003, "A question a moderator hides from everyone")
    async with sessions.begin() as session:
        await questions.hide_question(session, question_id=hidden.id, moderator_id=MODERATOR)
    await vote(sessions, second.id, 520000000000000001)

    shown = await snapshot(sessions, panel_id)
    assert shown.title == "EU STEM Coalition and STEM platforms across Europe"
    assert shown.panelists[1] == "Mikkel Bohm (Astra)"
    assert [(q.number, q.votes, q.panelist) for q in shown.top] == [
        (second.number, 1, "Mikkel Bohm"),
        (first.number, 0, None),
    ]
    assert shown.now_answering is None and shown.open
    assert (shown.asked, shown.answered) == (2, 0)
    page_data = json.dumps(shown.to_json())
    assert "hides from everyone" not in page_data
    assert str(ANONYMOUS_AUTHOR) not in page_data and "author" not in page_data


async def test_screen_snapshot_never_shows_pending_questions(sessions: Sessions) -> None:
    panel_id = await open_panel(sessions, moderated=True)
    await ask(sessions, panel_id, 510000000000000001, "Waiting for a moderator to approve this one")
    shown = await snapshot(sessions, panel_id)
    assert shown.top == () and shown.asked == 0


async def test_screen_snapshot_now_answering_stays_when_outvoted(sessions: Sessions) -> None:
    panel_id = await open_panel(sessions)
    first = await ask(sessions, panel_id, 510000000000000001, "How do regional networks share their practices?")
    async with sessions.begin() as session:
        await questions.advance_panel(session, panel_id=panel_id, moderator_id=MODERATOR)
    for index in range(screens.SCREEN_TOP + 1):
        newer = await ask(
            sessions, panel_id, 511000000000000000 + index, f"Newer question {index} on roles", allow_similar=True
        )
        await vote(sessions, newer.id, 520000000000000001)

    shown = await snapshot(sessions, panel_id)
    assert shown.now_answering is not None and shown.now_answering.number == first.number
    assert len(shown.top) == screens.SCREEN_TOP
    assert first.number not in [q.number for q in shown.top]


async def test_panel_fingerprint_changes_with_what_the_screen_shows(sessions: Sessions) -> None:
    panel_id = await open_panel(sessions)
    token = await new_screen(sessions, panel_id)
    seen = [await fingerprint(sessions, panel_id)]
    assert seen[0] is not None and seen[0].active_screens == {screens.hash_token(token)}
    assert await fingerprint(sessions, panel_id) == seen[0]

    question = await ask(sessions, panel_id, 510000000000000001, "How do you measure the impact of role models?")
    seen.append(await fingerprint(sessions, panel_id))
    await vote(sessions, question.id, 520000000000000001)
    seen.append(await fingerprint(sessions, panel_id))
    async with sessions.begin() as session:
        await questions.advance_panel(session, panel_id=panel_id, moderator_id=MODERATOR)
    seen.append(await fingerprint(sessions, panel_id))
    async with sessions.begin() as session:
        await questions.hide_question(session, question_id=question.id, moderator_id=MODERATOR)
    seen.append(await fingerprint(sessions, panel_id))
    async with sessions.begin() as session:
        await screens.revoke_screens(session, panel_id=panel_id)
    seen.append(await fingerprint(sessions, panel_id))
    assert len(set(seen)) == len(seen)
    assert seen[-1] is not None and seen[-1].active_screens == frozenset()
    assert await fingerprint(sessions, panel_id + 1) is None
