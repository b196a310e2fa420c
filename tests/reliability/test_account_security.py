"""Web hygiene and tamper evidence around accounts (issue 7, items 6–7): lockout per account and per network
address with an audited unlock by an admin; API tokens that can be revoked; the security log, hash-chained
like the audit trail, read by the auditor and checked by `flask audit verify`; the OpenAPI description
covering every route of the API."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from models import SecurityEvent, User, db
from tests.conftest import PASSWORD
from tests.web.conftest import login  # noqa: F401  (fixture: a logged-in test client)
from views.api.openapi import document

ATTACKER, NEIGHBOUR = "203.0.113.7", "198.51.100.20"


def web_login(client, username, password=PASSWORD, address=ATTACKER):
    return client.post(
        "/login", data={"username": username, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def api_login(client, username, password=PASSWORD, address=ATTACKER):
    return client.post(
        "/api/v1/tokens", json={"username": username, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def actions(app) -> list[tuple[str, str, str]]:
    with app.app_context():
        return [
            (e.actor, e.action, e.target)
            for e in db.session.execute(select(SecurityEvent).order_by(SecurityEvent.seq)).scalars()
        ]


@pytest.fixture
def small_limits(app):
    app.config.update(LOCKOUT_FAILURES=3, LOCKOUT_ADDRESS_FAILURES=6)


def test_an_address_spraying_passwords_over_many_accounts_is_locked_out(app, client, users, small_limits):
    for i in range(6):  # two tries on each of three names: no account reaches its own limit
        r = api_login(client, ["alice", "bob", "nobody"][i % 3], "wrong-password-1")
        assert r.status_code == 401, r.get_json()
    r = api_login(client, "alice")  # the right password, from the locked address
    assert r.status_code == 423 and "网络地址" in r.get_json()["error"]["message"]
    assert web_login(app.test_client(), "alice").status_code == 423, "the pages are locked for it too"
    assert api_login(client, "alice", address=NEIGHBOUR).status_code == 201, "other addresses are not"
    assert ("system", "address_locked", ATTACKER) in actions(app)


def test_an_admin_unlocks_an_account_through_the_pages_and_it_is_logged(app, client, users, login, small_limits):
    for _ in range(3):
        api_login(client, "alice", "wrong-password-1", address=f"192.0.2.{_}")
    assert api_login(client, "alice", address=NEIGHBOUR).status_code == 423
    assert ("system", "account_locked", "alice") in actions(app)

    auditor = login("auditor")
    page = auditor.get("/admin/security")
    assert page.status_code == 200 and 'data-user="alice"' in page.get_data(as_text=True)
    with app.app_context():
        alice_id = db.session.execute(select(User.id).where(User.username == "alice")).scalar_one()
    assert auditor.post(f"/admin/users/{alice_id}/unlock").status_code == 403, "the auditor reads, never acts"
    assert login("clerk_daoli").get("/admin/security").status_code == 403

    admin = login("admin")
    r = admin.post(f"/admin/users/{alice_id}/unlock", follow_redirects=True)
    assert r.status_code == 200 and "已解锁账户 alice" in r.get_data(as_text=True)
    assert api_login(client, "alice", address=NEIGHBOUR).status_code == 201
    assert ("admin", "account_unlocked", "alice") in actions(app)


def test_an_admin_unlocks_an_address_through_the_api(app, client, users, api, small_limits):
    for _ in range(6):
        api_login(client, "nobody", "wrong-password-1")
    assert api_login(client, "bob").status_code == 423
    body = {"address": ATTACKER}
    assert client.post("/api/v1/addresses/unlock", json=body, headers=api._headers("clerk_daoli")).status_code == 403
    r = client.post("/api/v1/addresses/unlock", json=body, headers=api._headers("admin"))
    assert r.status_code == 200, r.get_json()
    assert api_login(client, "bob").status_code == 201
    again = client.post("/api/v1/addresses/unlock", json=body, headers=api._headers("admin"))
    assert again.status_code == 404, "unlocking what is not locked says so"
    bad = client.post("/api/v1/addresses/unlock", json={"address": ""}, headers=api._headers("admin"))
    assert bad.status_code == 422 and bad.get_json()["error"]["details"][0]["field"] == "address"
    assert ("admin", "address_unlocked", ATTACKER) in actions(app)


def test_a_token_revoked_by_its_holder_stops_working(client, users):
    token = api_login(client, "alice").get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/applications", headers=headers).status_code == 200
    assert client.delete("/api/v1/tokens/current", headers=headers).status_code == 204
    assert client.get("/api/v1/applications", headers=headers).status_code == 401
    assert client.delete("/api/v1/tokens/current", headers=headers).status_code == 401


def test_an_admin_revokes_every_token_of_a_user(app, client, users, api, login):
    tokens = [api_login(client, "bob").get_json()["token"] for _ in range(2)]
    assert client.delete("/api/v1/users/bob/tokens", headers=api._headers("auditor")).status_code == 403
    r = client.delete("/api/v1/users/bob/tokens", headers=api._headers("admin"))
    assert r.status_code == 200 and r.get_json()["revoked"] >= 2
    for token in tokens:
        assert client.get("/api/v1/applications", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert client.delete("/api/v1/users/nobody/tokens", headers=api._headers("admin")).status_code == 404
    with app.app_context():
        bob = db.session.execute(select(User.id).where(User.username == "bob")).scalar_one()
    assert login("admin").post(f"/admin/users/{bob}/revoke-tokens").status_code == 303
    assert [a for a in actions(app) if a[1] == "tokens_revoked"] == [("admin", "tokens_revoked", "bob")] * 2


def test_admin_actions_are_in_the_security_log_and_a_forged_entry_is_caught(app, users, login, runner):
    admin = login("admin")
    assert (
        admin.post(
            "/admin/users",
            data={
                "username": "newclerk",
                "display_name": "新",
                "password": "long-enough-1",
                "role": "clerk",
                "authority": "230102:market_regulation",
            },
        ).status_code
        == 303
    )
    housing = admin.get("/admin/authorities").get_data(as_text=True)
    authority_id = re.search(r'id="authority-(\d+)"', housing).group(1)
    assert admin.post(f"/admin/authorities/{authority_id}", data={"fire_mode": "fast_track"}).status_code == 303
    assert [a[1] for a in actions(app)] == ["user_created", "setting_changed"]
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    assert 'data-intact="true"' in login("auditor").get("/admin/security").get_data(as_text=True)

    with app.app_context():  # behind the app's back: the admin "never" created that clerk
        db.session.execute(update(SecurityEvent).where(SecurityEvent.seq == 1).values(target="someone_else"))
        db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "security log entry 1" in result.output
    assert 'data-intact="false"' in login("auditor").get("/admin/security").get_data(as_text=True)

    with app.app_context():  # deleting the evidence breaks the chain too
        db.session.execute(SecurityEvent.__table__.delete().where(SecurityEvent.seq == 1))
        db.session.commit()
    assert "entry 1 is missing" in runner.invoke(args=["audit", "verify"]).output


def test_the_openapi_document_describes_every_api_route(app):
    described = {(path, method) for path, ops in document()["paths"].items() for method in ops}
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if (path, method.lower()) not in described:
                missing.append((method, path))
    assert not missing, missing


def test_session_cookie_is_httponly_lax_and_secure_only_over_https(app, users):
    plain = app.test_client().post("/login", data={"username": "alice", "password": PASSWORD})
    tls = app.test_client().post(
        "/login", data={"username": "alice", "password": PASSWORD}, base_url="https://bianmin.test"
    )
    cookie = {"plain": plain.headers["Set-Cookie"], "tls": tls.headers["Set-Cookie"]}
    for value in cookie.values():
        assert "HttpOnly" in value and "SameSite=Lax" in value, value
    assert "Secure" not in cookie["plain"], "a plain-HTTP development server could not send it back"
    assert "Secure" in cookie["tls"], "over HTTPS (nginx's X-Forwarded-Proto reaches the app through gunicorn)"


@pytest.mark.parametrize(
    "password, rule",
    [
        ("short1", "min_length"),
        ("onlyletters", "letters_and_digits"),
        ("1234567890", "letters_and_digits"),
        ("newuser12", "not_username"),
        ("a1" * 65, "max_length"),
    ],
)
def test_the_password_policy_names_the_rule(app, password, rule):
    from workflows import accounts
    from workflows.errors import Invalid

    with app.app_context():
        with pytest.raises(Invalid) as caught:
            accounts.create_user("newuser12", password, "applicant")
        assert [d["rule"] for d in caught.value.details if d["field"] == "password"] == [rule]
        assert accounts.create_user("newuser12", "long-enough-1", "applicant").check_password("long-enough-1")


def test_registration_page_shows_the_password_rule(client):
    r = client.post(
        "/register",
        data={"username": "newuser12", "password": "onlyletters", "confirm": "onlyletters", "display_name": "新用户"},
    )
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and "密码须同时包含字母和数字" in page and 'value="newuser12"' in page


def test_the_machine_itself_is_never_address_locked(app, client, users, small_limits):
    """Cron jobs and health checks on 127.0.0.1 keep working whatever fails there (LOCKOUT_ADDRESS_EXEMPT)."""
    for i in range(8):
        assert api_login(client, f"nobody{i}", "wrong-password-1", address="127.0.0.1").status_code == 401
    assert api_login(client, "alice", address="127.0.0.1").status_code == 201
    assert [a for a in actions(app) if a[1] == "address_locked"] == []


def test_behind_nginx_the_forwarded_address_is_the_one_locked(app, users, small_limits):
    """With BIANMIN_PROXY_COUNT=1 the client's address comes from nginx's X-Forwarded-For (all requests reach
    the app from 127.0.0.1), so one client is locked out and the others behind the same proxy are not."""
    from app import create_app

    proxied = create_app(
        {
            **{
                k: app.config[k]
                for k in ("TESTING", "SQLALCHEMY_DATABASE_URI", "STORAGE_DIR", "WTF_CSRF_ENABLED", "TODAY", "BASE_URL")
            },
            "PROXY_COUNT": 1,
            "LOCKOUT_FAILURES": 3,
            "LOCKOUT_ADDRESS_FAILURES": 6,
        }
    )
    client = proxied.test_client()

    def login_via_nginx(username, password, client_ip):
        return client.post(
            "/api/v1/tokens",
            json={"username": username, "password": password},
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
            headers={"X-Forwarded-For": client_ip},
        )

    for i in range(6):
        assert login_via_nginx(f"nobody{i}", "wrong-password-1", ATTACKER).status_code == 401
    assert login_via_nginx("alice", PASSWORD, ATTACKER).status_code == 423
    assert login_via_nginx("alice", PASSWORD, NEIGHBOUR).status_code == 201
    assert ("system", "address_locked", ATTACKER) in actions(app)
