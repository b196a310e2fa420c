"""Tokens, lockout and who sees which applications (API.md Auth, DOMAIN.md §0 Jurisdictions)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from models import ApiToken, User, db
from tests.conftest import PASSWORD

TOKENS = "/api/v1/tokens"


def login(client, username="alice", password=PASSWORD):
    return client.post(TOKENS, json={"username": username, "password": password})


def error_code(r, status):
    assert r.status_code == status, r.get_json()
    body = r.get_json()
    assert set(body["error"]) == {"code", "message", "details"}
    return body["error"]["code"]


def test_good_credentials_give_a_token(client, users):
    r = login(client)
    assert r.status_code == 201
    body = r.get_json()
    assert {"token", "expires_at"} <= set(body) and len(body["token"]) >= 32
    expires = datetime.fromisoformat(body["expires_at"])
    assert expires.utcoffset() == timedelta(hours=8)  # Asia/Shanghai
    assert timedelta(0) < expires - datetime.now(UTC) <= timedelta(hours=24)
    me = client.get("/api/v1/applications", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200


@pytest.mark.parametrize(
    "username, password",
    [("alice", "wrong-password"), ("nobody", PASSWORD), ("ALICE", PASSWORD)],
    ids=["wrong password", "unknown user", "username case differs"],
)
def test_wrong_credentials_are_401(client, users, username, password):
    error_code(login(client, username, password), 401)


@pytest.mark.parametrize(
    "body", [{}, {"username": "alice"}, {"username": 1, "password": 2}], ids=["nothing", "no password", "numbers"]
)
def test_missing_credentials_are_422(client, users, body):
    error_code(client.post(TOKENS, json=body), 422)


def test_five_failures_lock_even_the_right_password(app, client, users):
    for _ in range(4):
        error_code(login(client, password="nope"), 401)
    assert login(client).status_code == 201  # a success resets the count
    for _ in range(5):
        error_code(login(client, password="nope"), 401)
    r = login(client)
    assert r.status_code in (423, 429)
    assert "15" in r.get_json()["error"]["message"] or "锁定" in r.get_json()["error"]["message"]
    assert login(client, password="nope").status_code in (423, 429)
    assert login(client, "bob").status_code == 201  # only that account is locked

    with app.app_context():  # 15 minutes later
        db.session.execute(
            update(User).where(User.username == "alice").values(locked_until=datetime.now(UTC) - timedelta(seconds=1))
        )
        db.session.commit()
    assert login(client).status_code == 201


def test_lock_message_in_english(client, users):
    for _ in range(5):
        login(client, password="nope")
    r = client.post(TOKENS, json={"username": "alice", "password": PASSWORD}, headers={"Accept-Language": "en"})
    assert r.status_code in (423, 429) and "locked" in r.get_json()["error"]["message"]


def test_expired_token_is_401(app, client, users):
    token = login(client).get_json()["token"]
    with app.app_context():
        db.session.execute(update(ApiToken).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
        db.session.commit()
    r = client.get("/api/v1/applications", headers={"Authorization": f"Bearer {token}"})
    assert error_code(r, 401) == "invalid_token"


@pytest.mark.parametrize("header", ["Bearer not-a-token", "Bearer ", "Basic YWxpY2U6eA==", "bearer x"])
def test_bad_authorization_header_is_401(client, users, header):
    error_code(client.get("/api/v1/applications", headers={"Authorization": header}), 401)


@pytest.mark.parametrize(
    "method, url",
    [
        ("get", "/api/v1/applications"),
        ("post", "/api/v1/applications"),
        ("get", "/api/v1/applications/1"),
        ("patch", "/api/v1/applications/1"),
        ("post", "/api/v1/applications/1/events"),
        ("get", "/api/v1/applications/1/events"),
        ("post", "/api/v1/applications/1/attachments"),
        ("get", "/api/v1/documents/x.pdf"),
    ],
)
def test_private_endpoints_need_a_token(client, users, method, url):
    assert error_code(getattr(client, method)(url, json={}), 401) == "unauthenticated"


@pytest.mark.parametrize(
    "method, url, body",
    [
        ("get", "/api/v1/procedures", None),
        ("get", "/api/v1/openapi.json", None),
        ("post", "/api/v1/eligibility/premise_addition", {"fields": {}}),
        ("get", "/api/v1/calendar/add-working-days?from=2026-11-25&days=3", None),
        ("get", "/api/v1/calendar/period-end?from=2026-12-01&years=5", None),
    ],
)
def test_public_endpoints_need_none(client, method, url, body):
    r = getattr(client, method)(url, json=body) if body is not None else getattr(client, method)(url)
    assert r.status_code == 200


def test_unknown_verify_token_is_404_without_login(client):
    assert error_code(client.get("/api/v1/verify/no-such-token"), 404) == "not_found"


# ---- who sees which applications ---------------------------------------------------------------


def listing(api, user, query=""):
    r = api.get(f"/api/v1/applications{query}", user)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    return {a["id"] for a in body["items"]}, body["total"]


@pytest.fixture
def population(api):
    """alice: a draft, two submitted in 道里; bob: one submitted in 南岗 and a draft in 道里."""
    a_draft = api.draft(premise_address="中央大街1号")
    a1 = api.submitted(premise_address="中央大街2号")
    a2 = api.submitted(premise_address="中央大街3号")
    b1 = api.submitted(
        "bob",
        domicile_division="230103",
        premise_division="230103",
        premise_street="和兴路街道",
        premise_address="西大直街92号",
        credit_code="914403001922038216",
    )
    b_draft = api.draft("bob", premise_address="中央大街4号")
    return {"a_draft": a_draft["id"], "a1": a1["id"], "a2": a2["id"], "b1": b1["id"], "b_draft": b_draft["id"]}


def test_applicants_see_only_their_own(api, population):
    p = population
    assert listing(api, "alice") == ({p["a_draft"], p["a1"], p["a2"]}, 3)
    assert listing(api, "bob") == ({p["b1"], p["b_draft"]}, 2)
    assert api.get(f"/api/v1/applications/{p['b1']}", "alice").status_code == 404
    assert api.get(f"/api/v1/applications/{p['b1']}/events", "alice").status_code == 404


def test_staff_see_their_authority_and_never_drafts(api, population):
    p = population
    assert listing(api, "clerk_daoli") == ({p["a1"], p["a2"]}, 2)
    assert listing(api, "approver_daoli") == ({p["a1"], p["a2"]}, 2)
    assert listing(api, "clerk_nangang") == ({p["b1"]}, 1)
    assert listing(api, "reviewer_daoli") == (set(), 0)
    assert listing(api, "inspector_daoli") == (set(), 0)
    assert api.get(f"/api/v1/applications/{p['a_draft']}", "clerk_daoli").status_code == 404
    assert api.get(f"/api/v1/applications/{p['b1']}", "clerk_daoli").status_code == 404


def test_the_auditor_reads_everything_and_an_admin_nothing(api, population):
    """DOMAIN §0: auditors read every application; admins none (separation of duties, 404 each)."""
    ids, total = listing(api, "auditor")
    assert ids == set(population.values()) and total == 5
    assert listing(api, "admin") == (set(), 0)
    for app_id in population.values():
        assert api.get(f"/api/v1/applications/{app_id}", "admin").status_code == 404


def test_total_counts_beyond_the_page(api, population):
    ids, total = listing(api, "alice", "?per_page=1&page=2")
    assert len(ids) == 1 and total == 3
    assert listing(api, "alice", "?state=submitted") == ({population["a1"], population["a2"]}, 2)
    assert listing(api, "alice", "?procedure=land_transition") == (set(), 0)


@pytest.mark.parametrize(
    "query", ["?per_page=0", "?per_page=101", "?per_page=-5", "?per_page=ten", "?page=0", "?page=1.5"]
)
def test_paging_bounds_are_422(api, users, query):
    r = api.get(f"/api/v1/applications{query}", "alice")
    assert error_code(r, 422) == "validation_failed"
    assert r.get_json()["error"]["details"][0]["field"] in ("page", "per_page")


def test_per_page_at_its_bounds(api, users):
    assert api.get("/api/v1/applications?per_page=1", "alice").status_code == 200
    assert api.get("/api/v1/applications?per_page=100", "alice").status_code == 200


def test_only_applicants_create_applications(api, users):
    r = api.post("/api/v1/applications", "clerk_daoli", json={"procedure": "premise_addition", "fields": {}})
    assert error_code(r, 403) == "forbidden"
