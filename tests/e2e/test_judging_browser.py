"""Judging in a real browser: a judge scores on a desktop with autosave, and follows a live round on a phone."""

from __future__ import annotations

import re
from decimal import Decimal

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from podium.judging.models import Assignment, AssignmentStatus, Criterion, PitchSlot, Rubric, Score
from tests.e2e import test_browser
from tests.factories import PASSWORD
from tests.helpers import post_form, sign_in
from tests.judging.test_judging import _assign, _judged_round

pytestmark = pytest.mark.browser

# The session's uvicorn on loopback and its headless chromium, shared with the other browser tests.
server = test_browser.server
browser = test_browser.browser

# Autosave waits 1.5 s after typing; the live page polls every 3 s. Both get room on a slow machine.
SAVED = 10_000
FOLLOWS = 15_000

# Elements sticking out to the right of the screen, for the message when a phone page scrolls sideways.
_WIDER_THAN = """(width) => Array.from(document.querySelectorAll("body *"))
  .filter((el) => el.getBoundingClientRect().right > width + 0.5)
  .map((el) => [el.tagName.toLowerCase(), el.id, el.getAttribute("class"), el.getBoundingClientRect().right])"""


async def _sign_in(page: Page, base: str, email: str) -> None:
    await page.goto(base + "/signin")
    await page.get_by_label("E-mail address").fill(email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("button", name="Sign out")).to_be_visible()


async def test_a_judge_scores_with_autosave_is_told_about_an_off_scale_score_and_submits(
    server: str,
    browser: Browser,
) -> None:
    review, (judge,), (project,) = await _judged_round(judges=1, projects=1, k=1)
    card = await Assignment.create(round=review, project=project, judge=judge)
    team, market = await Criterion.filter(rubric__round_id=review.id).order_by("position")

    context = await browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    await _sign_in(page, server, judge.email)
    await page.get_by_role("link", name="Judging").click()
    await expect(page.locator("h1")).to_have_text("Projects to judge")
    await page.get_by_role("link", name=project.title).click()
    await expect(page.locator("h1")).to_have_text(project.title)
    assert page.url == f"{server}/judging/assignments/{card.id}"

    # Typing is enough: no click on Save, and every value is back after a reload.
    await page.get_by_label("Team").fill("8")
    await page.get_by_label("Market").fill("3.5")
    await page.get_by_label("Comment for the organizers").fill("A strong team in a real market.")
    await expect(page.locator(".autosave-status")).to_have_text("All changes saved.", timeout=SAVED)
    await page.reload()
    await expect(page.get_by_label("Team")).to_have_value("8")
    await expect(page.get_by_label("Market")).to_have_value("3.5")
    await expect(page.get_by_label("Comment for the organizers")).to_have_value("A strong team in a real market.")

    # A score off the scale: the message sits beside its field, and what was typed stays in the form.
    await page.get_by_label("Market").fill("4.3")
    await page.get_by_role("button", name="Save", exact=True).click()
    error = page.locator(f"#c_{market.id}-error")
    await expect(error).to_have_text("Give a score from 0 to 5 in steps of 0.5.")
    market_field = page.locator(".field", has=page.locator(f"#c_{market.id}"))
    await expect(market_field.locator(".field-error")).to_have_text("Give a score from 0 to 5 in steps of 0.5.")
    await expect(page.get_by_label("Market")).to_have_attribute("aria-invalid", "true")
    await expect(page.get_by_label("Market")).to_have_attribute("aria-describedby", f"c_{market.id}-error")
    await expect(page.get_by_label("Market")).to_have_value("4.3")
    await expect(page.get_by_label("Team")).to_have_value("8")
    await expect(page.get_by_label("Comment for the organizers")).to_have_value("A strong team in a real market.")
    assert {s.criterion_id: s.value for s in await Score.filter(assignment_id=card.id)} == {
        team.id: Decimal("8"),
        market.id: Decimal("3.5"),
    }

    await page.get_by_label("Market").fill("4.5")
    await page.get_by_role("button", name="Submit the scorecard").click()
    await expect(page.locator(".notice")).to_have_text("Your scorecard is submitted. Thank you!")
    for field in ("Team", "Market", "Comment for the organizers"):
        await expect(page.get_by_label(field)).to_be_disabled()
    await expect(page.get_by_label("Market")).to_have_value("4.5")
    await expect(page.get_by_role("button", name="Submit the scorecard")).to_have_count(0)

    card = await Assignment.get(id=card.id)
    assert card.status == AssignmentStatus.SUBMITTED
    assert card.submitted_at is not None
    assert card.comment == "A strong team in a real market."
    assert {s.criterion_id: s.value for s in await Score.filter(assignment_id=card.id)} == {
        team.id: Decimal("8"),
        market.id: Decimal("4.5"),
    }
    await context.close()


async def test_a_judges_phone_follows_the_stage_and_autosaves_the_running_slots_score(
    server: str,
    browser: Browser,
    client: httpx.AsyncClient,
) -> None:
    review, (judge,), field = await _judged_round(judges=1, projects=2, k=1)
    await Rubric.filter(round_id=review.id).update(live=True, grace_minutes=2)
    await _assign(client, review)
    await sign_in(client, "org@ges.example")
    built = await post_form(
        client,
        f"/organize/rounds/{review.id}/schedule",
        {"pitch_minutes": "7", "qa_minutes": "3"},
        page=f"/organize/rounds/{review.id}/judging",
    )
    assert built.status_code == 303
    first = await PitchSlot.filter(round_id=review.id).order_by("position").first()
    assert first is not None
    on_stage = next(p for p in field if p.id == first.project_id)
    team = await Criterion.get(rubric__round_id=review.id, position=1)

    context = await browser.new_context(
        locale="en-US", viewport={"width": 390, "height": 844}, device_scale_factor=3, is_mobile=True, has_touch=True
    )
    phone = await context.new_page()
    await _sign_in(phone, server, judge.email)
    await phone.goto(f"{server}/judging/live/{review.id}")
    await expect(phone.locator("h1")).to_have_text("Waiting for the first pitch")
    await _assert_fits_the_screen(phone)

    started = await post_form(
        client, f"/organize/rounds/{review.id}/slots/{first.id}/start", page=f"/organize/rounds/{review.id}/stage"
    )
    assert started.status_code == 303

    # The page notices the new slot by itself (it polls every 3 s) and shows the team and the pitch clock.
    await expect(phone.locator("h1")).to_have_text(on_stage.title, timeout=FOLLOWS)
    await expect(phone.locator("#phase")).to_have_text("Pitch")
    await expect(phone.locator("#clock")).to_have_text(re.compile(r"^(7:00|6:[0-5]\d)$"))
    await _assert_fits_the_screen(phone)

    await phone.get_by_label("Team").fill("9")
    await expect(phone.locator(".autosave-status")).to_have_text("All changes saved.", timeout=SAVED)
    card = await Assignment.get(round_id=review.id, judge_id=judge.id, project_id=on_stage.id)
    assert [(s.criterion_id, s.value) for s in await Score.filter(assignment_id=card.id)] == [(team.id, Decimal("9"))]
    assert card.status == AssignmentStatus.ASSIGNED
    await _assert_fits_the_screen(phone)
    await context.close()


async def _assert_fits_the_screen(page: Page) -> None:
    # Compared with the screen's width, not window.innerWidth: an emulated phone (is_mobile) widens its layout
    # viewport to fit content that overflows, so innerWidth grows with the overflow and would always pass.
    assert page.viewport_size is not None
    screen = page.viewport_size["width"]
    assert await page.evaluate("() => document.documentElement.clientWidth") == screen
    scroll_width = await page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= screen, await page.evaluate(_WIDER_THAN, screen)
