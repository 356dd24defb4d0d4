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
            session,
            question_id=question.id,
            member_id=MODERATOR,
            text="<b>Mentors</b> from 40 companies.",
            moderator=True,
        )
        await questions.mark_answered(session, question_id=question.id, moderator_id=MODERATOR)
    web.hub.follow(Changes(panels={screen.panel_id}))
    await expect(page.locator("#answers")).to_be_visible(timeout=LIVE)
    await expect(page.locator("#answers-list li")).to_contain_text("How do you keep industry partners involved?")
    # Member and moderator text is shown as typed, never as markup.
    await expect(page.locator("#answers-list .answer")).to_have_text("<b>Mentors</b> from 40 companies.")
    await page.screenshot(path=ARTIFACTS / "screen-answers-1920x1080.png")
    assert await page.evaluate("window.cspViolations") == []


async def test_screen_page_with_label_shows_only_that_labels_questions(
    browser: Browser,  # noqa: F811 (fixture)
    web: RunningWeb,
    screen: Screen,
    sessions: Sessions,
) -> None:
    await ask(sessions, screen.panel_id, 510000000000000001, "How do companies take part in LUMA?", label="Industry")
    await ask(sessions, screen.panel_id, 510000000000000002, "What would you change first?", to="Lundell")
    everything = await open_screen_page(browser, screen.path(web.url))
    await expect(everything.locator("#top-list li")).to_have_count(2)
    await expect(everything.locator("#label")).to_be_hidden()
    page = await open_screen_page(browser, screen.path(web.url) + "?label=Industry%20involvement")
    await expect(page.locator("#label")).to_have_text("Industry involvement")
    await expect(page.locator("#top-list li")).to_have_count(1)
    await expect(page.locator("#top-list li")).to_contain_text("How do companies take part in LUMA?")
    # A new question with the label reaches the filtered screen live; one without it does not.
    await ask(sessions, screen.panel_id, 510000000000000003, "Which firms fund the clubs?", label="Industry")
    await ask(sessions, screen.panel_id, 510000000000000004, "What is most urgent now?", label="Urgent")
    web.hub.follow(Changes(panels={screen.panel_id}))
    await expect(page.locator("#top-list li")).to_have_count(2, timeout=LIVE)
    await expect(page.locator("#top-list")).not_to_contain_text("most urgent")
    await page.screenshot(path=ARTIFACTS / "screen-label-1920x1080.png")
    assert await page.evaluate("window.cspViolations") == []
