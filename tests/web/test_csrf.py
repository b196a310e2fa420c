"""With CSRF protection on, as in production: forms need the token; every HTML page carries the security headers."""

from __future__ import annotations

import re

import pytest

from app import create_app
from models import db
from tests.conftest import FIXED_TODAY, PASSWORD
from workflows import accounts


@pytest.fixture
def csrf_app(_schema, tmp_path, app):
    """A second app on the same (emptied) test database, with WTF_CSRF_ENABLED on."""
    protected = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": _schema,
            "WTF_CSRF_ENABLED": True,
            "STORAGE_DIR": str(tmp_path / "storage"),
            "TODAY": FIXED_TODAY,
            "BASE_URL": "http://bianmin.test",
        }
    )
    with protected.app_context():
        for name, role, authority in (
            ("alice", "applicant", None),
            ("clerk_daoli", "clerk", "230102:market_regulation"),
        ):
            accounts.create_user(name, PASSWORD, role, authority)
        db.session.commit()
    yield protected
    with protected.app_context():
        db.session.remove()
        db.engine.dispose()


def token_from(page: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


def logged_in(app, username):
    client = app.test_client()
    token = token_from(client.get("/login").get_data(as_text=True))
    r = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 302
    return client


def test_login_without_token_is_400(csrf_app):
    r = csrf_app.test_client().post("/login", data={"username": "alice", "password": PASSWORD})
    assert r.status_code == 400
    assert "安全令牌" in r.get_data(as_text=True)


def test_login_with_token_works(csrf_app):
    logged_in(csrf_app, "alice")


def test_page_forms_without_token_are_400(csrf_app):
    alice = logged_in(csrf_app, "alice")
    r = alice.post("/my/new/premise_addition", data={"enterprise_name": "x", "action": "save"})
    assert r.status_code == 400
    page = alice.get("/my/new/premise_addition").get_data(as_text=True)
    r = alice.post(
        "/my/new/premise_addition", data={"enterprise_name": "x", "action": "save", "csrf_token": token_from(page)}
    )
    assert r.status_code == 303
    app_page = alice.get(r.headers["Location"]).get_data(as_text=True)
    assert alice.post(r.headers["Location"] + "/events", data={"event": "withdraw", "version": "1"}).status_code == 400
    assert 'name="csrf_token"' in re.search(r'<form[^>]*data-event="submit".*?</form>', app_page, re.S).group(0)
    assert alice.post("/logout").status_code == 400


def test_every_html_response_has_the_security_headers(csrf_app):
    alice, clerk, anonymous = logged_in(csrf_app, "alice"), logged_in(csrf_app, "clerk_daoli"), csrf_app.test_client()
    page = alice.get("/my/new/premise_addition").get_data(as_text=True)
    app_url = alice.post("/my/new/premise_addition", data={"action": "save", "csrf_token": token_from(page)}).headers[
        "Location"
    ]
    responses = [
        anonymous.get(u)
        for u in (
            "/",
            "/login",
            "/register",
            "/guides/premise_addition",
            "/verify",
            "/verify/unknown-token",
            "/my/",
            "/no-such-page",
        )
    ]
    responses += [alice.get(u) for u in ("/my/", "/my/new/premise_addition", app_url, "/console/")]
    responses += [clerk.get(u) for u in ("/console/", "/console/?overdue=1", "/console/applications/1", "/my/")]
    responses.append(anonymous.post("/login", data={}))
    html = [r for r in responses if r.mimetype == "text/html"]
    assert len(html) == len(responses)
    assert {r.status_code for r in html} >= {200, 302, 400, 403, 404}
    for r in html:
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert "default-src 'self'" in r.headers["Content-Security-Policy"]
