"""Register tests: the reliability tests' World (every role in the authorities the procedures involve, tokens,
`bring(procedure, state)` through the API) and small readers of the register and its audit trail."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import AuditEntry, RegisterEntry, db
from tests.engine.conftest import fast_pdf  # noqa: F401  (fixture)
from tests.reliability.world import World

KINDS = ("market_regulation", "natural_resources", "civil_affairs", "housing", "government", "health")


@pytest.fixture
def world(app, client, fast_pdf):  # noqa: F811
    return World(app, client).populate(KINDS)


@pytest.fixture
def entry_of(app):
    """entry_of(application id) -> its register entry's columns, or None."""

    def read(app_id: int) -> dict | None:
        with app.app_context():
            row = db.session.execute(select(RegisterEntry).where(RegisterEntry.application_id == app_id)).scalar()
            out = {c.name: getattr(row, c.name) for c in RegisterEntry.__table__.columns} if row else None
            db.session.remove()
            return out

    return read


@pytest.fixture
def recorded(app):
    """recorded(application id) -> the register changes its audit trail keeps, oldest first: (event, status)."""

    def read(app_id: int) -> list[tuple[str, str]]:
        with app.app_context():
            rows = (
                db.session.execute(
                    select(AuditEntry).where(AuditEntry.application_id == app_id).order_by(AuditEntry.seq)
                )
                .scalars()
                .all()
            )
            out = [(r.event, r.data["register"]["status"]) for r in rows if "register" in (r.data or {})]
            db.session.remove()
            return out

    return read


@pytest.fixture
def checked(app):
    """The registers against their decisions (what `flask registers check` runs): the problems found."""

    def run() -> list[str]:
        from workflows.register_rebuild import check

        with app.app_context():
            problems = check(db.session.connection())
            db.session.remove()
            return problems

    return run


@pytest.fixture
def login(app, world):
    """login("alice") -> a test client with that person's session (CSRF is off in tests)."""
    from tests.conftest import PASSWORD

    def make(username: str, lang: str = "zh"):
        client = app.test_client()
        if lang == "en":
            client.set_cookie("bianmin_lang", "en")
        r = client.post("/login", data={"username": username, "password": PASSWORD})
        assert r.status_code == 302, r.data.decode()[:300]
        return client

    return make
