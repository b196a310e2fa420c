"""Chinese first, English second: the locale choice, the switch, the catalogue and the formats."""

from __future__ import annotations

import io
import os
import re
from datetime import UTC, date, datetime
from html import unescape

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from infra import i18n
from tests.conftest import PASSWORD
from tests.web.pages import block, html, new_draft
from tests.web.test_csrf import csrf_app, token_from  # noqa: F401 (a fixture)
from views import filters

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CATALOG = os.path.join(ROOT, "translations", "en", "LC_MESSAGES")
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "lazy_gettext": None,
    "_l": None,
    "bi": None,
    "bt": None,
    "_b": None,
    "lazy_bt": None,
}


def lang_of(page: str) -> str:
    return re.search(r'<html lang="([^"]+)"', page).group(1)


def switch(client, lang: str, next_path: str = "/"):
    return client.post("/lang", data={"lang": lang, "next": next_path})


# --- the locale selector: cookie > Accept-Language > Chinese ---------------------------------------------


@pytest.mark.parametrize(
    "cookie, accept, expected",
    [
        (None, None, "zh-CN"),  # nothing said: Chinese
        (None, "zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"),
        (None, "en-US,en;q=0.9", "en"),
        (None, "fr-FR,fr;q=0.9", "zh-CN"),  # neither offered: Chinese
        (None, "fr;q=1,en;q=0.5,zh;q=0.4", "en"),  # the best of the two
        ("en", "zh-CN,zh;q=0.9", "en"),  # an explicit choice wins
        ("zh", "en-US,en;q=0.9", "zh-CN"),
        ("xx", "en-US", "en"),  # a bad cookie is ignored
    ],
)
def test_the_locale_is_the_cookie_else_accept_language_else_chinese(client, cookie, accept, expected):
    if cookie:
        client.set_cookie(i18n.COOKIE, cookie)
    page = html(client.get("/", headers={"Accept-Language": accept} if accept else {}))
    assert lang_of(page) == expected


def test_pages_vary_by_language(client):
    vary = client.get("/").headers["Vary"]
    assert "Accept-Language" in vary and "Cookie" in vary


def test_the_switch_sets_a_lasting_cookie_and_goes_back(client):
    r = switch(client, "en", "/guides/premise_addition?x=1")
    assert r.status_code == 303 and r.headers["Location"].endswith("/guides/premise_addition?x=1")
    cookie = r.headers["Set-Cookie"]
    assert f"{i18n.COOKIE}=en" in cookie and "Max-Age=31536000" in cookie
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    for path in ("/", "/verify", "/login", "/guides/premise_addition"):  # persists across pages
        page = html(client.get(path, headers={"Accept-Language": "zh-CN"}))
        assert lang_of(page) == "en", path
    switch(client, "zh")
    assert lang_of(html(client.get("/", headers={"Accept-Language": "en"}))) == "zh-CN"


def test_the_cookie_is_secure_over_https(client):
    r = client.post("/lang", data={"lang": "en", "next": "/"}, base_url="https://localhost")
    assert "Secure" in r.headers["Set-Cookie"]


def test_an_unknown_language_changes_nothing(client):
    r = switch(client, "fr")
    assert r.status_code == 303 and "Set-Cookie" not in r.headers


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
        " //evil.example",
        "",
        None,
        "/x\r\nSet-Cookie: a=1",
        "evil.example",
    ],
)
def test_the_switch_never_redirects_off_site(client, target):
    """Only a local path is followed; anything else goes to the home page."""
    data = {"lang": "en"} if target is None else {"lang": "en", "next": target}
    r = client.post("/lang", data=data)
    assert r.status_code == 303 and r.headers["Location"] in ("/", "http://localhost/")


def test_the_switch_is_on_every_page_and_comes_back_to_it(client):
    page = html(client.get("/guides/premise_addition"))
    form = re.search(r'<form method="post" action="/lang".*?</form>', page, re.S).group(0)
    assert 'name="csrf_token"' in form and 'value="/guides/premise_addition"' in form
    assert ">中文</button>" in form and ">English</button>" in form


def test_the_choice_survives_login_and_logout(app, users):
    client = app.test_client()
    switch(client, "en")
    r = client.post("/login", data={"username": "alice", "password": PASSWORD})
    assert r.status_code == 302
    page = html(client.get("/my/applications"))
    assert lang_of(page) == "en" and "My applications" in page and "我的申请" not in page
    page = html(client.post("/logout", follow_redirects=True))
    assert lang_of(page) == "en" and "Logged out" in page and "已退出" not in page


def test_the_switch_needs_the_csrf_token_when_protection_is_on(csrf_app):
    client = csrf_app.test_client()
    assert client.post("/lang", data={"lang": "en", "next": "/"}).status_code == 400
    token = token_from(html(client.get("/")))
    r = client.post("/lang", data={"lang": "en", "next": "/", "csrf_token": token})
    assert r.status_code == 303 and lang_of(html(client.get("/"))) == "en"


# --- a page in each language ---------------------------------------------------------------------------


def test_pages_in_chinese_keep_english_hints_and_in_english_are_english(login):
    alice = login("alice")
    app_id = new_draft(alice)
    zh = html(alice.get(f"/my/applications/{app_id}"))
    assert lang_of(zh) == "zh-CN"
    assert '申请材料 <small lang="en">Materials</small>' in zh and "草稿" in zh
    switch(alice, "en")
    en = html(alice.get(f"/my/applications/{app_id}"))
    assert lang_of(en) == "en"
    assert "<h2>Materials</h2>" in en and "申请材料" not in en and "Draft" in en
    assert "Log out" in en and "退出" not in en
    # the fields' hints too: Chinese with the English beside it, or English alone
    assert '路、门牌号、楼栋、房间号 <small lang="en">road, number, building, room</small>' in zh
    assert "road, number, building, room" in en and "路、门牌号" not in en


def test_guard_reasons_follow_the_page(login):
    """A blocked event's reasons (a workflows Reason, zh and en) are shown in the page's language."""
    alice = login("alice")
    app_id = new_draft(alice, enterprise_name="")
    zh = html(alice.get(f"/my/applications/{app_id}"))
    reasons_zh = re.search(r'<ul class="reasons"[^>]*>(.*?)</ul>', zh, re.S).group(1)
    assert re.search(r"[\u4e00-\u9fff]", reasons_zh) and '<small lang="en">' in reasons_zh
    switch(alice, "en")
    en = html(alice.get(f"/my/applications/{app_id}"))
    reasons_en = re.search(r'<ul class="reasons"[^>]*>(.*?)</ul>', en, re.S).group(1)
    assert reasons_en.strip() and not re.search(r"[\u4e00-\u9fff]", reasons_en)


def test_error_pages_follow_the_page(client):
    assert "未找到" in html(client.get("/no/such/page"))
    switch(client, "en")
    page = html(client.get("/no/such/page"))
    assert "404 · not found" in page and "未找到" not in page


def test_the_api_follows_accept_language_and_the_choice_made_on_the_pages(app, client):
    """One choice of language everywhere (infra/i18n.lang): an integrating system (no cookie) gets what its
    Accept-Language asks, Chinese by default (API.md); a browser that chose a language on the pages gets
    that language from the API too (issue 15: no lang() that ignores the cookie)."""
    assert client.get("/api/v1/applications/1").get_json()["error"]["message"].startswith("需要登录")
    english = client.get("/api/v1/applications/1", headers={"Accept-Language": "en"}).get_json()
    assert not re.search(r"[\u4e00-\u9fff]", english["error"]["message"])
    switch(client, "en")
    chosen = client.get("/api/v1/applications/1", headers={"Accept-Language": "zh-CN"}).get_json()
    assert not re.search(r"[\u4e00-\u9fff]", chosen["error"]["message"])
    switch(client, "zh")
    assert (
        client.get("/api/v1/applications/1", headers={"Accept-Language": "en"})
        .get_json()["error"]["message"]
        .startswith("需要登录")
    )


# --- the catalogue ------------------------------------------------------------------------------------------


def _extracted() -> dict[str, set[str]]:
    """Every msgid babel.cfg's extraction finds in the pages and web views, by file."""
    found: dict[str, set[str]] = {}
    method_map = [
        ("templates/mail/**", "ignore"),
        ("infra/i18n.py", "python"),
        ("views/*.py", "python"),
        ("forms/**.py", "python"),
        ("templates/**.html", "jinja2"),
    ]

    def only_ours(path: str) -> bool:
        rel = os.path.relpath(path, ROOT)
        return rel.split(os.sep)[0] in ("templates", "views", "forms") or rel == "."

    for filename, _line, message, _comments, _context in extract_from_dir(
        ROOT, method_map, keywords=KEYWORDS, comment_tags=(), directory_filter=only_ours
    ):
        for msgid in message if isinstance(message, tuple) else (message,):
            if msgid:
                found.setdefault(msgid, set()).add(filename)
    return found


def test_every_page_string_has_an_english_translation():
    with open(os.path.join(CATALOG, "messages.po"), "rb") as f:
        catalog = read_po(f)
    english = {m.id: m.string for m in catalog if m.id}
    found = _extracted()
    assert len(found) > 200 and any(f.startswith("templates/_macros") for fs in found.values() for f in fs)
    missing = {msgid: sorted(files) for msgid, files in found.items() if not english.get(msgid)}
    assert not missing, f"untranslated (add them to messages.po, then pybabel compile -d translations): {missing}"


def test_the_committed_mo_is_the_compiled_po():
    with open(os.path.join(CATALOG, "messages.po"), "rb") as f:
        catalog = read_po(f)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    with open(os.path.join(CATALOG, "messages.mo"), "rb") as f:
        committed = read_mo(f)
    fresh = read_mo(compiled)
    assert {m.id: m.string for m in fresh if m.id} == {m.id: m.string for m in committed if m.id}
    assert not catalog.fuzzy


def test_english_keeps_the_placeholders_of_the_chinese():
    with open(os.path.join(CATALOG, "messages.po"), "rb") as f:
        catalog = read_po(f)
    for m in catalog:
        if m.id:
            assert sorted(re.findall(r"%\(\w+\)s", m.id)) == sorted(re.findall(r"%\(\w+\)s", m.string)), m.id


# --- formats ------------------------------------------------------------------------------------------------


@pytest.fixture
def in_lang(app):
    """Run a function under a request in the given language."""

    def run(lang, fn, *args):
        with app.test_request_context("/", headers={"Cookie": f"{i18n.COOKIE}={lang}"}):
            return fn(*args)

    return run


def test_dates(in_lang):
    assert in_lang("zh", filters.local_date, date(2026, 11, 29)) == "2026年11月29日"
    assert in_lang("en", filters.local_date, date(2026, 11, 29)) == "29 Nov 2026"
    assert in_lang("zh", filters.local_date, "2026-01-05") == "2026年1月5日"
    late = datetime(2026, 11, 29, 17, 5, tzinfo=UTC)  # 01:05 the next day in Harbin
    assert in_lang("zh", filters.local_datetime, late) == "2026年11月30日 01:05"
    assert in_lang("en", filters.local_datetime, late) == "30 Nov 2026, 01:05"
    assert in_lang("en", filters.local_date, None) == ""


def test_money(in_lang):
    assert in_lang("zh", filters.money, 300000) == "30万元"
    assert in_lang("zh", filters.money, "1250000") == "125万元"
    assert in_lang("zh", filters.money, 300000.5) == "¥300,000.50"
    assert in_lang("zh", filters.money, 9800) == "¥9,800.00"
    assert in_lang("en", filters.money, 300000) == "¥300,000.00"
    assert in_lang("en", filters.money, "") == ""


def test_areas(in_lang):
    assert in_lang("zh", filters.area, 300) == "300平方米"
    assert in_lang("zh", filters.area, "280.5") == "280.5平方米"
    assert in_lang("en", filters.area, 300) == "300 m²"
    assert in_lang("en", filters.area, 12345.25) == "12,345.25 m²"


@pytest.mark.parametrize(
    "size, zh, en",
    [
        (0, "0 字节", "0 bytes"),
        (1, "1 字节", "1 byte"),
        (1023, "1023 字节", "1023 bytes"),
        (1024, "1.0 KiB", "1.0 KiB"),
        (10 * 1024 * 1024, "10.0 MiB", "10.0 MiB"),
    ],
)
def test_file_sizes(in_lang, size, zh, en):
    assert in_lang("zh", filters.file_size, size) == zh
    assert in_lang("en", filters.file_size, size) == en


def test_state_and_role_titles_follow_the_page(in_lang):
    assert in_lang("zh", filters.role_title, "clerk") == "经办人"
    assert in_lang("en", filters.role_title, "clerk") == "clerk"
    assert (
        in_lang("en", filters.state_title, "premise_addition", "draft")
        == filters.PROCEDURES["premise_addition"].states["draft"][1]
    )


@pytest.mark.parametrize(
    "name, english",
    [
        ("premise_addition", "Registration Administration of Market Entities"),
        ("land_transition", "the land-use holder and the planning conditions"),
        ("fire_filing", "Fire Protection Law"),
    ],
)
def test_the_service_guides_basis_conditions_fee_and_place_in_each_language(client, name, english):
    from workflows.registry import PROCEDURES

    guide = PROCEDURES[name].guide
    zh = html(client.get(f"/guides/{name}"))
    assert guide["basis"][0].zh in zh and guide["conditions"][0].zh in zh and "不收费" in zh
    assert all(t.zh in zh for t in guide["time_limits"]) and "不含法定节假日" in zh
    assert english in zh, "the English follows as a hint in Chinese"
    switch(client, "en")
    en = unescape(html(client.get(f"/guides/{name}")))
    assert english in en and "free of charge" in en and guide["where"].en in en
    assert all(t.en in en for t in guide["time_limits"]) and "public holidays are excluded" in en
    assert guide["conditions"][0].zh not in en and "不收费" not in en
    assert not any(t.zh in en for t in guide["time_limits"]) and "工作日" not in en and "；" not in en
    assert "[cfg]" not in zh + en, "DOMAIN's marks are for engineers, not on public pages"


@pytest.mark.parametrize(
    "name, limits",
    [
        ("premise_addition", ["3个工作日内作出决定，自提交", "第十九条", "可延长一次，延长3个工作日"]),
        (
            "land_transition",
            [
                "提交后5个工作日内决定是否受理",
                "受理后20个工作日内办结",
                "各部门意见5个工作日内",
                "过渡期5年",
                "180日、90日、30日",
            ],
        ),
        (
            "fire_filing",
            ["竣工验收合格之日起5个工作日内备案", "5个工作日内补齐", "15个工作日内完成检查", "复查7个工作日内"],
        ),
    ],
)
def test_the_guides_time_limits_are_the_procedures_own(client, name, limits):
    """Each guide states its own limits and where each counts from (land's decision counts from acceptance,
    not from submission), built from the same time_limits the engine sets deadlines with."""
    zh = html(client.get(f"/guides/{name}"))
    assert all(text in zh for text in limits), [text for text in limits if text not in zh]


def test_documents_people_and_punctuation_in_english(api, client, login):
    """Document titles come in both languages (the PDF itself stays Chinese); the "who" labels and the verify
    page use half-width brackets and colons in English."""
    submitted = api.submitted()
    doc = api.fire(submitted["id"], "register", "clerk_daoli").get_json()["documents"][0]
    assert doc["title"] == "经营场所登记通知书" and doc["title_en"]
    token = doc["verify_url"].rsplit("/", 1)[1]
    zh = html(client.get(f"/verify/{token}"))
    assert f'经营场所登记通知书 <small lang="en">{doc["title_en"]}</small>' in zh and "SHA-256：" in zh
    switch(client, "en")
    en = unescape(html(client.get(f"/verify/{token}")))
    assert f"<h1>{doc['title_en']}</h1>" in en and "经营场所登记通知书" not in en
    assert "SHA-256: " in en and " (91330100716105852F)" in en and "（" not in en

    alice = login("alice")
    switch(alice, "en")
    page = unescape(html(alice.get(f"/my/applications/{submitted['id']}")))
    assert doc["title_en"] in page and "经营场所登记通知书" not in page
    assert " (applicant)" in page and "（" not in page and "）" not in page
    assert "Daoli District Market Regulation Bureau, Harbin" in page and "市场监督管理局" not in page
    division = block(page, "f-domicile_division")  # the division the applicant chose
    assert "Daoli District" in division and "道里区" not in division


@pytest.mark.parametrize(
    "division, kind, english",
    [
        ("230102", "market_regulation", "Daoli District Market Regulation Bureau, Harbin"),
        ("230125", "government", "Bin County People's Government, Harbin"),
        ("230184", "housing", "Wuchang City Housing and Urban-Rural Development Bureau, Harbin"),
        ("230100", "housing", "Harbin Municipal Housing and Urban-Rural Development Bureau"),
        ("230100", "development_reform", "Harbin Municipal Development and Reform Commission"),
    ],
)
def test_authorities_have_english_names(division, kind, english):
    from vocabulary import DIVISIONS, DIVISIONS_EN, authority_name_en

    assert set(DIVISIONS_EN) == set(DIVISIONS)
    assert authority_name_en(division, kind) == english
