"""办件进度查询 and verification by number (API.md "Progress lookup", "Documents and verification"; DOMAIN §0):
public, a wrong pair answers exactly like an unknown number, bad input names the field, rate-limited per address."""

from __future__ import annotations

import time

import pytest

from workflows.progress import next_step
from workflows.registry import PROCEDURES

CODE = "91330100716105852F"  # the premise fixtures' credit code (tests.conftest.premise_fields)
OTHER_CODE = "914403001922038216"  # valid, someone else's
AWAY = {"REMOTE_ADDR": "203.0.113.7"}  # an address the limit applies to (127.0.0.1 is exempt, as for logins)


def progress(client, number, code, **kw):
    return client.get("/api/v1/progress", query_string={"number": number, "credit_code": code}, **kw)


def test_the_pair_shows_state_next_step_authority_and_deadline_nothing_else(api, client):
    app = api.submitted()
    r = progress(client, app["number"], CODE)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert set(body) >= {"number", "procedure", "state", "state_title", "next_step", "authority", "deadline"}
    assert not set(body) & {"fields", "applicant", "attachments", "documents", "id", "version"}
    assert body["number"] == app["number"] and body["procedure"] == "premise_addition"
    assert body["state"] == "submitted" and body["state_title"] == {"zh": "已提交", "en": "submitted"}
    assert body["next_step"]["zh"].startswith("由哈尔滨市道里区市场监督管理局办理：")
    assert "准予登记" in body["next_step"]["zh"] and "register" in body["next_step"]["en"]
    assert body["authority"]["name"] == "哈尔滨市道里区市场监督管理局"
    assert body["deadline"] == {"due": "2026-11-30", "provisional": False}
    lower = progress(client, app["number"].lower(), CODE.lower())
    assert lower.status_code == 200  # typed in lower case: the same application


def test_a_wrong_pair_answers_exactly_like_an_unknown_number(api, client):
    app = api.submitted()
    wrong = progress(client, app["number"], OTHER_CODE)
    unknown = progress(client, "PA2026999999", CODE)
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.get_json() == unknown.get_json() and wrong.get_json()["error"]["code"] == "not_found"
    assert wrong.headers.get("Content-Length") == unknown.headers.get("Content-Length")


def test_about_the_same_time_for_a_wrong_pair_and_an_unknown_number(api, client):
    app = api.submitted()
    for _ in range(3):
        progress(client, app["number"], OTHER_CODE)
        progress(client, "PA2026999999", CODE)

    def clock(number, code):
        started = time.perf_counter()
        for _ in range(10):
            assert progress(client, number, code).status_code == 404
        return time.perf_counter() - started

    wrong, unknown = clock(app["number"], OTHER_CODE), clock("PA2026999999", CODE)
    assert max(wrong, unknown) < 3 * min(wrong, unknown), (wrong, unknown)


@pytest.mark.parametrize(
    "query, field",
    [
        ({"credit_code": CODE}, "number"),
        ({"number": "PA2026000001"}, "credit_code"),
        ({"number": " ", "credit_code": CODE}, "number"),
        ({"number": "x" * 65, "credit_code": CODE}, "number"),
        ({"number": "PA1", "credit_code": "\x01" * 5}, "credit_code"),
    ],
)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bad_input_names_the_field_and_the_rule_in_both_languages(client, query, field, lang):
    for url in ("/api/v1/progress", "/api/v1/verify"):
        r = client.get(url, query_string=query, headers={"Accept-Language": lang})
        assert r.status_code == 422, (url, r.get_json())
        error = r.get_json()["error"]
        assert field in [d["field"] for d in error["details"]]
        assert (field in error["message"]) and (
            ("必填" in error["message"] or "字符" in error["message"])
            if lang == "zh"
            else ("required" in error["message"] or "characters" in error["message"])
        )


def test_wrong_pairs_from_one_address_are_limited_with_retry_after(api, client, app):
    app.config["LOOKUP_FAILURES"] = 5
    submitted = api.submitted()
    for _ in range(4):
        assert progress(client, "PA2026999999", CODE, environ_base=AWAY).status_code == 404
    fifth = progress(client, "PA2026999999", CODE, environ_base=AWAY)
    assert fifth.status_code == 404  # the fifth failure blocks the address
    limited = progress(client, submitted["number"], CODE, environ_base=AWAY)  # now even the right pair waits
    assert limited.status_code == 429 and limited.get_json()["error"]["code"] == "rate_limited"
    assert 0 < int(limited.headers["Retry-After"]) <= 15 * 60
    by_number = client.get("/api/v1/verify", query_string={"number": "x", "credit_code": CODE}, environ_base=AWAY)
    assert by_number.status_code == 429 and by_number.headers["Retry-After"]
    page = client.get("/progress", query_string={"number": "x", "credit_code": CODE}, environ_base=AWAY)
    assert page.status_code == 429 and page.headers["Retry-After"] and "查询过于频繁" in page.get_data(as_text=True)
    other = progress(client, submitted["number"], CODE, environ_base={"REMOTE_ADDR": "203.0.113.8"})
    assert other.status_code == 200  # another address is not held up


def test_successful_lookups_are_not_limited(api, client, app):
    app.config["LOOKUP_FAILURES"] = 3
    submitted = api.submitted()
    for _ in range(10):
        assert progress(client, submitted["number"], CODE, environ_base=AWAY).status_code == 200


def test_verify_by_number_and_credit_code(api, client):
    app = api.submitted()
    doc = api.fire(app["id"], "register", "clerk_daoli").get_json()["documents"][0]
    r = client.get("/api/v1/verify", query_string={"number": doc["number"], "credit_code": CODE})
    assert r.status_code == 200
    by_token = client.get(f"/api/v1/verify/{doc['verify_url'].rsplit('/', 1)[1]}").get_json()
    assert r.get_json() == by_token and by_token["status"] == "valid"
    wrong = client.get("/api/v1/verify", query_string={"number": doc["number"], "credit_code": OTHER_CODE})
    unknown = client.get("/api/v1/verify/nosuchtoken")
    assert wrong.status_code == unknown.status_code == 404 and wrong.get_json() == unknown.get_json()


def test_the_pages_answer_the_same(api, client):
    app = api.submitted()
    doc = api.fire(app["id"], "register", "clerk_daoli").get_json()["documents"][0]
    page = client.get("/progress", query_string={"number": app["number"], "credit_code": CODE})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "已登记" in text and app["number"] in text and "已办结" in text
    assert client.get("/progress", query_string={"number": app["number"], "credit_code": OTHER_CODE}).status_code == 404
    r = client.get("/progress", query_string={"number": "", "credit_code": CODE})
    assert r.status_code == 422 and "number：必填" in r.get_data(as_text=True)
    assert client.get("/progress").status_code == 200
    found = client.get("/verify/by-number", query_string={"number": doc["number"], "credit_code": CODE})
    assert found.status_code == 200 and 'data-status="valid"' in found.get_data(as_text=True)
    assert (
        client.get("/verify/by-number", query_string={"number": doc["number"], "credit_code": OTHER_CODE}).status_code
        == 404
    )
    home = client.get("/").get_data(as_text=True)
    assert 'href="/progress"' in home and 'href="/draws"' in home


@pytest.mark.parametrize("name", list(PROCEDURES))
def test_every_state_has_a_next_step_from_the_declaration(name):
    """The next step is read from the procedure itself: who holds the state and the events out of it."""
    proc = PROCEDURES[name]
    for state in proc.states:
        step = next_step(proc, state)
        assert step.zh and step.en, (name, state)
        holder = proc.holders.get(state)
        for event in proc.events:
            if state in event.sources and holder == "authority" and set(event.roles) - {"applicant"}:
                assert event.zh in step.zh and event.en.lower() in step.en, (name, state, event.name)


def test_the_verify_page_takes_the_pair_in_its_own_address(api, client):
    app = api.submitted()
    doc = api.fire(app["id"], "register", "clerk_daoli").get_json()["documents"][0]
    found = client.get("/verify", query_string={"number": doc["number"], "credit_code": CODE})
    assert found.status_code == 200 and 'data-status="valid"' in found.get_data(as_text=True)
    assert client.get("/verify", query_string={"number": doc["number"], "credit_code": OTHER_CODE}).status_code == 404
    assert client.get("/verify", query_string={"number": doc["number"]}).status_code == 422
    assert client.get("/verify").status_code == 200
