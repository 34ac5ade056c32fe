"""A ticket in a real browser: bought through the fake Stripe Checkout, e-mailed, opened, and checked in at the
door on a phone, where a second phone, and a third one scanning the QR code with its (fake) camera, are told it
was already checked in."""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import pytest
import segno
from PIL import Image
from playwright.async_api import Browser, Page, async_playwright, expect

from podium.platform.audit import AuditEntry
from podium.platform.registration.models import Order, OrderStatus, Ticket, TicketType
from podium.platform.summits.models import Role
from tests.conftest import BASE_URL, JobRunner, SmtpSink
from tests.e2e import test_browser
from tests.e2e.test_judging_browser import _WIDER_THAN, _sign_in
from tests.factories import grant, make_summit, make_user
from tests.helpers import links_in

pytestmark = pytest.mark.browser

# The session's uvicorn on loopback, shared with the other browser tests.
server = test_browser.server

PHONE = {"width": 390, "height": 844}
ALL_IN = 'tr[data-type="all"] [data-field="checked_in"]'  # the total checked in, on the door's page
ALREADY = re.compile(r"^Already checked in at .+ by North Door\.$")
# The order page polls every few seconds; the door page answers at once but gets room on a slow machine.
PAID = 20_000
ANSWERED = 10_000


def _args(server: str) -> list[str]:
    """Chromium's flags, reaching the app at its own address, BASE_URL, as a buyer would: the fake Checkout's
    links, its webhook's success page and the e-mailed links all name that address, not the loopback port."""
    host = BASE_URL.removeprefix("http://")
    port = server.rsplit(":", 1)[1]
    return [*test_browser.CHROMIUM_ARGS, f"--host-resolver-rules=MAP {host} 127.0.0.1:{port}"]


@pytest.fixture
async def site(server: str) -> AsyncIterator[Browser]:
    assert shutil.which(test_browser.CHROMIUM), "chromium is missing: apt-get install chromium"
    async with async_playwright() as playwright:
        instance = await playwright.chromium.launch(
            executable_path=test_browser.CHROMIUM, headless=True, args=_args(server)
        )
        yield instance
        await instance.close()


def _qr_video(text: str, path: Path, width: int = 640, height: int = 480) -> None:
    """A few frames of a camera pointed at the QR code of `text`, as the Y4M video chromium's fake camera plays."""
    png = io.BytesIO()
    segno.make(text, error="m").save(png, kind="png", scale=8, border=4)
    code = Image.open(png).convert("RGB")
    frame = Image.new("RGB", (width, height), "white")
    frame.paste(code, ((width - code.width) // 2, (height - code.height) // 2))
    luma, blue, red = frame.convert("YCbCr").split()
    planes = luma.tobytes() + blue.resize((width // 2, height // 2)).tobytes()
    planes += red.resize((width // 2, height // 2)).tobytes()
    with path.open("wb") as video:
        video.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _frame in range(10):
            video.write(b"FRAME\n" + planes)


async def _phone(site: Browser, email: str) -> Page:
    context = await site.new_context(
        locale="en-US", timezone_id="Asia/Shanghai", viewport=PHONE, is_mobile=True, has_touch=True
    )
    page = await context.new_page()
    await _sign_in(page, BASE_URL, email)
    return page


async def test_buy_a_paid_ticket_receive_it_open_it_and_check_it_in_on_a_phone(
    server: str, site: Browser, run_jobs: JobRunner, mailbox: SmtpSink, tmp_path: Path
) -> None:
    start = date.today() + timedelta(days=30)
    summit = await make_summit(
        slug="ges", name_en="Global Entrepreneur Summit", starts_on=start, ends_on=start + timedelta(days=2)
    )
    await TicketType.create(
        summit=summit, name_en="Expo pass", name_zh="展览通票", price=12800, currency="CNY", capacity=50
    )
    north = await make_user(email="north@example.com", name="North Door")
    south = await make_user(email="south@example.com", name="South Door")
    for person in (north, south):
        await grant(summit, person, Role.STAFF)

    # The buyer orders without an account and pays on the fake Checkout page.
    buyer = await (await site.new_context(locale="en-US")).new_page()
    await buyer.goto(f"{BASE_URL}/summits/ges/tickets")
    await buyer.get_by_role("button", name="Buy").click()
    await buyer.locator("#email").fill("buyer@example.com")
    await buyer.get_by_label("Name on the ticket").fill("Mei Lin")
    await buyer.locator('[id="attendees.0.email"]').fill("mei.lin@example.com")
    await buyer.get_by_role("button", name="Continue to payment").click()
    await expect(buyer.locator("h1")).to_have_text("Test payment: no money moves")
    await expect(buyer.locator("main")).to_contain_text("Amount: CN¥128.00")
    await buyer.get_by_role("button", name="Pay (test, no money moves)").click()
    await expect(buyer.locator(".order-state")).to_contain_text("waiting for payment")
    # The signed webhook reached the app; its job confirms the order, and the page notices by itself.
    await run_jobs.run()
    await expect(buyer.locator(".order-state")).to_contain_text("confirmed", timeout=PAID)
    assert (await Order.get(email="buyer@example.com")).status == OrderStatus.PAID

    # The attendee's e-mail carries the ticket's page.
    await run_jobs.run()
    mail = next(m for m in mailbox.messages if m["To"] == "mei.lin@example.com")
    assert mail["Subject"] == "Your ticket to Global Entrepreneur Summit"
    link = next(url for url in links_in(mail) if "/tickets/" in url)
    ticket = await Ticket.get(email="mei.lin@example.com")
    assert link == f"{BASE_URL}/tickets/{ticket.code}"
    attendee = await (await site.new_context(locale="en-US")).new_page()
    await attendee.goto(link)
    await expect(attendee.locator("h1")).to_have_text("Mei Lin")
    await expect(attendee.locator(".ticket-qr svg")).to_be_visible()
    await expect(attendee.locator(".ticket-facts")).to_contain_text(ticket.code)

    # Two door phones find the ticket by the start of its code (a headless browser has no camera).
    door = await _phone(site, north.email)
    other_door = await _phone(site, south.email)
    for phone in (door, other_door):
        await phone.goto(f"{BASE_URL}/staff/summits/ges/checkin")
        await expect(phone.locator("h1")).to_have_text("Check-in")
        await phone.get_by_label("Name, e-mail or ticket code").fill(ticket.code[:10])
        await phone.get_by_role("button", name="Search").click()
        await expect(phone.locator(".checkin-row")).to_have_count(1)
        await expect(phone.locator(".checkin-row")).to_contain_text("Mei Lin")
    await expect(door.locator(ALL_IN)).to_have_text("0")
    assert await door.evaluate(_WIDER_THAN, PHONE["width"]) == []

    await door.get_by_role("button", name="Admit").click()
    result = door.locator("#checkin-result")
    await expect(result.locator(".result-status")).to_have_text("Admitted", timeout=ANSWERED)
    await expect(result).to_contain_text("Mei Lin")
    await expect(result).to_contain_text("Expo pass")
    await expect(result).to_have_class(re.compile(r"\bresult-admitted\b"))
    await expect(door.locator(".checkin-row .badge-in")).to_contain_text("North Door")
    await expect(door.locator(ALL_IN)).to_have_text("1")
    assert await door.evaluate(_WIDER_THAN, PHONE["width"]) == []

    # The other phone still shows the button: it is told who was first, and when.
    await other_door.get_by_role("button", name="Admit").click()
    late = other_door.locator("#checkin-result")
    await expect(late.locator(".result-status")).to_have_text("Already checked in", timeout=ANSWERED)
    await expect(late.locator(".result-message")).to_contain_text(
        re.compile(r"^Already checked in at .+ by North Door\.$")
    )
    await expect(late).to_have_class(re.compile(r"\bresult-already\b"))
    # Its counts catch up by themselves.
    await expect(other_door.locator(ALL_IN)).to_have_text("1", timeout=ANSWERED)

    # A third phone points its camera at the ticket's QR code: the vendored scanner reads the ticket's address.
    video = tmp_path / "ticket-qr.y4m"
    _qr_video(link, video)
    camera_flags = [
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
        f"--unsafely-treat-insecure-origin-as-secure={BASE_URL}",  # production is https; the camera needs it
    ]
    camera_browser = await site.browser_type.launch(
        executable_path=test_browser.CHROMIUM, headless=True, args=[*_args(server), *camera_flags]
    )
    try:
        camera = await _phone(camera_browser, south.email)
        await camera.goto(f"{BASE_URL}/staff/summits/ges/checkin")
        await camera.get_by_role("button", name="Scan a ticket").click()
        scanned = camera.locator("#checkin-result")
        await expect(scanned.locator(".result-status")).to_have_text("Already checked in", timeout=ANSWERED)
        await expect(scanned.locator(".result-message")).to_contain_text(ALREADY)
        await expect(scanned).to_contain_text("Mei Lin")
        await camera.get_by_role("button", name="Stop the camera").click()
        await expect(camera.locator("#scan-video")).to_be_hidden()
    finally:
        await camera_browser.close()
    stored = await Ticket.get(id=ticket.id)
    assert stored.checked_in_by_id == north.id
    assert await AuditEntry.filter(action="registration.ticket_checked_in").count() == 1
