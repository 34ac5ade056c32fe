"""Accounts: sign-up, verification, sign-in and its throttle, password reset and change, profile, data, deletion."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from starlette.applications import Starlette

from podium.platform.audit import AuditEntry
from podium.platform.users.models import ApiToken, Session, User
from podium.settings import Settings
from tests.conftest import JobRunner, SmtpSink
from tests.factories import PASSWORD, make_user
from tests.helpers import body_text, csrf_token, links_in, post_form, sign_in

NEW_PASSWORD = "a much better secret 42"


async def test_sign_up_mails_a_link_that_verifies_the_address(
    client: httpx.AsyncClient, run_jobs: JobRunner, mailbox: SmtpSink
) -> None:
    response = await post_form(
        client, "/signup", {"email": "Wei.Zhang@Example.com", "password": PASSWORD, "name": "Wei Zhang"}, page="/signup"
    )
    assert response.status_code == 200
    assert "We have sent a message to wei.zhang@example.com" in response.text
    user = await User.get(email="wei.zhang@example.com")
    assert user.email_verified_at is None
    assert user.password_hash != PASSWORD

    assert await run_jobs.run() == 1
    assert len(mailbox.messages) == 1
    mail = mailbox.messages[0]
    assert mail["To"] == "wei.zhang@example.com"
    assert mail["Subject"] == "Confirm your e-mail address"
    link = next(url for url in links_in(mail) if "/verify/" in url)
    response = await client.get(link.removeprefix("http://podium.test"))
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?notice=verified"
    await user.refresh_from_db()
    assert user.email_verified_at is not None


async def test_sign_up_in_chinese_mails_in_chinese(
    client: httpx.AsyncClient, run_jobs: JobRunner, mailbox: SmtpSink
) -> None:
    client.headers["Accept-Language"] = "zh-CN"
    await post_form(client, "/signup", {"email": "li@example.com", "password": PASSWORD}, page="/signup")
    await run_jobs.run()
    assert (await User.get(email="li@example.com")).locale == "zh_Hans"
    assert mailbox.messages[0]["Subject"] != "Confirm your e-mail address"
    assert "请" in body_text(mailbox.messages[0])


async def test_sign_up_with_bad_input_keeps_values_and_names_the_field(client: httpx.AsyncClient) -> None:
    response = await post_form(
        client, "/signup", {"email": "not-an-address", "password": "short", "name": "Ada"}, page="/signup"
    )
    assert response.status_code == 422
    assert 'value="not-an-address"' in response.text
    assert 'value="Ada"' in response.text
    assert "Enter a valid e-mail address, like name@example.com." in response.text
    assert "Use at least 10 characters." in response.text
    assert 'aria-invalid="true" aria-describedby="email-error"' in response.text
    assert await User.all().count() == 0


async def test_sign_up_with_a_registered_address_reveals_nothing_and_tells_the_owner(
    client: httpx.AsyncClient, run_jobs: JobRunner, mailbox: SmtpSink
) -> None:
    await make_user(email="taken@example.com")
    fresh = await post_form(client, "/signup", {"email": "new@example.com", "password": PASSWORD}, page="/signup")
    taken = await post_form(client, "/signup", {"email": "taken@example.com", "password": PASSWORD}, page="/signup")
    assert taken.status_code == fresh.status_code == 200
    assert taken.text.replace("taken@", "X@").split("<main")[1] == fresh.text.replace("new@", "X@").split("<main")[1]
    assert await User.filter(email="taken@example.com").count() == 1
    await run_jobs.run()
    subjects = {m["To"]: m["Subject"] for m in mailbox.messages}
    assert subjects == {
        "new@example.com": "Confirm your e-mail address",
        "taken@example.com": "You already have a Podium account",
    }


async def test_verification_link_that_was_tampered_with_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.get("/verify/eyJ1IjoxLCJlIjoieEB5LnoifQ.bad.signature")
    assert response.status_code == 400
    assert "This link is not valid any more" in response.text


async def test_sign_in_and_out(client: httpx.AsyncClient) -> None:
    user = await make_user(email="ada@example.com")
    response = await sign_in(client, "ADA@example.com")
    assert response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert "podium_session=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "samesite=lax" in cookie.lower()
    assert "Secure" not in cookie  # BASE_URL is http in tests
    page = await client.get("/account")
    assert page.status_code == 200
    assert "ada@example.com" in page.text
    assert await Session.filter(user_id=user.id).count() == 1

    response = await post_form(client, "/signout", page="/account")
    assert response.status_code == 303
    assert await Session.filter(user_id=user.id).count() == 0
    page = await client.get("/account")
    assert page.status_code == 303
    assert page.headers["location"] == "/signin?next=%2Faccount"


async def test_session_cookie_is_secure_when_base_url_is_https(
    app: Starlette, client: httpx.AsyncClient, settings: Settings
) -> None:
    await make_user(email="ada@example.com")
    app.state.settings = settings.model_copy(update={"base_url": "https://podium.example"})
    try:
        response = await sign_in(client, "ada@example.com")
    finally:
        app.state.settings = settings
    assert "Secure" in response.headers["set-cookie"]


async def test_sign_in_after_sign_in_redirects_only_to_same_site_paths(client: httpx.AsyncClient) -> None:
    await make_user(email="ada@example.com")
    response = await post_form(
        client,
        "/signin",
        {"email": "ada@example.com", "password": PASSWORD, "next": "//evil.example/steal"},
        page="/signin",
    )
    assert response.headers["location"] == "/"


async def test_wrong_password_and_unknown_account_get_the_same_message(client: httpx.AsyncClient) -> None:
    await make_user(email="ada@example.com")
    wrong = await post_form(
        client, "/signin", {"email": "ada@example.com", "password": "nope nope nope"}, page="/signin"
    )
    unknown = await post_form(
        client, "/signin", {"email": "nobody@example.com", "password": "nope nope nope"}, page="/signin"
    )
    assert wrong.status_code == unknown.status_code == 422
    message = "The e-mail address or password is incorrect."
    assert message in wrong.text
    assert message in unknown.text
    assert 'value="ada@example.com"' in wrong.text
    assert "nope nope nope" not in wrong.text


async def test_failed_sign_ins_lock_the_account_even_for_the_right_password(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    await make_user(email="ada@example.com")
    for _attempt in range(settings.signin_failures_per_account):
        response = await post_form(
            client, "/signin", {"email": "ada@example.com", "password": "guess guess 1"}, page="/signin"
        )
        assert response.status_code == 422
    response = await post_form(client, "/signin", {"email": "ada@example.com", "password": PASSWORD}, page="/signin")
    assert response.status_code == 429
    assert "Too many failed attempts" in response.text
    assert int(response.headers["retry-after"]) > 0
    assert await Session.all().count() == 0


async def test_failed_sign_ins_from_one_address_are_throttled_across_accounts(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, settings: Settings
) -> None:
    await make_user(email="victim@example.com")
    for n in range(settings.signin_failures_per_address):
        await post_form(
            client, "/signin", {"email": f"spray{n}@example.com", "password": "guess guess 1"}, page="/signin"
        )
    blocked = await post_form(client, "/signin", {"email": "victim@example.com", "password": PASSWORD}, page="/signin")
    assert blocked.status_code == 429
    # Another address is not affected.
    response = await sign_in(other_client, "victim@example.com")
    assert response.status_code == 303


async def test_password_reset_link_works_once_and_ends_every_session(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, run_jobs: JobRunner, mailbox: SmtpSink
) -> None:
    user = await make_user(email="ada@example.com")
    await sign_in(other_client, "ada@example.com")
    response = await post_form(client, "/password/forgot", {"email": "ada@example.com"}, page="/password/forgot")
    assert "If an account exists for ada@example.com" in response.text
    await run_jobs.run()
    link = next(u for u in links_in(mailbox.messages[0]) if "/password/reset/" in u).removeprefix("http://podium.test")

    page = await client.get(link)
    assert page.status_code == 200
    response = await post_form(client, link, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}, page=link)
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?notice=password-reset"
    assert await Session.filter(user_id=user.id).count() == 0
    assert (await other_client.get("/account")).status_code == 303

    again = await client.get(link)
    assert again.status_code == 400
    await sign_in(client, "ada@example.com", NEW_PASSWORD)


async def test_password_reset_for_unknown_address_looks_the_same_and_sends_nothing(
    client: httpx.AsyncClient, run_jobs: JobRunner, mailbox: SmtpSink
) -> None:
    response = await post_form(client, "/password/forgot", {"email": "ghost@example.com"}, page="/password/forgot")
    assert response.status_code == 200
    assert "If an account exists for ghost@example.com" in response.text
    await run_jobs.run()
    assert mailbox.messages == []


async def test_expired_password_reset_link_is_refused(
    client: httpx.AsyncClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from podium.platform.users import tokens

    user = await make_user(email="ada@example.com")
    past = time.time() - settings.password_reset_hours * 3600 - 60
    with monkeypatch.context() as patch:
        patch.setattr(time, "time", lambda: past)
        token = tokens.make_reset_token(settings.secret(), user)
    response = await client.get(f"/password/reset/{token}")
    assert response.status_code == 400
    assert "Password reset links work once and expire after a few hours." in response.text


async def test_password_reset_with_mismatched_passwords_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    from podium.platform.users import tokens

    user = await make_user(email="ada@example.com")
    link = f"/password/reset/{tokens.make_reset_token(settings.secret(), user)}"
    response = await post_form(
        client, link, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD + "x"}, page=link
    )
    assert response.status_code == 422
    assert "The two passwords differ. Type the same password twice." in response.text
    assert (await User.get(id=user.id)).password_hash == user.password_hash


async def test_change_password_ends_the_other_sessions_but_not_this_one(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    await make_user(email="ada@example.com")
    await sign_in(client, "ada@example.com")
    await sign_in(other_client, "ada@example.com")
    response = await post_form(
        client,
        "/account/password",
        {"current_password": PASSWORD, "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
        page="/account",
    )
    assert response.status_code == 303
    assert (await client.get("/account")).status_code == 200
    assert (await other_client.get("/account")).status_code == 303
    assert await Session.all().count() == 1


async def test_change_password_with_wrong_current_password_is_refused(client: httpx.AsyncClient) -> None:
    user = await make_user(email="ada@example.com")
    await sign_in(client, "ada@example.com")
    response = await post_form(
        client,
        "/account/password",
        {"current_password": "not it at all", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
        page="/account",
    )
    assert response.status_code == 422
    assert "This is not your current password." in response.text
    assert (await User.get(id=user.id)).password_hash == user.password_hash


async def test_profile_update_and_invalid_time_zone(client: httpx.AsyncClient) -> None:
    user = await make_user(email="ada@example.com")
    await sign_in(client, "ada@example.com")
    good = {
        "name": "Zhang Wei",
        "name_local": "张伟",
        "locale": "zh_Hans",
        "timezone": "Asia/Shanghai",
        "country": "cn",
        "organisation": "Tsinghua",
    }
    response = await post_form(client, "/account", good, page="/account")
    assert response.status_code == 303
    await user.refresh_from_db()
    assert (user.name, user.name_local, user.locale, user.timezone, user.country, user.organisation) == (
        "Zhang Wei",
        "张伟",
        "zh_Hans",
        "Asia/Shanghai",
        "CN",
        "Tsinghua",
    )

    response = await post_form(client, "/account", {**good, "name": "Wei", "timezone": "Mars/Olympus"}, page="/account")
    assert response.status_code == 422
    assert 'value="Wei"' in response.text
    assert 'id="timezone-error"' in response.text
    await user.refresh_from_db()
    assert user.name == "Zhang Wei"


async def test_sessions_can_be_revoked_but_only_ones_own(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    ada = await make_user(email="ada@example.com")
    bob = await make_user(email="bob@example.com")
    await sign_in(client, "ada@example.com")
    await sign_in(other_client, "bob@example.com")
    bob_session = await Session.get(user_id=bob.id)
    response = await post_form(client, f"/account/sessions/{bob_session.id}/revoke", page="/account")
    assert response.status_code == 404
    assert await Session.filter(id=bob_session.id).exists()

    await sign_in(other_client, "ada@example.com")
    second = await Session.filter(user_id=ada.id).order_by("-id").first()
    assert second is not None
    response = await post_form(client, f"/account/sessions/{second.id}/revoke", page="/account")
    assert response.status_code == 303
    assert not await Session.filter(id=second.id).exists()


async def test_api_token_minted_on_the_profile_is_shown_once_and_can_be_revoked(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    await make_user(email="ada@example.com")
    await sign_in(client, "ada@example.com")
    page = await post_form(client, "/account/tokens", {"name": "my script"}, page="/account")
    assert page.status_code == 200
    secret = page.text.split('id="new-token">')[1].split("<")[0]
    assert secret.startswith("pod_")
    token = await ApiToken.get(name="my script")
    assert token.token_hash != secret
    assert secret not in (await client.get("/account")).text

    me = await other_client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200
    assert me.json()["email"] == "ada@example.com"

    response = await post_form(client, f"/account/tokens/{token.id}/revoke", page="/account")
    assert response.status_code == 303
    me = await other_client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 401
    assert me.json() == {"errors": {"authorization": ["Invalid or revoked token."]}}


async def test_token_of_another_user_cannot_be_revoked(client: httpx.AsyncClient) -> None:
    from podium.platform import auth

    bob = await make_user(email="bob@example.com")
    token, _secret = await auth.mint_api_token(user=bob, name="bob's")
    await make_user(email="ada@example.com")
    await sign_in(client, "ada@example.com")
    response = await post_form(client, f"/account/tokens/{token.id}/revoke", page="/account")
    assert response.status_code == 404
    assert await ApiToken.filter(id=token.id).exists()


async def test_data_export_holds_the_users_own_data(client: httpx.AsyncClient) -> None:
    await make_user(email="ada@example.com", name="Ada", organisation="Analytical Engines")
    await make_user(email="bob@example.com")
    await sign_in(client, "ada@example.com")
    response = await client.get("/account/export")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="podium-my-data.json"'
    data = json.loads(response.text)
    assert data["account"]["email"] == "ada@example.com"
    assert data["account"]["organisation"] == "Analytical Engines"
    assert len(data["sessions"]) == 1
    assert [entry["action"] for entry in data["activity"]] == ["user.signed_in"]
    assert "bob@example.com" not in response.text


async def test_delete_account_needs_the_password_then_erases_it(client: httpx.AsyncClient) -> None:
    user = await make_user(email="ada@example.com")
    await sign_in(client, "ada@example.com")
    refused = await post_form(client, "/account/delete", {"password": "wrong password"}, page="/account")
    assert refused.status_code == 422
    assert "This is not your password." in refused.text
    assert await User.filter(id=user.id).exists()

    response = await post_form(client, "/account/delete", {"password": PASSWORD}, page="/account")
    assert response.status_code == 303
    assert not await User.filter(id=user.id).exists()
    assert await Session.all().count() == 0
    assert await AuditEntry.filter(action="user.deleted", object_id=str(user.id), actor_id=None).count() == 1
    assert (await client.get("/account")).status_code == 303


async def test_parallel_wrong_guesses_cannot_slip_past_the_account_lock(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    import asyncio

    await make_user(email="ada@example.com")
    token = await csrf_token(client, "/signin")
    guesses = [
        client.post("/signin", data={"email": "ada@example.com", "password": f"guess number {n}", "csrf_token": token})
        for n in range(12)
    ]
    statuses = sorted(r.status_code for r in await asyncio.gather(*guesses))
    assert statuses.count(422) <= settings.signin_failures_per_account
    assert statuses.count(429) >= 12 - settings.signin_failures_per_account


async def test_an_active_session_slides_its_expiry_and_its_cookie(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    from datetime import timedelta

    from podium.platform.i18n import utcnow

    user = await make_user(email="ada@example.com")
    await sign_in(client, "ada@example.com")
    await Session.filter(user_id=user.id).update(
        last_seen_at=utcnow() - timedelta(hours=1), expires_at=utcnow() + timedelta(days=1)
    )
    response = await client.get("/account")
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("podium_session="))
    assert f"Max-Age={settings.session_days * 86400}" in cookie
    session = await Session.get(user_id=user.id)
    assert session.expires_at > utcnow() + timedelta(days=settings.session_days - 1)


async def test_an_expired_session_signs_out_and_clears_the_cookie(client: httpx.AsyncClient) -> None:
    from datetime import timedelta

    from podium.platform.i18n import utcnow

    user = await make_user(email="ada@example.com")
    await sign_in(client, "ada@example.com")
    await Session.filter(user_id=user.id).update(expires_at=utcnow() - timedelta(seconds=1))
    response = await client.get("/account")
    assert response.status_code == 303
    cleared = next(c for c in response.headers.get_list("set-cookie") if c.startswith("podium_session="))
    assert "Max-Age=0" in cleared


async def test_the_same_reset_link_used_twice_at_once_changes_the_password_once(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, settings: Settings
) -> None:
    import asyncio

    from podium.platform.users import tokens

    user = await make_user(email="ada@example.com")
    link = f"/password/reset/{tokens.make_reset_token(settings.secret(), user)}"
    first_token = await csrf_token(client, link)
    second_token = await csrf_token(other_client, link)
    results = await asyncio.gather(
        client.post(link, data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD, "csrf_token": first_token}),
        other_client.post(
            link,
            data={
                "password": "another new secret 7",
                "password_again": "another new secret 7",
                "csrf_token": second_token,
            },
        ),
    )
    assert sorted(r.status_code for r in results) == [303, 400]
