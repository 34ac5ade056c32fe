"""Visa invitation letters: passport numbers sealed at rest and shown only to organizers, the attendee's masked
view, bad input shown again with its values, decisions audited and mailed, the bilingual PDF, who may see
what, and the erasure of passport numbers after the summit."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from tortoise import connections
from tortoise.exceptions import IntegrityError

from podium.platform.audit import AuditEntry
from podium.platform.i18n import utcnow
from podium.platform.registration import passports, visa_letter
from podium.platform.registration.models import OrderStatus, Ticket, TicketStatus, VisaRequest, VisaStatus
from podium.platform.registration.services import visas
from podium.platform.summits.models import Role, Summit
from podium.settings import Settings
from podium.workers.registration import erase_passport_numbers
from podium.workers.registry import JOBS
from tests.conftest import BASE_URL, JobRunner, SmtpSink
from tests.factories import grant, make_summit, make_user
from tests.helpers import body_text, count_queries, csrf_token, links_in, sign_in
from tests.registration.conftest import make_ticket_type
from tests.registration.test_checkin import make_ticket

NUMBER = "E12345678"
CJK_FONT = visa_letter.find_cjk_font()


def future_summit(**fields: Any) -> dict[str, Any]:
    start = date.today() + timedelta(days=60)
    return {"starts_on": start, "ends_on": start + timedelta(days=2), **fields}


def request_form(**fields: str) -> dict[str, str]:
    return {
        "passport_name": "MÜLLER, Anna Maria",
        "nationality": "DE",
        "passport_number": "e 1234 5678",  # typed with spaces and in lower case
        "date_of_birth": "1990-05-31",
        "passport_expires_on": (date.today() + timedelta(days=3 * 365)).isoformat(),
        "purpose": "To attend the summit and meet investors.",
        "arrives_on": "",
        "departs_on": "",
        **fields,
    }


async def ask(client: httpx.AsyncClient, ticket: Ticket, **fields: str) -> httpx.Response:
    page = f"/tickets/{ticket.code}/visa"
    token = await csrf_token(client, page)
    return await client.post(page, data={**request_form(**fields), "csrf_token": token})


async def organizer(client: httpx.AsyncClient, summit: Summit, **fields: Any) -> Any:
    user = await make_user(**fields)
    await grant(summit, user, Role.ORGANIZER)
    await sign_in(client, user.email)
    return user


async def decide(client: httpx.AsyncClient, visa: VisaRequest, decision: str, note: str = "") -> httpx.Response:
    token = await csrf_token(client, "/")
    return await client.post(
        f"/organize/visas/{visa.id}/decision", data={"decision": decision, "note": note, "csrf_token": token}
    )


async def test_a_request_seals_the_passport_number_and_the_attendee_sees_it_masked(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    summit = await make_summit(slug="ges", **future_summit())
    ticket = await make_ticket(await make_ticket_type(summit), name="Anna Müller")
    ticket_page = await client.get(f"/tickets/{ticket.code}")
    assert f'href="/tickets/{ticket.code}/visa"' in ticket_page.text

    sent = await ask(client, ticket)
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/tickets/{ticket.code}/visa?notice=visa-requested"
    visa = await VisaRequest.get(ticket_id=ticket.id)
    assert (visa.status, visa.passport_name, visa.nationality) == (VisaStatus.REQUESTED, "MÜLLER, Anna Maria", "DE")
    rows = await connections.get("default").execute_query_dict(
        "SELECT * FROM registration_visa_request WHERE id = $1", [visa.id]
    )
    assert all(NUMBER not in str(value) and "5678" not in str(value) for value in rows[0].values())
    assert passports.open_number(rows[0]["passport_number_sealed"], settings) == NUMBER

    page = await client.get(sent.headers["location"])
    assert "Your request is with the organizers." in page.text
    assert "<code>••••••678</code>" in page.text
    assert NUMBER not in page.text
    assert "Leave it empty to keep ••••••678." in page.text
    entry = await AuditEntry.get(action="registration.visa_requested")
    assert (entry.object_id, entry.data) == (str(visa.id), {"ticket": ticket.id, "again": False})
    assert NUMBER not in str(entry.data)


async def test_bad_input_comes_back_with_the_values_and_a_message_per_field(client: httpx.AsyncClient) -> None:
    summit = await make_summit(**future_summit())
    ticket = await make_ticket(await make_ticket_type(summit))
    bad = await ask(
        client,
        ticket,
        passport_name="",
        nationality="XX",
        passport_number="",
        date_of_birth="31/05/1990",
        passport_expires_on=(date.today() - timedelta(days=1)).isoformat(),
        purpose="Meet investors",
        arrives_on="2026-09-20",
        departs_on="soon",
    )
    assert bad.status_code == 422
    messages = dict(re.findall(r'<p class="field-error" id="([a-z_]+)-error">([^<]+)</p>', bad.text))
    assert messages == {
        "passport_name": "Enter your name exactly as it is printed in your passport.",
        "nationality": "Choose a country from the list.",
        "passport_number": "Enter the passport number as printed: 5 to 20 letters and digits.",
        "date_of_birth": "Enter your date of birth, like 1990-05-31.",
        "passport_expires_on": "This passport has expired. Enter the details of a valid passport.",
        "departs_on": "Enter a date like 2026-09-21, or leave it empty.",
    }
    assert 'value="31/05/1990"' in bad.text
    assert "Meet investors</textarea>" in bad.text
    assert 'value="2026-09-20"' in bad.text
    assert await VisaRequest.all().count() == 0

    short = await ask(client, ticket, passport_expires_on=(summit.ends_on - timedelta(days=1)).isoformat())
    assert short.status_code == 422
    assert "The passport must be valid until at least the summit&#39;s last day," in short.text
    backwards = await ask(client, ticket, arrives_on="2026-09-20", departs_on="2026-09-18")
    assert "The departure must not come before the arrival." in backwards.text
    unborn = await ask(client, ticket, date_of_birth=(date.today() + timedelta(days=1)).isoformat())
    assert "The date of birth must be in the past." in unborn.text
    weird = await ask(client, ticket, passport_number="AB#12")
    assert "Enter the passport number as printed: 5 to 20 letters and digits." in weird.text
    assert await VisaRequest.all().count() == 0


async def test_only_the_summits_organizers_see_passport_numbers(
    app: Starlette, client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    summit = await make_summit(slug="ges", **future_summit())
    other = await make_summit(slug="other")
    ticket = await make_ticket(await make_ticket_type(summit), name="Anna Müller")
    await ask(client, ticket)
    visa = await VisaRequest.get(ticket_id=ticket.id)
    page = "/organize/summits/ges/visas"

    anonymous = await other_client.get(page)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/signin?next=")
    for email, where, role in [
        ("entrant@example.com", None, None),
        ("door@example.com", summit, Role.STAFF),
        ("judge@example.com", summit, Role.JUDGE),
        ("other-organizer@example.com", other, Role.ORGANIZER),
    ]:
        user = await make_user(email=email)
        if where is not None and role is not None:
            await grant(where, user, role)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL) as browser:
            await sign_in(browser, email)
            assert (await browser.get(page)).status_code == 404, email
            assert (await browser.get(f"/organize/visas/{visa.id}/letter")).status_code == 404, email
            assert (await decide(browser, visa, "approve")).status_code == 404, email
    assert (await VisaRequest.get(id=visa.id)).status == VisaStatus.REQUESTED

    await organizer(other_client, summit)
    listing = await other_client.get(page)
    assert listing.status_code == 200
    assert f'<code class="passport-number">{NUMBER}</code>' in listing.text
    assert "MÜLLER, Anna Maria" in listing.text
    assert "Ticket of Anna Müller" in listing.text
    assert "GES-VISA-" in listing.text


async def test_the_organizers_page_costs_the_same_queries_for_one_or_three_requests(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    summit = await make_summit(slug="ges", **future_summit())
    expo = await make_ticket_type(summit)
    await organizer(other_client, summit)

    async def cost() -> int:
        with count_queries() as counter:
            response = await other_client.get("/organize/summits/ges/visas")
        assert response.status_code == 200
        return len(counter.queries)

    await ask(client, await make_ticket(expo))
    one = await cost()
    for _ in range(2):
        await ask(client, await make_ticket(expo))
    assert await cost() == one


async def test_reject_then_approve_are_audited_mailed_and_the_letter_is_a_bilingual_pdf(
    client: httpx.AsyncClient,
    other_client: httpx.AsyncClient,
    run_jobs: JobRunner,
    mailbox: SmtpSink,
) -> None:
    summit = await make_summit(slug="ges", name_en="Global Summit", name_zh="全球峰会", **future_summit())
    ticket = await make_ticket(await make_ticket_type(summit), email="anna@example.com")
    await ask(client, ticket)
    visa = await VisaRequest.get(ticket_id=ticket.id)
    await organizer(other_client, summit, name="Li Wei")

    silent = await decide(other_client, visa, "reject")
    assert silent.status_code == 422
    assert "Tell the attendee why, so that they can correct the request." in silent.text
    rejected = await decide(other_client, visa, "reject", "The name must match the passport's machine-readable zone.")
    assert rejected.status_code == 303
    assert (await VisaRequest.get(id=visa.id)).status == VisaStatus.REJECTED
    await run_jobs.run()
    assert [m["To"] for m in mailbox.messages] == ["anna@example.com"]
    assert "machine-readable zone" in body_text(mailbox.messages[0])
    attendee_page = await client.get(f"/tickets/{ticket.code}/visa")
    assert "The name must match the passport&#39;s machine-readable zone." in attendee_page.text
    assert (await client.get(f"/tickets/{ticket.code}/visa/letter")).status_code == 409

    # The attendee corrects the name and keeps the passport number on file by leaving it empty.
    again = await ask(client, ticket, passport_name="MUELLER, Anna Maria", passport_number="")
    assert again.status_code == 303
    corrected = await VisaRequest.get(id=visa.id)
    assert (corrected.status, corrected.passport_name) == (VisaStatus.REQUESTED, "MUELLER, Anna Maria")
    assert corrected.passport_number_sealed == visa.passport_number_sealed
    assert await VisaRequest.all().count() == 1  # one request per ticket

    approved = await decide(other_client, corrected, "approve")
    assert approved.status_code == 303
    assert approved.headers["location"] == f"/organize/summits/ges/visas?notice=visa-approved#visa-{visa.id}"
    decided = await VisaRequest.get(id=visa.id)
    assert (decided.status, decided.signatory) == (VisaStatus.APPROVED, "Li Wei")
    actions = [e.action for e in await AuditEntry.filter(object_type="visa_request").order_by("id")]
    assert actions == [
        "registration.visa_requested",
        "registration.visa_rejected",
        "registration.visa_requested",
        "registration.visa_approved",
    ]
    await run_jobs.run()
    mail = mailbox.messages[-1]
    assert mail["Subject"] == "Your visa invitation letter for Global Summit is ready"
    link = next(url for url in links_in(mail) if "/visa" in url)
    assert link == f"{BASE_URL}/tickets/{ticket.code}/visa"

    page = await client.get(link.removeprefix(BASE_URL))
    assert "Download the letter (PDF)" in page.text
    assert (await ask(client, ticket)).status_code == 409  # approved: no more changes
    letter = await client.get(f"/tickets/{ticket.code}/visa/letter")
    assert letter.status_code == 200
    assert letter.headers["content-type"] == "application/pdf"
    assert letter.headers["content-disposition"] == f'attachment; filename="ges-visa-{visa.id:05d}.pdf"'
    assert letter.content.startswith(b"%PDF-")
    if CJK_FONT is not None:  # the Chinese letter follows the English one, in the embedded CJK font
        assert b"/Count 2" in letter.content
        assert b"/FontFile2" in letter.content
    organizers_copy = await other_client.get(f"/organize/visas/{visa.id}/letter")
    assert organizers_copy.content.startswith(b"%PDF-")
    downloads = await AuditEntry.filter(action="registration.visa_letter_downloaded").order_by("id")
    assert [e.data["by"] for e in downloads] == ["attendee", "organizer"]


def test_the_letter_embeds_the_cjk_font_and_falls_back_to_english_only() -> None:
    facts = visa_letter.LetterFacts(
        reference="GES-VISA-00001",
        issued_on=date(2026, 6, 1),
        summit_en="Global Summit",
        summit_zh="全球峰会",
        venue_en="Beijing",
        venue_zh="北京",
        starts_on=date(2026, 9, 18),
        ends_on=date(2026, 9, 20),
        passport_name="MÜLLER, Anna",
        nationality="DE",
        passport_number=NUMBER,
        date_of_birth=date(1990, 5, 31),
        passport_expires_on=date(2031, 5, 30),
        purpose="",
        arrives_on=None,
        departs_on=None,
        ticket_type_en="Expo pass",
        ticket_type_zh="展览通票",
        signatory="Li Wei",
    )
    english = visa_letter.render_letter(facts, None)
    assert english.startswith(b"%PDF-")
    assert b"/Count 1" in english
    assert b"/BaseFont /Helvetica" in english
    assert visa_letter.find_cjk_font(Path("/no/such/font.ttf")) is None
    if CJK_FONT is None:
        pytest.skip("no CJK font on this machine: scripts/system-packages.sh test installs one")
    both = visa_letter.render_letter(facts, CJK_FONT)
    assert both.startswith(b"%PDF-")
    assert b"/Count 2" in both
    assert b"/FontFile2" in both
    assert re.search(rb"/BaseFont /[A-Z]{6}\+", both)  # a subset of the CJK font, embedded
    assert ("国籍", "德国") in visa_letter.chinese(facts)[1]
    assert ("Nationality", "Germany") in visa_letter.english(facts)[1]


async def test_passport_numbers_are_erased_after_the_summit_and_letters_stop(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, settings: Settings
) -> None:
    now = utcnow()
    today = now.date()
    assert settings.visa_erase_days == 30
    # Ended 31 days ago: erased today. Ended 30 days ago: today is the last day it is kept. Ending today: kept.
    long_ago = await make_summit(slug="past", starts_on=today - timedelta(days=33), ends_on=today - timedelta(days=31))
    recent = await make_summit(slug="recent", starts_on=today - timedelta(days=32), ends_on=today - timedelta(days=30))
    current = await make_summit(slug="current", starts_on=today - timedelta(days=2), ends_on=today)
    tickets = {}
    for summit in (long_ago, recent, current):
        ticket = await make_ticket(await make_ticket_type(summit))
        tickets[summit.slug] = ticket
        await VisaRequest.create(
            ticket_id=ticket.id,
            summit_id=summit.id,
            passport_name="Anna",
            nationality="DE",
            passport_number_sealed=passports.seal_number(NUMBER, settings),
            date_of_birth=date(1990, 5, 31),
            passport_expires_on=date(2031, 5, 30),
            status=VisaStatus.APPROVED,
            signatory="Li Wei",
            requested_at=now,
            decided_at=now,
        )
    assert await visas.erase_due(settings=settings, now=now - timedelta(days=1)) == 0
    assert await visas.erase_due(settings=settings, now=now) == 1
    assert await visas.erase_due(settings=settings, now=now) == 0  # idempotent
    erased = await VisaRequest.get(ticket_id=tickets["past"].id)
    assert (erased.passport_number_sealed, erased.erased_at) == ("", now)
    for slug in ("recent", "current"):
        kept = await VisaRequest.get(ticket_id=tickets[slug].id)
        assert (passports.open_number(kept.passport_number_sealed, settings), kept.erased_at) == (NUMBER, None)
    entry = await AuditEntry.get(action="registration.visa_passports_erased")
    assert (entry.object_id, entry.data) == (str(long_ago.id), {"requests": 1, "days_after": 30})

    letter = await client.get(f"/tickets/{tickets['past'].code}/visa/letter")
    assert letter.status_code == 409
    assert "The passport number has been erased, so the letter can no longer be made." in letter.text
    page = await client.get(f"/tickets/{tickets['past'].code}/visa")
    assert "Your passport number has been erased, so the letter can no longer be downloaded." in page.text
    assert (await client.get(f"/tickets/{tickets['recent'].code}/visa/letter")).status_code == 200
    await organizer(other_client, long_ago)
    listing = await other_client.get("/organize/summits/past/visas")
    assert "erased " in listing.text
    assert NUMBER not in listing.text
    with pytest.raises(IntegrityError):  # the database refuses an erased request that holds a number again
        await VisaRequest.filter(id=erased.id).update(passport_number_sealed=passports.seal_number(NUMBER, settings))

    # The daily job, with VISA_ERASE_DAYS=0: whatever ended before today goes, today's summit stays.
    assert await erase_passport_numbers({"settings": settings.model_copy(update={"visa_erase_days": 0})}) == 1
    assert (await VisaRequest.get(ticket_id=tickets["recent"].id)).passport_number_sealed == ""
    assert (await VisaRequest.get(ticket_id=tickets["current"].id)).erased_at is None
    assert "cron:erase_passport_numbers" in {job.name for job in JOBS.cron_jobs}


async def test_a_cancelled_ticket_cannot_ask_and_a_finished_summit_takes_no_requests(client: httpx.AsyncClient) -> None:
    summit = await make_summit(**future_summit())
    void = await make_ticket(
        await make_ticket_type(summit), status=TicketStatus.VOID, order_status=OrderStatus.REFUNDED
    )
    assert (await client.get(f"/tickets/{void.code}/visa")).status_code == 409
    over = await make_summit(starts_on=date.today() - timedelta(days=5), ends_on=date.today() - timedelta(days=3))
    ticket = await make_ticket(await make_ticket_type(over))
    page = await client.get(f"/tickets/{ticket.code}/visa")
    assert "The summit is over: visa letters can no longer be requested." in page.text
    assert 'name="passport_number"' not in page.text
    refused = await ask(client, ticket)
    assert refused.status_code == 409
    assert await VisaRequest.all().count() == 0
    assert (await client.get("/tickets/no-such-code/visa")).status_code == 404


async def test_signed_in_attendees_find_their_tickets_and_ask_from_there(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    summit = await make_summit(name_en="Global Summit", **future_summit())
    expo = await make_ticket_type(summit, name_en="Expo pass")
    mine = await make_ticket(expo, email="anna@example.com", name="Anna Müller")
    await make_ticket(expo, email="someone@example.com")
    assert (await client.get("/tickets")).status_code == 303
    await make_user(email="anna@example.com")
    await sign_in(client, "anna@example.com")
    listing = await client.get("/tickets")
    assert listing.status_code == 200
    assert listing.text.count('href="/tickets/') == 2  # the ticket and its letter, nobody else's
    assert f'<a href="/tickets/{mine.code}/visa">Ask for a letter</a>' in listing.text
    await ask(client, mine)
    assert "waiting for the organizers" in (await client.get("/tickets")).text

    # An address not yet verified shows nothing: anyone can sign up with any address.
    await make_user(email="someone@example.com", verified=False)
    await sign_in(other_client, "someone@example.com")
    assert "No tickets yet." in (await other_client.get("/tickets")).text
