"""Ops-test fixtures: free loopback ports, a local SMTP server (aiosmtpd), a Redis queue of the test's own."""

from __future__ import annotations

import os
import secrets
import socket
from datetime import date

import pytest
from sqlalchemy import update

from models import Application, User, db
from tests.conftest import SERVICES_REQUIRED
from tests.engine.conftest import fast_pdf  # noqa: F401  (fixture)

REDIS_URL = os.environ.get("BIANMIN_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps every message it is given, as sent."""

    def __init__(self):
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            (envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content or envelope.content)
        )
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(app):
    """A real SMTP server on a free loopback port, and the app configured to use it."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port, SMTP_FROM="bianmin@harbin.example")
    yield inbox
    controller.stop()


@pytest.fixture
def rq_queue(app):
    """BIANMIN_REDIS_URL set, on a queue no other test (or test run) shares; skipped without Redis, except where
    the services are required (CI)."""
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisDown

    try:
        Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except RedisDown:
        if SERVICES_REQUIRED:
            raise
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    app.config.update(REDIS_URL=REDIS_URL, RQ_QUEUE=f"bianmin-test-{secrets.token_hex(4)}")
    with app.app_context():
        from infra import tasks

        q = tasks.queue()
    yield q
    q.delete(delete_jobs=True)


def set_email(app, username: str, email: str) -> None:
    with app.app_context():
        db.session.execute(update(User).where(User.username == username).values(email=email))
        db.session.commit()


def make_overdue(app, app_id: int, due: date = date(2026, 11, 2)) -> None:
    with app.app_context():
        db.session.execute(update(Application).where(Application.id == app_id).values(deadline_due=due))
        db.session.commit()


# --- a whole installation, the way an operator makes one, and a digest of everything it holds ----


def fresh_database(tmp_path, name: str = "db"):
    """(url, drop) of a new empty database: a throwaway PostgreSQL one when BIANMIN_TEST_DATABASE_URL is set."""
    from tests.conftest import PG_URL, _throwaway_postgres

    if PG_URL:
        return _throwaway_postgres()
    return f"sqlite:///{tmp_path / f'{name}.sqlite'}", None


def make_app(url: str, storage_dir):
    from app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "STORAGE_DIR": str(storage_dir), "SECRET_KEY": "ops-test"})


def close(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def table_rows(app, table: str) -> list[dict]:
    """Every row of `table`, ordered by primary key, as dicts (values as the driver returns them)."""
    from sqlalchemy import select

    with app.app_context():
        t = db.metadata.tables[table] if table in db.metadata.tables else None
        if t is None:
            from sqlalchemy import MetaData, Table

            t = Table(table, MetaData(), autoload_with=db.engine)
        order = list(t.primary_key.columns) or list(t.columns)
        return [dict(r._mapping) for r in db.session.execute(select(t).order_by(*order))]


def database_digest(app) -> dict[str, str]:
    """sha256 of every table's rows (alembic_version included), by table name."""
    import hashlib
    import json

    from sqlalchemy import inspect

    with app.app_context():
        names = sorted(inspect(db.engine).get_table_names())
    digest = {}
    for name in names:
        blob = json.dumps(table_rows(app, name), sort_keys=True, default=str, ensure_ascii=False)
        digest[name] = hashlib.sha256(blob.encode()).hexdigest()
    return digest


def storage_listing(root) -> dict[str, str]:
    """Relative path -> sha256 of every file under `root` (temporary files included)."""
    import hashlib
    from pathlib import Path

    root = Path(root)
    if not root.exists():
        return {}
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }
