"""Every route the app has, pages and API, with odd values in each path segment and query, as each kind of
user: never a 500. The list of routes is read from the app's URL map, so a new route is covered the day it
is added. Odd values: NUL and other characters PostgreSQL refuses, superscript and full-width digits, ids
past 2³¹ and 2⁶³, very long segments, traversal, lone surrogates."""

from __future__ import annotations

import re

import pytest

from tests.reliability.world import ADMIN, CLERK, OWNER

ODD_SEGMENTS = [
    "%00",
    "a%00b",
    "%C2%B2",
    "%EF%BC%91",
    str(2**31),
    str(2**63),
    "9" * 40,
    "-1",
    "0",
    "..%2F..%2Fetc%2Fpasswd",
    "%ED%A0%80",
    "x" * 3000,
    "%FF%FE",
    "%20",
    "1%0A2",
]
ODD_QUERIES = [
    "page=%00",
    "page=%C2%B2",
    f"page={2**63}",
    "page=-5",
    "state=%00",
    "procedure=%00&tab=%00",
    "overdue=%00&due_soon=x",
    "q=" + "%E4%B8%AD" * 2000,
    "next=%00",
    "lang=%00",
    "sort=%00",
]

# The value placed in a segment when another segment is under test: real enough to reach the handler.
FILLERS = {"procedure": "premise_addition", "name": "premise_addition", "kind": "registration_notice"}


def session(app, username: str | None):
    client = app.test_client()
    if username:
        r = client.post("/login", data={"username": username, "password": "correct-horse-9"})
        assert r.status_code in (302, 303), r.get_data(as_text=True)[:300]
    return client


def routes(app) -> list[tuple[str, list[str]]]:
    """(rule, its variables) for every GET route except static files."""
    out = []
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and rule.endpoint != "static":
            out.append((rule.rule, sorted(rule.arguments)))
    return sorted({(r, tuple(a)) for r, a in out})


def fill(rule: str, odd_arg: str | None, odd: str, ids: dict[str, str]) -> str:
    def value(match):
        arg = match.group(1).split(":")[-1]
        if arg == odd_arg:
            return odd
        return FILLERS.get(arg, ids.get(arg, "1"))

    return re.sub(r"<([^>]+)>", value, rule)


@pytest.fixture
def world(bare_world):
    return bare_world.populate(("market_regulation",))


@pytest.mark.parametrize(
    "username",
    [None, OWNER.username, CLERK["premise_addition"], ADMIN.username],
    ids=["anonymous", "applicant", "clerk", "admin"],
)
def test_no_route_answers_500_to_odd_path_segments_or_queries(world, app, username):
    body = world.bring("premise_addition", "registered")
    ids = {"app_id": str(body["id"]), "att_id": str(body["attachments"][0]["id"])}
    client = session(app, username)
    headers = world.headers(username) if username else {}
    crashes, tried = [], 0
    for rule, args in routes(app):
        urls = [fill(rule, arg, odd, ids) for arg in args for odd in ODD_SEGMENTS]
        base = fill(rule, None, "", ids)
        urls += [f"{base}?{query}" for query in ODD_QUERIES]
        for url in urls:
            for h in ({}, headers) if url.startswith("/api/") and headers else ({},):
                r = client.get(url, headers=h)
                tried += 1
                if r.status_code >= 500:
                    crashes.append((url[:120], r.status_code, r.get_data(as_text=True)[:200]))
    print(
        f"\n{tried} requests over {len(routes(app))} GET routes as {username or 'anonymous'}: no 5xx"
        if not crashes
        else ""
    )
    assert tried > 500
    assert not crashes, crashes


ODD_PICKS = [
    "²:1",
    "1:²",
    "１:1",
    f"{2**31}:1",
    f"{2**63}:1",
    "9" * 40 + ":1",
    "1",
    ":",
    "",
    "1:1:1",
    "-1:1",
    "%00",
    "1\x00:1",
    "a:b",
]


def test_bulk_actions_refuse_odd_picks_without_a_crash(world, app):
    body = world.bring("premise_addition", "submitted")
    client = session(app, CLERK["premise_addition"])
    for pick in ODD_PICKS:
        r = client.post("/console/bulk", data={"event": "accept", "pick": [pick]})
        assert r.status_code < 500, (pick, r.status_code)
    assert world.app_json(body["id"])["version"] == body["version"], "no odd pick reached the application"


NUL_FORMS = [
    ("/login", {"username": "alice\x00", "password": "x"}),
    ("/register", {"username": "a\x00b", "password": "correct-horse-9", "display_name": "x"}),
    ("/verify", {"token": "abc\x00def"}),
    ("/console/bulk", {"event": "accept\x00", "pick": ["1:1"]}),
]


@pytest.mark.parametrize("url, form", NUL_FORMS, ids=[u for u, _f in NUL_FORMS])
def test_nul_characters_in_page_forms_are_refused_with_a_message(world, app, url, form):
    client = session(app, CLERK["premise_addition"] if url.startswith("/console") else None)
    r = client.post(url, data=form, follow_redirects=True)
    assert r.status_code in (200, 400), r.status_code
    assert "NUL" in r.get_data(as_text=True), "the page names what was wrong"
