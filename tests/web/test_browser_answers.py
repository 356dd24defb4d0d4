"""The presenter page in a real browser shows a moderator's written answer once the question is answered."""

from __future__ import annotations

from playwright.async_api import Browser, expect
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import question_moderation, questions
from db.session_state import Changes
from tests.db.test_panels import MODERATOR, ask
from tests.web.conftest import RunningWeb, Screen
from tests.web.test_browser import ARTIFACTS, LIVE, browser, chromium, open_screen_page  # noqa: F401 (fixtures)

Sessions = async_sessionmaker[AsyncSession]


async def test_screen_page_shows_written_answer_under_answered_question(
    browser: Browser,  # noqa: F811 (fixture)
    web: RunningWeb,
    screen: Screen,
    sessions: Sessions,
) -> None:
    question = await ask(sessions, screen.panel_id, 510000000000000001, "How do you keep industry partners involved?")
    page = await open_screen_page(browser, screen.path(web.url))
    await expect(page.locator("#top-list li")).to_have_count(1)
    await expect(page.locator("#answers")).to_be_hidden()
    async with sessions.begin() as session:
        await question_moderation.answer_question(
            session, question_id=question.id, moderator_id=MODERATOR, text="<b>Mentors</b> from 40 companies."
        )
        await questions.mark_answered(session, question_id=question.id, moderator_id=MODERATOR)
    web.hub.follow(Changes(panels={screen.panel_id}))
    await expect(page.locator("#answers")).to_be_visible(timeout=LIVE)
    await expect(page.locator("#answers-list li")).to_contain_text("How do you keep industry partners involved?")
    # Member and moderator text is shown as typed, never as markup.
    await expect(page.locator("#answers-list .answer")).to_have_text("<b>Mentors</b> from 40 companies.")
    await page.screenshot(path=ARTIFACTS / "screen-answers-1920x1080.png")
    assert await page.evaluate("window.cspViolations") == []
