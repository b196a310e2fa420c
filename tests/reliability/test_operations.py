"""Issue 15 item 4: one operation per data change, its security-log entry inside, called alike by the CLI,
the admin pages and the API — the same change leaves the same entry whichever way it was made."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from models import Authority, SecurityEvent, User, db
from tests.web.conftest import login  # noqa: F401  (fixture)

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "holidays-2027.example.csv"


def entries(app) -> list[tuple[str, str, str, dict]]:
    with app.app_context():
        return [
            (e.actor, e.action, e.target, e.data)
            for e in db.session.execute(select(SecurityEvent).order_by(SecurityEvent.seq)).scalars()
        ]


def ids(app, model, **where) -> int:
    with app.app_context():
        return db.session.execute(select(model.id).filter_by(**where)).scalar_one()


def three_ways(app, page, api, runner, by_page, by_api, by_cli) -> list[tuple]:
    """Make the change by each entry point in turn; the entry each one wrote, without its actor."""
    out = []
    for make in (by_page, by_api, by_cli):
        before = len(entries(app))
        make()
        new = entries(app)[before:]
        assert len(new) == 1, new
        out.append(new[0])
    assert [e[0] for e in out] == ["admin", "admin", "system"]  # the command line acts as the system
    return [e[1:] for e in out]


@pytest.fixture
def admin_page(login):
    return login("admin")


def test_an_authority_setting(app, users, api, runner, admin_page):
    housing = ids(app, Authority, division_code="230102", kind="housing")
    made = three_ways(
        app,
        admin_page,
        api,
        runner,
        lambda: admin_page.post(f"/admin/authorities/{housing}", data={"fire_mode": "fast_track"}),
        lambda: api.client.put(
            "/api/v1/authorities/230102:housing/settings",
            json={"fire_mode": "fast_track"},
            headers=api._headers("admin"),
        ),
        lambda: runner.invoke(args=["authorities", "set", "230102:housing", "fire_mode", "fast_track"]),
    )
    assert made == [("setting_changed", "230102:housing", {"name": "fire_mode", "value": "fast_track"})] * 3


def test_bad_settings_name_the_field_and_rule_everywhere(app, users, api, runner):
    r = api.client.put(
        "/api/v1/authorities/230102:housing/settings", json={"fire_mode": "fastest"}, headers=api._headers("admin")
    )
    assert r.status_code == 422 and r.get_json()["error"]["details"][0]["field"] == "fire_mode"
    r = api.client.put(
        "/api/v1/authorities/230102:market_regulation/settings",
        json={"fire_mode": "promise"},
        headers=api._headers("admin"),
    )
    assert r.status_code == 422
    result = runner.invoke(args=["authorities", "set", "230102:housing", "fire_mode", "fastest"])
    assert result.exit_code == 1 and "fire_mode" in result.output
    assert entries(app) == []


def test_unlock_lock_and_revoke(app, users, api, runner, admin_page):
    bob = ids(app, User, username="bob")
    for action, page_url, api_call, cli in (
        ("account_locked", f"/admin/users/{bob}/lock", ("POST", "/api/v1/users/bob/lock"), ["users", "lock", "bob"]),
        (
            "account_unlocked",
            f"/admin/users/{bob}/unlock",
            ("POST", "/api/v1/users/bob/unlock"),
            ["users", "unlock", "bob"],
        ),
        (
            "tokens_revoked",
            f"/admin/users/{bob}/revoke-tokens",
            ("DELETE", "/api/v1/users/bob/tokens"),
            ["users", "revoke-tokens", "bob"],
        ),
    ):
        made = three_ways(
            app,
            admin_page,
            api,
            runner,
            lambda page_url=page_url: admin_page.post(page_url),
            lambda api_call=api_call: api.client.open(api_call[1], method=api_call[0], headers=api._headers("admin")),
            lambda cli=cli: runner.invoke(args=cli),
        )
        assert {m[:2] for m in made} == {(action, "bob")} and len({repr(m) for m in made}) == 1, made


def test_creating_users(app, users, api, runner, admin_page):
    fields = {"password": "long-enough-1", "role": "clerk", "authority": "230102:market_regulation"}
    made = three_ways(
        app,
        admin_page,
        api,
        runner,
        lambda: admin_page.post("/admin/users", data={"username": "by_page", "display_name": "x", **fields}),
        lambda: api.client.post("/api/v1/users", json={"username": "by_api", **fields}, headers=api._headers("admin")),
        lambda: runner.invoke(
            args=[
                "users",
                "create",
                "--username",
                "by_cli",
                "--password",
                fields["password"],
                "--role",
                "clerk",
                "--authority",
                fields["authority"],
            ]
        ),
    )
    assert made == [
        ("user_created", name, {"role": "clerk", "authority": "230102:market_regulation"})
        for name in ("by_page", "by_api", "by_cli")
    ]
    r = api.client.post("/api/v1/users", json={"username": "by_api", **fields}, headers=api._headers("admin"))
    assert r.status_code == 422 and r.get_json()["error"]["details"][0] == {
        "field": "username",
        "rule": "unique",
        "message": "用户名已存在",
        "message_en": "username already exists",
    }


def test_holidays_by_page_then_cli_the_same_file_changes_nothing_the_second_time(app, users, api, runner, admin_page):
    text = EXAMPLE.read_text(encoding="utf-8")
    from io import BytesIO

    r = admin_page.post(
        "/admin/holidays", data={"file": (BytesIO(text.encode()), "h.csv")}, content_type="multipart/form-data"
    )
    assert r.status_code == 303
    first = entries(app)
    assert [(e[0], e[1]) for e in first] == [("admin", "holidays_loaded")]
    assert "nothing changed" in runner.invoke(args=["holidays", "load", str(EXAMPLE)]).output
    again = api.client.post("/api/v1/holidays", json={"text": text}, headers=api._headers("admin"))
    assert again.status_code == 200 and again.get_json()["changed"] is False
    r = admin_page.post(
        "/admin/holidays",
        data={"file": (BytesIO(text.encode()), "h.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "未作改动" in r.get_data(as_text=True)
    assert entries(app) == first, "the same file again: no entry, from the page or the CLI"


def test_the_views_and_commands_change_nothing_themselves():
    """Every admin/account change goes through workflows/operations: no view or command records an entry,
    sets a setting or writes a claim itself."""
    root = Path(__file__).resolve().parents[2]
    for path in [*root.glob("views/**/*.py"), *root.glob("cli/*.py")]:
        source = path.read_text(encoding="utf-8")
        assert "security.record(" not in source, path
        assert not re.search(r"\.settings = ", source), path
        assert "claimed_by_id=" not in source, path
        assert "holidays.load(" not in source, path


def test_one_editable_and_one_lang():
    root = Path(__file__).resolve().parents[2]
    sources = {
        p: p.read_text(encoding="utf-8")
        for p in [
            *root.glob("views/**/*.py"),
            *root.glob("workflows/**/*.py"),
            *root.glob("infra/*.py"),
            *root.glob("models/*.py"),
        ]
    }
    assert sum(len(re.findall(r"^EDITABLE = ", s, re.M)) for s in sources.values()) == 1
    assert sum(len(re.findall(r"^def _?lang\(", s, re.M)) for s in sources.values()) == 1
    assert sum(s.count("accept_languages.best_match") for s in sources.values()) == 1


def test_holidays_through_the_api_leave_the_same_entry_as_the_page(app, users, api, admin_page):
    text = EXAMPLE.read_text(encoding="utf-8")
    r = api.client.post("/api/v1/holidays", json={"text": text}, headers=api._headers("admin"))
    assert r.status_code == 200 and r.get_json()["changed"] is True
    by_api = entries(app)
    assert [(e[0], e[1]) for e in by_api] == [("admin", "holidays_loaded")]
    bad = api.client.post("/api/v1/holidays", json={"text": "2028-13-01,holiday,x"}, headers=api._headers("admin"))
    assert bad.status_code == 422 and bad.get_json()["error"]["details"][0]["field"] == "file"
    assert api.client.post("/api/v1/holidays", json={"text": text}, headers=api._headers("auditor")).status_code == 403
