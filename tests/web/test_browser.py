"""The presenter page in a real browser (Debian's chromium driven by Playwright): live updates, escaping, revoke.

Screenshots go to test-artifacts/ for a person to check the page reads from the back of a room.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import questions, screens
from db.session_state import Changes
from tests.db.test_panels import MODERATOR, ask
from tests.web.conftest import RunningWeb, Screen

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LIVE = 2000  # ms: a change must be on the screen within this
Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
def chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `bash scripts/browser` (as root) to install Debian's chromium")
    return CHROMIUM


@pytest.fixture
async def browser(chromium: Path) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS)
        yield browser
        await browser.close()


async def open_screen_page(
    browser: Browser, url: str, *, width: int = 1920, height: int = 1080, live: str = "Live"
) -> Page:
    ARTIFACTS.mkdir(exist_ok=True)
    page = await browser.new_page(viewport={"width": width, "height": height})
    page.on("dialog", lambda dialog: pytest.fail(f"the page ran member text as code: {dialog.message}"))
    await page.add_init_script(
        "window.cspViolations = [];"
        "document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(e.violatedDirective));"
    )
    response = await page.goto(url)
    assert response is not None and response.status == 200
    await expect(page.locator("#status")).to_have_text(live, timeout=LIVE)
    return page


async def vote(sessions: Sessions, question_id: int, member_id: int) -> None:
    async with sessions.begin() as session:
        await session.run_sync(questions.toggle_vote, question_id=question_id, member_id=member_id)


async def test_screen_page_shows_questions_live_and_reads_from_afar(
    browser: Browser, web: RunningWeb, screen: Screen, sessions: Sessions
) -> None:
    first = await ask(sessions, screen.panel_id, 510000000000000001, "How do you keep industry partners involved?")
    page = await open_screen_page(browser, screen.path(web.url))
    await expect(page.locator("#title")).to_have_text("EU STEM Coalition and STEM platforms across Europe")
    await expect(page.locator("#panelists")).to_contain_text("Mikkel Bohm (Astra)")
    await expect(page.locator("#top-list li")).to_have_count(1)

    second = await ask(
        sessions,
        screen.panel_id,
        510000000000000002,
        "What would you change first to get more girls into engineering programmes?",
        anonymous=True,
        to="Lundell",
    )
    web.hub.follow(Changes(panels={screen.panel_id}))
    await expect(page.locator("#top-list li")).to_have_count(2, timeout=LIVE)
    for member in (520000000000000001, 520000000000000002):
        await vote(sessions, second.id, member)
    web.hub.follow(Changes(panels={screen.panel_id}))
    await expect(page.locator("#top-list li").first).to_contain_text("more girls into engineering", timeout=LIVE)
    await expect(page.locator("#top-list li .count").first).to_have_text("2", timeout=LIVE)

    async with sessions.begin() as session:
        await questions.advance_panel(session, panel_id=screen.panel_id, moderator_id=MODERATOR)
    web.hub.follow(Changes(panels={screen.panel_id}))
    await expect(page.locator("#now-text")).to_have_text(second.text, timeout=LIVE)
    await expect(page.locator("#now-to")).to_have_text("for Jan Lundell")
    await expect(page.locator("#now-votes")).to_have_text("▲ 2 votes")
    await expect(page.locator("#counts")).to_have_text("2 asked · 0 answered")
    await expect(page.locator("#top-list li")).to_have_count(1)
    await expect(page.locator("#top-list li")).to_contain_text(first.text)

    for index, text in enumerate(
        (
            "Which of your teacher-training programmes had the biggest measurable effect, and how was it measured?",
            "How can smaller countries join the coalition's taskforces?",
            "Does regional funding make national platforms harder to run?",
        )
    ):
        await ask(sessions, screen.panel_id, 510000000000000010 + index, text)
    web.hub.follow(Changes(panels={screen.panel_id}))
    await expect(page.locator("#top-list li")).to_have_count(4, timeout=LIVE)
    # From the back of a room: the question being answered is large, the list still clearly legible.
    now_size = await page.locator("#now-text").evaluate("node => parseFloat(getComputedStyle(node).fontSize)")
    list_size = await page.locator("#top-list li").first.evaluate("node => parseFloat(getComputedStyle(node).fontSize)")
    assert now_size >= 56 and list_size >= 26
    await page.screenshot(path=ARTIFACTS / "screen-1920x1080.png")
    await page.set_viewport_size({"width": 1366, "height": 768})
    await page.screenshot(path=ARTIFACTS / "screen-1366x768.png")
    # Nothing spills out of the screen on a laptop either, and the policy blocked nothing the page needs.
    assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert await page.evaluate("window.cspViolations") == []


async def test_screen_page_shows_member_text_as_text(
    browser: Browser, web: RunningWeb, screen: Screen, sessions: Sessions
) -> None:
    page = await open_screen_page(browser, screen.path(web.url))
    script = "<script>alert(1)</script> is this escaped?"
    image = '<img src=x onerror="alert(2)"> what about images?'
    await ask(sessions, screen.panel_id, 510000000000000001, script)
    await ask(sessions, screen.panel_id, 510000000000000002, image)
    web.hub.follow(Changes(panels={screen.panel_id}))
    await expect(page.locator("#top-list li")).to_have_count(2, timeout=LIVE)
    await expect(page.locator("#top-list")).to_contain_text(script)
    await expect(page.locator("#top-list")).to_contain_text(image)
    assert await page.locator("#top-list script, #top-list img").count() == 0


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1366, 768)])
async def test_screen_page_fits_the_longest_question_on_screen(
    browser: Browser, web: RunningWeb, screen: Screen, sessions: Sessions, width: int, height: int
) -> None:
    longest = ("Could the panel say how national platforms measure impact over many years? " * 7)[:500]
    await ask(sessions, screen.panel_id, 510000000000000001, longest)
    async with sessions.begin() as session:
        await questions.advance_panel(session, panel_id=screen.panel_id, moderator_id=MODERATOR)
    page = await open_screen_page(browser, screen.path(web.url), width=width, height=height)
    await expect(page.locator("#now-text")).to_have_text(longest)
    text, votes = await page.locator("#now-text").bounding_box(), await page.locator("#now-votes").bounding_box()
    assert text is not None and votes is not None
    assert text["y"] + text["height"] <= votes["y"] and votes["y"] + votes["height"] <= height
    assert await page.locator("#now-text").evaluate("node => node.scrollHeight <= node.clientHeight")
    await page.screenshot(path=ARTIFACTS / f"screen-longest-{width}x{height}.png")


async def test_screen_page_revoked_link_is_404_and_an_open_page_goes_blank(
    browser: Browser, web: RunningWeb, screen: Screen, sessions: Sessions
) -> None:
    await ask(sessions, screen.panel_id, 510000000000000001, "A question that must disappear on revoke")
    page = await open_screen_page(browser, screen.path(web.url))
    await expect(page.locator("#top-list li")).to_have_count(1)
    async with sessions.begin() as session:
        await screens.revoke_screens(session, panel_id=screen.panel_id)
    web.hub.follow(Changes(panels={screen.panel_id}))
    await expect(page.locator("#status")).to_have_text("This screen link was revoked.", timeout=LIVE)
    await expect(page.locator("#top-list li")).to_have_count(0)

    fresh = await browser.new_page()
    response = await fresh.goto(screen.path(web.url))
    assert response is not None and response.status == 404
    await expect(fresh.locator("body")).to_contain_text("unknown or was revoked")


async def test_screen_page_speaks_the_servers_language(
    browser: Browser, german_web: RunningWeb, screen: Screen, sessions: Sessions
) -> None:
    page = await open_screen_page(browser, screen.path(german_web.url), live="Live")
    assert await page.get_attribute("html", "lang") == "de"
    await expect(page.locator("#now h2")).to_have_text("Jetzt beantwortet")
    await expect(page.locator("#top-empty")).to_have_text(
        "Noch keine offenen Fragen. Frag mit /frage-stellen in Discord."
    )
    question = await ask(
        sessions, screen.panel_id, 510000000000000001, "Wie haltet ihr Industriepartner bei der Stange?", to="Lundell"
    )
    await vote(sessions, question.id, 520000000000000001)
    async with sessions.begin() as session:
        await questions.advance_panel(session, panel_id=screen.panel_id, moderator_id=MODERATOR)
    german_web.hub.follow(Changes(panels={screen.panel_id}))
    await expect(page.locator("#now-text")).to_have_text(question.text, timeout=LIVE)
    await expect(page.locator("#now-to")).to_have_text("für Jan Lundell")
    await expect(page.locator("#now-votes")).to_have_text("▲ 1 Stimme")
    await expect(page.locator("#counts")).to_have_text("1 gestellt · 0 beantwortet")
    assert await page.title() == "EU STEM Coalition and STEM platforms across Europe · Fragen"
    async with sessions.begin() as session:
        await screens.revoke_screens(session, panel_id=screen.panel_id)
    german_web.hub.follow(Changes(panels={screen.panel_id}))
    await expect(page.locator("#status")).to_have_text("Dieser Bildschirm-Link wurde widerrufen.", timeout=LIVE)
    fresh = await browser.new_page()
    response = await fresh.goto(screen.path(german_web.url))
    assert response is not None and response.status == 404
    await expect(fresh.locator("body")).to_contain_text("unbekannt oder wurde widerrufen")
