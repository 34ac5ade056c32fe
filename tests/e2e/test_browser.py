"""The main flow in a real browser: Debian's chromium, driven by Playwright, against the app on loopback."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import uvicorn
from openpyxl import load_workbook
from playwright.async_api import Browser, Page, async_playwright, expect
from starlette.applications import Starlette

from podium.platform.users.models import User
from podium.tooling.services import free_port
from tests.conftest import BASE_URL, JobRunner, SmtpSink
from tests.factories import PASSWORD, make_summit
from tests.helpers import links_in

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
async def server(app: Starlette) -> AsyncIterator[str]:
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning")
    instance = uvicorn.Server(config)
    task = asyncio.create_task(instance.serve())
    while not instance.started:
        await asyncio.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    await task


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    # No skip: the browser is part of the suite; `make test` installs chromium.
    assert shutil.which(CHROMIUM), "chromium is missing: apt-get install chromium"
    async with async_playwright() as playwright:
        instance = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        await instance.close()


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(locale="en-US", timezone_id="Europe/Berlin")
    tab = await context.new_page()
    yield tab
    await context.close()


async def test_sign_up_verify_sign_in_and_switch_to_chinese(
    server: str, page: Page, run_jobs: JobRunner, mailbox: SmtpSink
) -> None:
    await make_summit(slug="ges", name_en="Global Entrepreneur Summit", name_zh="全球创业者峰会")
    await page.goto(server + "/")
    await expect(page.locator("h1")).to_have_text("Summits and competitions")

    await page.get_by_role("link", name="Sign up").click()
    await page.get_by_label("Your name").fill("Mei Lin")
    await page.get_by_label("E-mail address").fill("mei.lin@example.com")
    await page.get_by_label("Password").fill("short")
    await page.get_by_role("button", name="Sign up").click()
    # The form comes back with the field's message and keeps what was typed.
    await expect(page.locator("#password-error")).to_have_text("Use at least 10 characters.")
    await expect(page.get_by_label("E-mail address")).to_have_value("mei.lin@example.com")

    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign up").click()
    await expect(page.locator("h1")).to_have_text("Check your e-mail")

    await run_jobs.run()
    link = next(url for url in links_in(mailbox.messages[-1]) if "/verify/" in url)
    await page.goto(link.replace(BASE_URL, server))
    await expect(page.locator(".notice")).to_have_text("Thank you: your e-mail address is verified.")

    await page.get_by_label("E-mail address").fill("mei.lin@example.com")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    await expect(page.get_by_role("link", name="Global Entrepreneur Summit")).to_be_visible()

    await page.get_by_role("button", name="中文").click()
    await expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    await expect(page.locator("h1")).to_have_text("峰会与大赛")
    await expect(page.get_by_role("link", name="全球创业者峰会")).to_be_visible()
    await expect(page.get_by_role("button", name="退出登录")).to_be_visible()
    assert (await User.get(email="mei.lin@example.com")).locale == "zh_Hans"
    # The browser's time zone reached the server through the tz cookie (no inline script needed).
    cookies = {c["name"]: c["value"] for c in await page.context.cookies()}
    assert cookies["podium_tz"] == "Europe/Berlin"


async def test_entrant_applies_with_a_team_and_a_deck_and_the_organizer_finds_and_exports_it(
    server: str, browser: Browser, run_jobs: JobRunner, mailbox: SmtpSink, tmp_path: Path
) -> None:
    from datetime import timedelta

    from podium.competitions.models import Division, Project, Round, Track
    from podium.platform.i18n import utcnow
    from podium.platform.summits.models import Role
    from tests.factories import grant, make_competition, make_user

    summit = await make_summit(slug="ges", name_en="GES 2026")
    competition = await make_competition(summit=summit, slug="gec", name_en="Global Entrepreneurship Competition")
    await Track.create(competition=competition, name_en="Medicine and health")
    await Division.create(competition=competition, name_en="Overseas")
    await Round.create(
        competition=competition,
        position=1,
        name_en="Online review",
        status="open",
        submissions_close_at=utcnow() + timedelta(days=10),
    )
    await make_user(email="founder@example.com")
    await grant(summit, await make_user(email="org@example.com"), Role.ORGANIZER)

    entrant = await (await browser.new_context(locale="en-US")).new_page()
    await entrant.goto(server + "/signin")
    await entrant.get_by_label("E-mail address").fill("founder@example.com")
    await entrant.get_by_label("Password").fill(PASSWORD)
    await entrant.get_by_role("button", name="Sign in").click()
    await entrant.goto(server + "/summits/ges/competitions/gec")
    await entrant.get_by_role("link", name="Apply").click()
    await entrant.get_by_label("Project title").fill("Cardio Patch")
    await entrant.get_by_label("Track").select_option(label="Medicine and health")
    await entrant.get_by_label("Division").select_option(label="Overseas")
    await entrant.get_by_role("button", name="Create the draft").click()
    await expect(entrant.locator("h1")).to_have_text("Cardio Patch")

    # Typing is enough: the page saves by itself, and the text is there after a reload.
    await entrant.get_by_label("Summary").fill("A wearable patch that reads the heart's rhythm.")
    await expect(entrant.locator(".autosave-status")).to_have_text("All changes saved.")
    await entrant.reload()
    await expect(entrant.get_by_label("Summary")).to_have_value("A wearable patch that reads the heart's rhythm.")

    # Invite a co-founder, who accepts from the mailed link in their own browser.
    await entrant.get_by_label("E-mail address").fill("cto@example.com")
    await entrant.locator("#member-name").fill("Ming Zhou")
    await entrant.locator("#member-role").fill("CTO")
    await entrant.locator("#member-equity").fill("20")
    await entrant.get_by_role("button", name="Send the invitation").click()
    await expect(entrant.locator(".notice")).to_have_text("The invitation is on its way.")
    await run_jobs.run()
    invitation = next(u for m in mailbox.messages for u in links_in(m) if "/invitations/" in u)
    await make_user(email="cto@example.com")
    teammate = await (await browser.new_context(locale="en-US")).new_page()
    await teammate.goto(invitation.replace(BASE_URL, server))
    await teammate.get_by_role("link", name="Sign in to join").click()
    await teammate.get_by_label("E-mail address").fill("cto@example.com")
    await teammate.get_by_label("Password").fill(PASSWORD)
    await teammate.get_by_role("button", name="Sign in").click()
    await teammate.get_by_role("button", name="Join the team").click()
    await expect(teammate.locator(".notice")).to_have_text("Welcome to the team. You can now edit this project.")
    await teammate.context.close()

    # Upload the pitch deck.
    deck = tmp_path / "Cardio Patch deck.pdf"
    deck.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    await entrant.locator("#deck-deck").set_input_files(str(deck))
    await entrant.get_by_role("button", name="Upload the deck").click()
    await expect(entrant.locator(".notice")).to_have_text("The pitch deck is uploaded.")
    await expect(entrant.get_by_role("link", name="Cardio Patch deck.pdf")).to_be_visible()

    await entrant.get_by_role("button", name="Submit the application").click()
    await expect(entrant.locator(".notice")).to_contain_text("Your project is submitted.")
    assert (await Project.get(title="Cardio Patch")).status == "submitted"

    organizer = await (await browser.new_context(locale="en-US")).new_page()
    await organizer.goto(server + "/signin")
    await organizer.get_by_label("E-mail address").fill("org@example.com")
    await organizer.get_by_label("Password").fill(PASSWORD)
    await organizer.get_by_role("button", name="Sign in").click()
    await organizer.goto(f"{server}/organize/competitions/{competition.id}/projects")
    await organizer.get_by_label("Search").fill("wearable heart")
    await organizer.get_by_role("button", name="Show").click()
    await expect(organizer.get_by_role("link", name="Cardio Patch")).to_be_visible()
    async with organizer.expect_download() as download_info:
        await organizer.get_by_role("link", name="XLSX").click()
    download = await download_info.value
    assert download.suggested_filename == "gec-projects.xlsx"
    saved = tmp_path / download.suggested_filename
    await download.save_as(saved)
    book = load_workbook(saved)
    titles = [row[1].value for row in book.active.iter_rows(min_row=2)]
    assert titles == ["Cardio Patch"]
    header = [cell.value for cell in book.active[1]]
    assert "Ming Zhou <cto@example.com> CTO 20.00%" in book.active.cell(row=2, column=header.index("team") + 1).value
    await entrant.context.close()
    await organizer.context.close()
