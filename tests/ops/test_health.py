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
    assert r.get_json() == {"status": "ok", "checks": {"database": {"ok": True}, "storage": {"ok": True}}}


def test_readyz_fails_when_storage_is_unwritable(app, client, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the storage directory should be")
    app.config["STORAGE_DIR"] = str(blocker / "storage")      # root cannot be kept out by chmod; this stops anyone
    r = client.get("/readyz")
    body = r.get_json()
    assert r.status_code == 503 and body["status"] == "unavailable"
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["storage"]["ok"] is False and body["checks"]["storage"]["error"]
    assert client.get("/healthz").status_code == 200      # alive, just not ready: do not restart it


@pytest.mark.parametrize("url", ["sqlite:////nonexistent-bianmin-dir/db.sqlite",
                                 "postgresql+psycopg://postgres@127.0.0.1:1/nowhere?connect_timeout=3"],
                         ids=["sqlite path", "postgresql port"])
def test_readyz_fails_when_the_database_url_is_wrong(url, tmp_path):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "STORAGE_DIR": str(tmp_path)})
    client = app.test_client()
    r = client.get("/readyz")
    body = r.get_json()
    assert r.status_code == 503
    assert body["checks"]["database"]["ok"] is False and body["checks"]["database"]["error"]
    assert body["checks"]["storage"] == {"ok": True}
    assert client.get("/healthz").get_json() == {"status": "ok"}
