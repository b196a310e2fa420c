"""/healthz answers while the process is up; /readyz says 503, and which check failed, when it cannot serve."""

from __future__ import annotations

import pytest

from app import create_app


def test_healthz_is_ok_without_touching_anything(client):
    r = client.get("/healthz")
    assert (r.status_code, r.get_json()) == (200, {"status": "ok"})


def test_readyz_checks_database_and_storage(client):
    r = client.get("/readyz")
    assert r.status_code == 200
    assert r.get_json() == {"status": "ok", "checks": {"database": "ok", "storage": "ok"}}


def test_readyz_fails_when_storage_is_unwritable(app, client, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the storage directory should be")
    app.config["STORAGE_DIR"] = str(blocker / "storage")  # root cannot be kept out by chmod; this stops anyone
    r = client.get("/readyz")
    body = r.get_json()
    assert r.status_code == 503 and body["status"] == "unavailable"
    assert body["checks"] == {"database": "ok", "storage": "failed"}
    assert "not-a-directory" not in r.get_data(as_text=True), "no paths to anyone asking"
    assert client.get("/healthz").status_code == 200  # alive, just not ready: do not restart it


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:////nonexistent-bianmin-dir/db.sqlite",
        "postgresql+psycopg://postgres@127.0.0.1:1/nowhere?connect_timeout=3",
    ],
    ids=["sqlite path", "postgresql port"],
)
def test_readyz_fails_when_the_database_url_is_wrong(url, tmp_path):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "STORAGE_DIR": str(tmp_path)})
    client = app.test_client()
    r = client.get("/readyz")
    body = r.get_json()
    assert r.status_code == 503
    assert body["checks"] == {"database": "failed", "storage": "ok"}
    text = r.get_data(as_text=True)
    assert "127.0.0.1" not in text and "nonexistent" not in text and "5432" not in text, "the check's name only"
    assert client.get("/healthz").get_json() == {"status": "ok"}


# --- issue 14 item 9: a service down is a 503 with Retry-After, never a 500 ---------------------------------

DOWN = "postgresql+psycopg://postgres@127.0.0.1:1/nowhere?connect_timeout=3"


@pytest.fixture
def down(tmp_path):
    """An app whose database cannot be reached (nothing listens on port 1)."""
    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": DOWN,
            "STORAGE_DIR": str(tmp_path),
            "SECRET_KEY": "down",
            "BASE_URL": "http://bianmin.test",
            "WTF_CSRF_ENABLED": False,
        }
    )


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("GET", "/api/v1/applications", None),
        ("POST", "/api/v1/tokens", {"username": "alice", "password": "x-1234567"}),
        ("GET", "/api/v1/verify/abc", None),
        ("GET", "/api/v1/draws", None),
        ("GET", "/api/v1/calendar/add-working-days?from=2027-01-04&days=3", None),
    ],
)
def test_the_api_answers_503_with_retry_after_when_the_database_is_down(down, method, path, body):
    r = down.test_client().open(path, method=method, json=body, headers={"Authorization": "Bearer abc"})
    assert r.status_code == 503, r.get_data(as_text=True)[:300]
    assert r.headers["Retry-After"].isdigit()
    error = r.get_json()["error"]
    assert error["code"] == "database_unavailable" and error["message"]
    assert "127.0.0.1" not in r.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/my/", "/console/", "/verify/abc", "/login"])
def test_pages_answer_a_friendly_503_in_both_languages(down, path):
    client = down.test_client()
    with client.session_transaction() as session:  # a logged-in browser: its user is looked up first
        session["_user_id"], session["_fresh"], session["epoch"] = "1", True, 0
    r = client.get(path) if path != "/login" else client.post(path, data={"username": "a", "password": "b"})
    assert r.status_code == 503, (path, r.status_code)
    text = r.get_data(as_text=True)
    assert "服务暂时不可用" in text and "Service unavailable" in text and r.headers["Retry-After"].isdigit()
    assert down.test_client().get("/healthz").status_code == 200


def test_read_only_storage_while_issuing_a_document_is_a_clear_503_and_writes_nothing(app, api, monkeypatch):
    import errno

    from infra import storage
    from models import Application, Document, db

    body = api.submitted()

    def read_only(*_a, **_k):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(storage, "write_on_commit", read_only)
    r = api.fire(body["id"], "register", "clerk_daoli")
    assert r.status_code == 503 and r.headers["Retry-After"].isdigit(), r.get_data(as_text=True)[:300]
    assert r.get_json()["error"]["code"] == "storage_unavailable"
    with app.app_context():
        assert db.session.get(Application, body["id"]).state == "submitted"
        assert db.session.execute(db.select(Document)).first() is None
