"""Issue 14 items 6–7: the address printed in documents comes from configuration only, Host headers are
checked against a trusted list, and no installation signs sessions with a shared constant key; serving
through gunicorn.conf.py without BIANMIN_BASE_URL or BIANMIN_SECRET_KEY refuses to start."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask

from app import create_app
from infra import config
from tests.conftest import Api

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _gunicorn_check(env_extra: dict, tmp_path) -> subprocess.CompletedProcess:
    """gunicorn.conf.py read as gunicorn reads it (`--check-config`): the refusal comes before the app loads."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BIANMIN_", "PROMETHEUS_"))}
    env.update(
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path), BIANMIN_DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite'}", **env_extra
    )
    return subprocess.run(
        [BIN / "gunicorn", "-c", "gunicorn.conf.py", "--check-config", "app:create_app()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("missing", ["BIANMIN_BASE_URL", "BIANMIN_SECRET_KEY"])
def test_gunicorn_refuses_to_start_without_base_url_or_secret_key(tmp_path, missing):
    given = {"BIANMIN_BASE_URL": "https://bianmin.example.gov.cn", "BIANMIN_SECRET_KEY": "s" * 40}
    del given[missing]
    done = _gunicorn_check(given, tmp_path)
    assert done.returncode != 0
    assert missing in done.stderr and "must be set" in done.stderr and "必须设置" in done.stderr


def test_gunicorn_starts_with_both(tmp_path):
    done = _gunicorn_check(
        {"BIANMIN_BASE_URL": "https://bianmin.example.gov.cn", "BIANMIN_SECRET_KEY": "s" * 40}, tmp_path
    )
    assert done.returncode == 0, done.stderr


def _app(tmp_path, **cfg) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'c.sqlite'}",
            "STORAGE_DIR": str(tmp_path / "storage"),
            **cfg,
        }
    )


def test_without_a_secret_key_one_is_made_once_into_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("BIANMIN_SECRET_KEY", raising=False)
    first = config.secret_key(str(tmp_path))
    path = tmp_path / config.SECRET_FILE
    assert len(first) >= 64 and first != "dev-only-change-me"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert config.secret_key(str(tmp_path)) == first, "reused on the next start"
    other = tmp_path / "other"
    other.mkdir()
    assert config.secret_key(str(other)) != first, "each installation its own"


def test_the_app_never_signs_with_the_old_constant(tmp_path, monkeypatch):
    monkeypatch.delenv("BIANMIN_SECRET_KEY", raising=False)
    app = _app(tmp_path)
    assert app.config["SECRET_KEY"] and app.config["SECRET_KEY"] != "dev-only-change-me"
    assert app.config["SECRET_KEY"] == (Path(app.instance_path) / config.SECRET_FILE).read_text().strip()
    monkeypatch.setenv("BIANMIN_SECRET_KEY", "from-the-environment")
    assert _app(tmp_path).config["SECRET_KEY"] == "from-the-environment"


def test_unset_base_url_is_the_local_address_and_warns(tmp_path, monkeypatch, caplog):
    for name in ("BIANMIN_BASE_URL", "BIANMIN_HOST", "BIANMIN_PORT"):
        monkeypatch.delenv(name, raising=False)
    assert _app(tmp_path, BASE_URL="").config["BASE_URL"] == "http://127.0.0.1:5000"
    assert "BIANMIN_BASE_URL is not set" in caplog.text
    monkeypatch.setenv("BIANMIN_HOST", "192.0.2.10")
    monkeypatch.setenv("BIANMIN_PORT", "8080")
    assert _app(tmp_path).config["BASE_URL"] == "http://192.0.2.10:8080"


def test_trusted_hosts_default_to_the_base_url_host_and_local_names(tmp_path, monkeypatch):
    monkeypatch.delenv("BIANMIN_TRUSTED_HOSTS", raising=False)
    app = _app(tmp_path, BASE_URL="https://bianmin.example.gov.cn/")
    assert app.config["BASE_URL"] == "https://bianmin.example.gov.cn"
    assert app.config["TRUSTED_HOSTS"][0] == "bianmin.example.gov.cn" and "localhost" in app.config["TRUSTED_HOSTS"]
    monkeypatch.setenv("BIANMIN_TRUSTED_HOSTS", "a.example, .b.example")
    assert _app(tmp_path).config["TRUSTED_HOSTS"] == ["a.example", ".b.example"]


def test_a_forged_host_is_refused_with_400_in_both_shapes(app, client):
    page = client.get("/", headers={"Host": "verify-gov.evil.example"})
    assert page.status_code == 400 and "verify-gov.evil.example" not in page.get_data(as_text=True)
    api = client.get("/api/v1/procedures", headers={"Host": "verify-gov.evil.example"})
    assert api.status_code == 400 and api.get_json()["error"]["code"]
    assert client.get("/", headers={"Host": "bianmin.test"}).status_code == 200
    assert client.get("/healthz", headers={"Host": "127.0.0.1:8000"}).status_code == 200


def test_a_document_issued_under_a_forged_host_prints_the_configured_address(app, users, monkeypatch):
    """The probe: BIANMIN_BASE_URL empty, a fire filing submitted with Host: verify-gov.evil.example."""
    import pdf
    from tests.fire.test_fire_filing import FIRE_FIELDS

    snapshots = []
    real = pdf.render_for_signing
    monkeypatch.setattr(
        pdf, "render_for_signing", lambda kind, snapshot: snapshots.append(snapshot) or real(kind, snapshot)
    )
    for name in ("BIANMIN_BASE_URL", "BIANMIN_HOST", "BIANMIN_PORT"):
        monkeypatch.delenv(name, raising=False)
    probed = create_app(
        {key: app.config[key] for key in ("TESTING", "SQLALCHEMY_DATABASE_URI", "STORAGE_DIR", "TODAY")}
        | {"BASE_URL": ""}
    )
    probed.config["TRUSTED_HOSTS"] = None  # the probed copy checked no Host header at all
    api = Api(probed.test_client())
    host = {"Host": "verify-gov.evil.example"}
    r = api.post(
        "/api/v1/applications",
        "alice",
        headers=host,
        json={"procedure": "fire_filing", "fields": {**FIRE_FIELDS, "floor_area_m2": 120}},
    )
    assert r.status_code == 201, r.get_json()
    app_id = r.get_json()["id"]
    for kind in ("filing_form", "commitment_letter"):
        assert api.upload(app_id, kind).status_code == 201
    r = api.post(
        f"/api/v1/applications/{app_id}/events",
        "alice",
        headers=host,
        json={"event": "submit", "version": r.get_json()["version"]},
    )
    assert r.status_code == 200 and r.get_json()["state"] == "filed", r.get_json()
    docs = r.get_json()["documents"]
    assert docs and all(d["verify_url"].startswith("http://127.0.0.1:5000/verify/") for d in docs)
    assert snapshots and "evil.example" not in repr(snapshots)
    assert "http://127.0.0.1:5000/verify/" in repr(snapshots)
