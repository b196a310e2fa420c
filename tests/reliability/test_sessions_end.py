"""Issue 14 item 5 (DOMAIN §0, Sessions): logging out, an admin locking the account or revoking its access,
and a password change end every web session and API token of that user at once. A session cookie
replayed afterwards opens nothing and changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import Application, User, db
from tests.conftest import PASSWORD, premise_fields
from tests.web.conftest import login  # noqa: F401  (fixture)


def _cookie(client) -> str:
    return client.get_cookie("session").value


def _replay(app, cookie: str):
    """A fresh browser holding only the old session cookie (what the probe replayed)."""
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other


def _token(client, name="alice", password=PASSWORD) -> str:
    r = client.post("/api/v1/tokens", json={"username": name, "password": password})
    assert r.status_code == 201, r.get_json()
    return r.get_json()["token"]


def _ended(app, cookie: str, token: str) -> None:
    replay = _replay(app, cookie)
    page = replay.get("/my/")
    assert page.status_code == 302 and "/login" in page.headers["Location"], "the old session opens nothing"
    draft = replay.post("/my/new/premise_addition", data=premise_fields())
    assert draft.status_code in (302, 400) and "/login" in draft.headers.get("Location", "/login")
    with app.app_context():
        assert db.session.execute(select(Application)).first() is None, "and changes nothing"
    bearer = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/api/v1/applications", headers=bearer).status_code == 401


@pytest.fixture
def alice(app, client, users, login):
    """alice logged in twice: a browser (its cookie) and an API token."""
    browser = login("alice")
    assert browser.get("/my/").status_code == 200
    return browser, _cookie(browser), _token(client)


def test_logout_ends_every_session_and_token(app, alice):
    browser, cookie, token = alice
    laptop = app.test_client()
    assert laptop.post("/login", data={"username": "alice", "password": PASSWORD}).status_code == 302
    assert browser.post("/logout").status_code == 302
    _ended(app, cookie, token)
    assert laptop.get("/my/").status_code == 302, "her other browser too"


def test_an_admins_revocation_ends_sessions_and_tokens(app, alice, login):
    _browser, cookie, token = alice
    with app.app_context():
        alice_id = db.session.execute(select(User.id).where(User.username == "alice")).scalar_one()
    assert login("admin").post(f"/admin/users/{alice_id}/revoke-tokens").status_code == 303
    _ended(app, cookie, token)


def test_an_admins_revocation_through_the_api_ends_sessions(app, alice, api):
    _browser, cookie, token = alice
    assert api.delete("/api/v1/users/alice/tokens", "admin").status_code == 200
    _ended(app, cookie, token)


def test_a_lock_by_an_admin_ends_sessions_and_tokens(app, alice, login):
    _browser, cookie, token = alice
    with app.app_context():
        alice_id = db.session.execute(select(User.id).where(User.username == "alice")).scalar_one()
    assert login("admin").post(f"/admin/users/{alice_id}/lock").status_code == 303
    _ended(app, cookie, token)
    assert app.test_client().post("/login", data={"username": "alice", "password": PASSWORD}).status_code == 423


def test_a_lock_through_the_api_and_the_cli_end_sessions(app, alice, api, runner):
    _browser, cookie, token = alice
    assert api.post("/api/v1/users/alice/lock", "admin").status_code == 200
    _ended(app, cookie, token)
    assert runner.invoke(args=["users", "unlock", "alice"]).exit_code == 0
    browser = app.test_client()
    assert browser.post("/login", data={"username": "alice", "password": PASSWORD}).status_code == 302
    cookie, token = _cookie(browser), _token(app.test_client())
    assert runner.invoke(args=["users", "lock", "alice"]).exit_code == 0
    _ended(app, cookie, token)


def test_the_lock_after_failed_logins_ends_sessions_too(app, alice):
    """The probe: a locked account created a draft through its old session."""
    _browser, cookie, token = alice
    for _ in range(app.config["LOCKOUT_FAILURES"]):
        app.test_client().post("/api/v1/tokens", json={"username": "alice", "password": "wrong-password-1"})
    _ended(app, cookie, token)


def test_a_password_change_ends_every_session_and_token(app, alice):
    browser, cookie, token = alice
    r = browser.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "another-horse-8", "confirm": "another-horse-8"},
    )
    assert r.status_code == 303 and "/login" in r.headers["Location"]
    _ended(app, cookie, token)
    assert (
        app.test_client().post("/login", data={"username": "alice", "password": "another-horse-8"}).status_code == 302
    )


def test_a_password_change_through_the_api_names_the_field_and_ends_sessions(app, alice):
    _browser, cookie, token = alice
    bearer = {"Authorization": f"Bearer {token}"}
    client = app.test_client()
    wrong = client.post(
        "/api/v1/account/password",
        headers=bearer,
        json={"current_password": "nope-nope-1", "new_password": "another-horse-8"},
    )
    assert wrong.status_code == 422 and wrong.get_json()["error"]["details"][0]["field"] == "current_password"
    weak = client.post(
        "/api/v1/account/password", headers=bearer, json={"current_password": PASSWORD, "new_password": "short"}
    )
    assert weak.status_code == 422 and weak.get_json()["error"]["details"][0]["field"] == "new_password"
    ok = client.post(
        "/api/v1/account/password",
        headers=bearer,
        json={"current_password": PASSWORD, "new_password": "another-horse-8"},
    )
    assert ok.status_code == 200, ok.get_json()
    _ended(app, cookie, token)


def test_a_password_reset_by_the_cli_ends_sessions(app, alice, runner):
    _browser, cookie, token = alice
    result = runner.invoke(args=["users", "set-password", "alice"], input="another-horse-8\nanother-horse-8\n")
    assert result.exit_code == 0, result.output
    _ended(app, cookie, token)


def test_other_users_keep_their_sessions(app, alice, login):
    bob = login("bob")
    browser, _cookie_, _token_ = alice
    browser.post("/logout")
    assert bob.get("/my/").status_code == 200
