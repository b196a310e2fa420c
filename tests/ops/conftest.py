"""Ops-test fixtures: free loopback ports, a local SMTP server (aiosmtpd), a Redis queue of the test's own."""
from __future__ import annotations

import os
import secrets
import socket
from datetime import date

import pytest
from sqlalchemy import update

from models import Application, User, db
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
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content or envelope.content))
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
    """BIANMIN_REDIS_URL set, on a queue no other test (or test run) shares; skipped without Redis, except on CI."""
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisDown
    try:
        Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except RedisDown:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    app.config.update(REDIS_URL=REDIS_URL, RQ_QUEUE=f"bianmin-test-{secrets.token_hex(4)}")
    with app.app_context():
        import tasks
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
