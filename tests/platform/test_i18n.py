"""Bilingual from the first page: language negotiation, catalogues, and times and money in the viewer's locale."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from podium.platform import i18n
from podium.platform.users.models import Session, User
from tests.factories import make_summit, make_user
from tests.helpers import post_form, sign_in

ROOT = Path(__file__).resolve().parents[2]
LOCALE_DIR = ROOT / "podium" / "locale"


def _source_messages() -> set[str]:
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None}
    found: set[str] = set()
    method_map = [("podium/**.py", "python"), ("podium/templates/**.html", "jinja2")]
    options = {
        "podium/templates/**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "True", "lstrip_blocks": "True"}
    }
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map=options, keywords=keywords
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_string_in_the_code_is_translated_into_chinese() -> None:
    catalog = read_po((LOCALE_DIR / "zh_Hans/LC_MESSAGES/messages.po").open("rb"), locale="zh_Hans")
    missing = []
    for message in sorted(_source_messages()):
        entry = catalog.get(message)
        translated = (
            entry is not None
            and not entry.fuzzy
            and (all(entry.string) if isinstance(entry.string, tuple) else bool(entry.string))
        )
        if not translated:
            missing.append(message)
    assert missing == [], "untranslated (run `make messages` and translate): " + repr(missing[:10])


def test_compiled_catalogues_match_their_sources() -> None:
    for locale in ("zh_Hans",):
        po = read_po((LOCALE_DIR / f"{locale}/LC_MESSAGES/messages.po").open("rb"), locale=locale)
        mo = read_mo((LOCALE_DIR / f"{locale}/LC_MESSAGES/messages.mo").open("rb"))

        def key(message_id: object) -> object:
            return tuple(message_id) if isinstance(message_id, list | tuple) else message_id

        def strings(catalog: object) -> dict[object, object]:
            return {key(m.id): key(m.string) for m in catalog if m.id}  # type: ignore[attr-defined]

        assert strings(po) == strings(mo), f"{locale}: messages.mo is stale; run `make messages`"


def test_every_translation_formats_with_its_placeholders() -> None:
    """Each Chinese form, singular and plural, takes exactly the English placeholders and formats cleanly."""
    placeholder = re.compile(r"%\((\w+)\)([sd])")
    catalog = read_po((LOCALE_DIR / "zh_Hans/LC_MESSAGES/messages.po").open("rb"), locale="zh_Hans")
    broken = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(placeholder.findall(ids[-1]))
        sample = {name: (7 if kind == "d" else "x") for name, kind in wanted}
        for form in forms:
            try:
                form % sample if wanted or "%" in form else form
            except (ValueError, KeyError, TypeError) as exc:
                broken.append((ids[0], form, str(exc)))
                continue
            if set(placeholder.findall(form)) != wanted:
                broken.append((ids[0], form, "placeholders differ"))
    assert broken == []


def test_translations_keep_their_placeholders() -> None:
    catalog = read_po((LOCALE_DIR / "zh_Hans/LC_MESSAGES/messages.po").open("rb"), locale="zh_Hans")
    problems = [(m.id, err) for m in catalog if m.id for err in m.check(catalog)]
    assert problems == []


async def test_language_order_is_profile_then_choice_then_browser(client: httpx.AsyncClient) -> None:
    chinese_browser = {"Accept-Language": "zh-CN,zh;q=0.9"}
    assert '<html lang="zh-Hans">' in (await client.get("/", headers=chinese_browser)).text
    # An explicit ?lang= beats the browser and is remembered in a cookie.
    response = await client.get("/?lang=en", headers=chinese_browser)
    assert '<html lang="en">' in response.text
    assert '<html lang="en">' in (await client.get("/", headers=chinese_browser)).text
    # The profile beats both.
    await make_user(email="li@example.com", locale="zh_Hans")
    await sign_in(client, "li@example.com")
    assert '<html lang="zh-Hans">' in (await client.get("/?lang=en")).text


async def test_switching_language_when_signed_in_updates_the_profile(client: httpx.AsyncClient) -> None:
    user = await make_user(email="ada@example.com", locale="en")
    await sign_in(client, "ada@example.com")
    response = await post_form(client, "/lang", {"lang": "zh_Hans", "next": "/account"}, page="/account")
    assert response.status_code == 303
    assert response.headers["location"] == "/account"
    assert (await User.get(id=user.id)).locale == "zh_Hans"
    page = await client.get("/account")
    assert "我的账号" in page.text or "账号" in page.text
    assert '<html lang="zh-Hans">' in page.text


async def test_switching_language_anonymously_sets_a_cookie_and_ignores_foreign_next(
    client: httpx.AsyncClient,
) -> None:
    response = await post_form(client, "/lang", {"lang": "zh_Hans", "next": "https://evil.example/"})
    assert response.headers["location"] == "/"
    assert '<html lang="zh-Hans">' in (await client.get("/")).text


def test_accept_language_negotiation_honours_quality() -> None:
    assert i18n.negotiate_locale("fr-FR, zh-TW;q=0.8, en;q=0.5") == "zh_Hans"
    assert i18n.negotiate_locale("de, en-GB;q=0.9, zh;q=0.1") == "en"
    assert i18n.negotiate_locale("zh;q=0, en;q=0.1") == "en"
    assert i18n.negotiate_locale("fr, de") is None
    assert i18n.negotiate_locale(";;;q=abc,") is None


def test_times_are_shown_in_the_viewers_zone_and_language() -> None:
    moment = datetime(2026, 9, 18, 1, 30, tzinfo=UTC)
    with i18n.use_locale("en", "Asia/Shanghai"):
        assert i18n.format_datetime(moment, "short") == "9/18/26, 9:30\u202fAM"
    with i18n.use_locale("en", "America/Los_Angeles"):
        assert i18n.format_datetime(moment, "short") == "9/17/26, 6:30\u202fPM"
    with i18n.use_locale("zh_Hans", "Asia/Shanghai"):
        assert i18n.format_datetime(moment, "short") == "2026/9/18 09:30"
        assert i18n.format_date(date(2026, 9, 18), "long") == "2026年9月18日"


def test_money_in_minor_units_is_formatted_by_locale() -> None:
    with i18n.use_locale("en"):
        assert i18n.format_money(1234550, "CNY") == "CN¥12,345.50"
        assert i18n.format_money(4900, "USD") == "$49.00"
        assert i18n.format_money(500, "JPY") == "¥500"
    with i18n.use_locale("zh_Hans"):
        assert i18n.format_money(1234550, "CNY") == "¥12,345.50"
        assert i18n.format_money(4900, "USD") == "US$49.00"


def test_bilingual_fields_fall_back_to_the_other_language() -> None:
    class Thing:
        name_en = "Summit"
        name_zh = ""

    with i18n.use_locale("zh_Hans"):
        assert i18n.localized(Thing(), "name") == "Summit"
    Thing.name_zh = "峰会"
    with i18n.use_locale("zh_Hans"):
        assert i18n.localized(Thing(), "name") == "峰会"
    with i18n.use_locale("en"):
        assert i18n.localized(Thing(), "name") == "Summit"


async def test_account_page_shows_session_times_in_the_users_time_zone(client: httpx.AsyncClient) -> None:
    user = await make_user(email="ada@example.com", timezone="Asia/Shanghai")
    await sign_in(client, "ada@example.com")
    await Session.filter(user_id=user.id).update(created_at=datetime(2026, 1, 5, 23, 15, tzinfo=UTC))
    page = await client.get("/account")
    assert "Jan 6, 2026, 7:15:00\u202fAM" in page.text
    assert "Times are shown in Asia/Shanghai." in page.text


async def test_summit_dates_render_in_chinese(client: httpx.AsyncClient) -> None:
    await make_summit(slug="ges", starts_on=date(2026, 9, 18), ends_on=date(2026, 9, 20))
    page = await client.get("/summits/ges", headers={"Accept-Language": "zh-CN"})
    assert "2026年9月18日至20日" in page.text
