"""Fixtures: an app on a throwaway database (SQLite, or PostgreSQL when BIANMIN_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import atexit
import io
import os
import secrets
import shutil
import tempfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text, update

from app import create_app
from infra.extensions import dispose_engines
from models import Authority, db
from pdf.keys import KeyStore
from vocabulary import AUTHORITY_KINDS, CITY, DIVISIONS, authority_name
from workflows import accounts
from workflows.reference import ensure_reference_data

REFERENCE_TABLES = {"divisions", "authorities", "alembic_version"}
PG_URL = os.environ.get("BIANMIN_TEST_DATABASE_URL", "")
# CI (.ci/run sets BIANMIN_REQUIRE_POSTGRES) starts PostgreSQL and Redis: there, a service that is down is a
# failure, never a skip
SERVICES_REQUIRED = bool(os.environ.get("BIANMIN_REQUIRE_POSTGRES") or os.environ.get("CI"))
FIXED_TODAY = date(2026, 11, 25)  # a Wednesday: 3 working days later is Monday 2026-11-30
KEYS_PASSPHRASE = "test-keys-passphrase"


def _signing_keys() -> Path:
    """A deployment CA and a certificate for every authority, made once per test process (~0.5 s) and handed to
    every app by the environment, so that apps made by tests, CLI runs and subprocesses (gunicorn, workers) all
    sign with them. Tests of the key commands point KEYS_DIR elsewhere."""
    directory = Path(tempfile.mkdtemp(prefix="bianmin-test-keys-"))
    atexit.register(shutil.rmtree, directory, True)
    store = KeyStore(directory, KEYS_PASSPHRASE)
    store.ensure_ca()
    for code in [CITY[0], *DIVISIONS]:
        for kind in AUTHORITY_KINDS:
            store.issue(f"{code}:{kind}", authority_name(code, kind))
    os.environ["BIANMIN_KEYS_DIR"], os.environ["BIANMIN_KEYS_PASSPHRASE"] = str(directory), KEYS_PASSPHRASE
    return directory


KEYS_DIR = _signing_keys()


def _throwaway_postgres() -> tuple[str, callable]:
    name = f"bianmin_test_{os.getpid()}_{secrets.token_hex(4)}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_URL.rsplit("/", 1)[0] + f"/{name}"

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if PG_URL:
        url, drop = _throwaway_postgres()
        yield url
        drop()
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


@pytest.fixture(scope="session")
def _schema(database_url, tmp_path_factory):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "STORAGE_DIR": str(tmp_path_factory.mktemp("storage")),
        }
    )
    with app.app_context():
        db.create_all()
        ensure_reference_data()
        db.session.remove()
        db.engine.dispose()
    return database_url


@pytest.fixture
def app(_schema, tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": _schema,
            "STORAGE_DIR": str(tmp_path / "storage"),
            "WTF_CSRF_ENABLED": False,
            "TODAY": FIXED_TODAY,
            "BASE_URL": "http://bianmin.test",
            "KEYS_DIR": str(KEYS_DIR),
            "KEYS_PASSPHRASE": KEYS_PASSPHRASE,
        }
    )
    with app.app_context():
        _empty_business_tables()
    yield app
    dispose_engines(app)


def _empty_business_tables():
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("TRUNCATE " + ", ".join(t.name for t in tables) + " RESTART IDENTITY CASCADE"))
    else:
        for t in tables:
            db.session.execute(t.delete())
    db.session.execute(update(Authority).values(settings={}))  # settings live on a reference table
    db.session.commit()


@pytest.fixture(autouse=True)
def _cheap_password_hashes(monkeypatch):
    """scrypt for a dozen fixture users costs ~1 s per test; these tests are not about hash strength."""
    from functools import partial

    from werkzeug.security import generate_password_hash

    monkeypatch.setattr("models.user.generate_password_hash", partial(generate_password_hash, method="pbkdf2:sha256:1"))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


STAFF = [
    ("clerk_daoli", "clerk", "230102:market_regulation"),
    ("approver_daoli", "approver", "230102:market_regulation"),
    ("clerk_nangang", "clerk", "230103:market_regulation"),
    ("approver_nangang", "approver", "230103:market_regulation"),
    ("reviewer_daoli", "reviewer", "230102:civil_affairs"),
    ("inspector_daoli", "inspector", "230102:housing"),
    ("clerk_daoli_housing", "clerk", "230102:housing"),
]
PEOPLE = [
    ("alice", "applicant", None),
    ("bob", "applicant", None),
    ("admin", "admin", None),
    ("auditor", "auditor", None),
]
PASSWORD = "correct-horse-9"


@pytest.fixture
def users(app):
    with app.app_context():
        for name, role, authority in STAFF + PEOPLE:
            accounts.create_user(name, PASSWORD, role, authority, display_name=name)
        db.session.commit()
    return {name: name for name, _r, _a in STAFF + PEOPLE}


class Api:
    """Real requests through the test client, with a bearer token per user."""

    def __init__(self, client):
        self.client, self.tokens = client, {}

    def token(self, username: str) -> str:
        if username not in self.tokens:
            r = self.client.post("/api/v1/tokens", json={"username": username, "password": PASSWORD})
            assert r.status_code == 201, r.get_json()
            self.tokens[username] = r.get_json()["token"]
        return self.tokens[username]

    def _headers(self, user, extra=None):
        h = {"Authorization": f"Bearer {self.token(user)}"} if user else {}
        return {**h, **(extra or {})}

    def get(self, url, user=None, **kw):
        return self.client.get(url, headers=self._headers(user, kw.pop("headers", None)), **kw)

    def post(self, url, user=None, **kw):
        return self.client.post(url, headers=self._headers(user, kw.pop("headers", None)), **kw)

    def patch(self, url, user=None, **kw):
        return self.client.patch(url, headers=self._headers(user, kw.pop("headers", None)), **kw)

    def delete(self, url, user=None, **kw):
        return self.client.delete(url, headers=self._headers(user, kw.pop("headers", None)), **kw)

    # --- premise_addition helpers -----------------------------------------------------------
    def draft(self, user="alice", **fields):
        r = self.post(
            "/api/v1/applications",
            user,
            json={"procedure": "premise_addition", "fields": {**premise_fields(), **fields}},
        )
        assert r.status_code == 201, r.get_json()
        return r.get_json()

    def upload(self, app_id, kind="premise_use_document", user="alice", data=None, filename="lease.pdf"):
        data = PDF_BYTES if data is None else data
        return self.post(
            f"/api/v1/applications/{app_id}/attachments",
            user,
            data={"kind": kind, "file": (io.BytesIO(data), filename)},
            content_type="multipart/form-data",
        )

    def fire(self, app_id, event, user, data=None, version=None, comment=None):
        if version is None:
            version = self.get(f"/api/v1/applications/{app_id}", user).get_json()["version"]
        body = {"event": event, "version": version}
        if data is not None:
            body["data"] = data
        if comment is not None:
            body["comment"] = comment
        return self.post(f"/api/v1/applications/{app_id}/events", user, json=body)

    def submitted(self, user="alice", **fields):
        app = self.draft(user, **fields)
        assert self.upload(app["id"], user=user).status_code == 201
        r = self.fire(app["id"], "submit", user)
        assert r.status_code == 200, r.get_json()
        return r.get_json()


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def premise_fields(**over) -> dict:
    return {
        "enterprise_name": "哈尔滨市便民家政服务有限公司",
        "credit_code": "91330100716105852F",
        "domicile_address": "哈尔滨市道里区经纬街266号院1号楼101室",
        "domicile_division": "230102",
        "service_category": "housekeeping",
        "premise_address": "索菲亚小区3号楼1单元102室",
        "premise_division": "230102",
        "premise_street": "230102001",
        "business_scope": "家政服务",
        "needs_prior_licence": False,
        **over,
    }


@pytest.fixture
def api(client, users):
    return Api(client)


@pytest.fixture(scope="session")
def nss(tmp_path_factory):
    """pdfsig -nssdir values: 'trusted' has the test CA as a root, 'empty' trusts nothing."""
    from tests.signing import nss_database

    base = tmp_path_factory.mktemp("nss")
    return {
        "trusted": nss_database(base / "trusted", KEYS_DIR / "ca.crt.pem"),
        "empty": nss_database(base / "empty", None),
    }
