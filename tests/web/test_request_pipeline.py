"""The request hooks made cheaper in issue 19 still do their work: no session cookie for a request that has none,
the session as before once logged in, NUL still refused in a query and a form, CSRF still checked on a POST."""

from __future__ import annotations

from tests.web.pages import html


def test_a_request_without_a_session_gets_no_cookie(client):
    r = client.get("/api/v1/verify/no-such-token")
    assert r.status_code == 404
    assert "Set-Cookie" not in r.headers and r.headers["X-Request-ID"]
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    # a page with a form still starts a session for its CSRF token
    assert "Set-Cookie" in client.get("/login").headers


def test_a_logged_in_session_still_works(login):
    clerk = login("clerk_daoli")
    r = clerk.get("/console/")
    assert r.status_code == 200 and "Cookie" in r.headers.get("Vary", "")


def test_nul_is_still_refused_in_a_query_and_a_form(client):
    assert client.get("/registers/premises?q=a%00b").status_code == 400
    assert client.get("/registers/premises?q=%E4%BE%BF%E6%B0%91").status_code == 200
    r = client.post("/login", data={"username": "a\x00b", "password": "x"}, follow_redirects=True)
    assert r.status_code == 400 or "NUL" in html(r)
