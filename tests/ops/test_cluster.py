"""Two app servers and one RQ worker on one PostgreSQL and one Redis: every event is recorded exactly once.

Two gunicorn masters (separate processes, separate ports) share a throwaway PostgreSQL database, the
storage directory and a Redis queue of this test's own (Redis db 15, a random queue name); a
`flask worker` process sends the notification e-mail to an aiosmtpd server in this process. Every
application's requests alternate between the two servers, several applications at once, and a
token issued by one server is used on the other (sessions and tokens live in the database, not in
a process). Two clerks firing the same event on the same version through different servers at the
same moment: exactly one succeeds.

PostgreSQL only (SQLite has one writer and no shared server): skipped on SQLite runs (bin/test's
PostgreSQL pass runs it); with BIANMIN_REQUIRE_POSTGRES set, an unreachable PostgreSQL is a failure,
and so is an unreachable Redis in the PostgreSQL pass.
"""

from __future__ import annotations

import email
import email.policy
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from models import AuditEntry, Document, Notification, User, db
from tests.conftest import (
    KEYS_DIR,
    KEYS_PASSPHRASE,
    PASSWORD,
    PDF_BYTES,
    PG_URL,
    SERVICES_REQUIRED,
    _throwaway_postgres,
    premise_fields,
)
from tests.ops.conftest import REDIS_URL, Inbox, close, free_port, make_app, storage_listing
from workflows import accounts

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
APPLICATIONS = 6
PATH = ["create", "submit", "accept", "request_correction", "resubmit", "register"]
CORRECTION = {"items": [{"field": "premise_address", "reason": "门牌号不清"}]}
PEOPLE = [
    ("alice", "applicant", None),
    ("bob", "applicant", None),
    ("clerk_daoli", "clerk", "230102:market_regulation"),
    ("approver_daoli", "approver", "230102:market_regulation"),
]


def _require(reason: str):
    if SERVICES_REQUIRED:
        pytest.fail(reason + " (BIANMIN_REQUIRE_POSTGRES is set)")
    pytest.skip(reason)


def _postgres_reachable() -> bool:
    import psycopg

    url = os.environ.get("BIANMIN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    try:
        psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), connect_timeout=3).close()
    except psycopg.Error:
        return False
    return True


def _skip_on_sqlite_runs():
    """The SQLite pass of bin/test skips; the PostgreSQL pass runs this. Required but unreachable: fail."""
    if os.environ.get("BIANMIN_REQUIRE_POSTGRES") and not _postgres_reachable():
        pytest.fail("BIANMIN_REQUIRE_POSTGRES is set but PostgreSQL is not reachable")
    pytest.skip("two app servers need a shared PostgreSQL: runs when BIANMIN_TEST_DATABASE_URL is set")


def _wait_for(predicate, seconds: float, what: str, logs=()):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    pytest.fail(f"{what} within {seconds} s\n" + "\n".join(p.read_text(errors="replace")[-4000:] for p in logs))


@pytest.fixture
def cluster(tmp_path):
    if not PG_URL:
        _skip_on_sqlite_runs()
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisDown

    redis = Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        redis.ping()
    except RedisDown:
        _require(f"Redis not reachable at {REDIS_URL}")
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()

    url, drop = _throwaway_postgres()
    app = make_app(url, tmp_path / "storage")
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        for name, role, authority in PEOPLE:
            user = accounts.create_user(name, PASSWORD, role, authority, display_name=name)
            user.email = f"{name}@harbin.example"
        db.session.commit()

    queue = f"bianmin-cluster-{secrets.token_hex(4)}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BIANMIN_", "PROMETHEUS_"))}
    env.update(
        BIANMIN_DATABASE_URL=url,
        BIANMIN_STORAGE_DIR=str(tmp_path / "storage"),
        BIANMIN_SECRET_KEY="one-secret-for-every-server",
        BIANMIN_REDIS_URL=REDIS_URL,
        BIANMIN_RQ_QUEUE=queue,
        BIANMIN_SMTP_HOST="127.0.0.1",
        BIANMIN_SMTP_PORT=str(smtp.port),
        BIANMIN_SMTP_FROM="bianmin@harbin.example",
        BIANMIN_BASE_URL="http://bianmin.test",
        # the test session's signing keys (tests/conftest.py), not an instance folder's
        BIANMIN_KEYS_DIR=str(KEYS_DIR),
        BIANMIN_KEYS_PASSPHRASE=KEYS_PASSPHRASE,
    )
    procs, logs, bases = [], [], []
    try:
        for n in (1, 2):
            port = free_port()
            metrics = tmp_path / f"metrics{n}"
            metrics.mkdir()
            log = tmp_path / f"server{n}.log"
            procs.append(
                subprocess.Popen(
                    [BIN / "gunicorn", "-c", "gunicorn.conf.py", "app:create_app()"],
                    cwd=ROOT,
                    env={
                        **env,
                        "BIANMIN_BIND": f"127.0.0.1:{port}",
                        "BIANMIN_WORKERS": "1",
                        "PROMETHEUS_MULTIPROC_DIR": str(metrics),
                    },
                    stdout=open(log, "wb"),
                    stderr=subprocess.STDOUT,
                )
            )
            logs.append(log)
            bases.append(f"http://127.0.0.1:{port}")
        worker_log = tmp_path / "worker.log"
        procs.append(
            subprocess.Popen(
                [BIN / "flask", "--app", "app", "worker"],
                cwd=ROOT,
                env=env,
                stdout=open(worker_log, "wb"),
                stderr=subprocess.STDOUT,
            )
        )
        logs.append(worker_log)

        def up(base):
            try:
                return requests.get(base + "/readyz", timeout=5).status_code == 200
            except requests.RequestException:  # not listening yet, or still importing the app
                return False

        for proc in procs:
            assert proc.poll() is None, "\n".join(p.read_text() for p in logs)
        _wait_for(lambda: all(up(b) for b in bases), 60, "both servers did not become ready", logs)
        from rq import Queue, Worker

        rq_queue = Queue(queue, connection=redis)
        _wait_for(
            lambda: any(queue in w.queue_names() for w in Worker.all(connection=redis)),
            30,
            "the worker did not register",
            logs,
        )
        yield {
            "app": app,
            "bases": bases,
            "inbox": inbox,
            "queue": rq_queue,
            "logs": logs,
            "storage": tmp_path / "storage",
        }
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        from rq import Queue

        Queue(queue, connection=redis).delete(delete_jobs=True)
        smtp.stop()
        close(app)
        drop()


class Client:
    """Bearer-token requests; server i of `bases` is chosen per call."""

    def __init__(self, bases):
        self.bases, self.tokens = bases, {}
        self.http = requests.Session()

    def token(self, user: str) -> str:
        if user not in self.tokens:  # issued by the first server, used on both
            r = self.http.post(
                self.bases[0] + "/api/v1/tokens", json={"username": user, "password": PASSWORD}, timeout=30
            )
            assert r.status_code == 201, r.text
            self.tokens[user] = r.json()["token"]
        return self.tokens[user]

    def call(self, server: int, method: str, path: str, user: str, **kw):
        headers = {"Authorization": f"Bearer {self.token(user)}"}
        return requests.request(method, self.bases[server] + path, headers=headers, timeout=60, **kw)

    def fire(self, server, app_id, event, user, data=None, version=None):
        if version is None:
            version = self.call(1 - server, "GET", f"/api/v1/applications/{app_id}", user).json()["version"]
        body = {"event": event, "version": version, **({"data": data} if data is not None else {})}
        return self.call(server, "POST", f"/api/v1/applications/{app_id}/events", user, json=body)


def one_application(client: Client, n: int) -> int:
    """draft, upload, submit, accept, request_correction, resubmit, register: each request on the other server."""
    applicant = ("alice", "bob")[n % 2]
    turn = iter(range(100))

    def server():
        return (next(turn) + n) % 2

    r = client.call(
        server(),
        "POST",
        "/api/v1/applications",
        applicant,
        json={"procedure": "premise_addition", "fields": premise_fields(premise_address=f"中央大街{n + 1}号")},
    )
    assert r.status_code == 201, r.text
    app_id = r.json()["id"]
    r = client.call(
        server(),
        "POST",
        f"/api/v1/applications/{app_id}/attachments",
        applicant,
        data={"kind": "premise_use_document"},
        files={"file": ("lease.pdf", PDF_BYTES, "application/pdf")},
    )
    assert r.status_code == 201, r.text
    for event, user, data in [
        ("submit", applicant, None),
        ("accept", "clerk_daoli", None),
        ("request_correction", "clerk_daoli", CORRECTION),
        ("resubmit", applicant, {"answers": {"premise_address": "门牌号为索菲亚小区3号楼1单元102室"}}),
        ("register", "clerk_daoli", None),
    ]:
        r = client.fire(server(), app_id, event, user, data)
        assert r.status_code == 200, (event, r.status_code, r.text)
    return app_id


def test_two_servers_and_a_worker_record_every_event_once(cluster):
    app, bases, inbox, rq_queue = cluster["app"], cluster["bases"], cluster["inbox"], cluster["queue"]
    client = Client(bases)
    for user, _r, _a in PEOPLE:
        client.token(user)

    with ThreadPoolExecutor(max_workers=4) as pool:
        ids = list(pool.map(lambda n: one_application(client, n), range(APPLICATIONS)))
    assert len(set(ids)) == APPLICATIONS

    # the same event, the same version, two servers, one moment: exactly one wins
    raced = client.call(
        0,
        "POST",
        "/api/v1/applications",
        "alice",
        json={"procedure": "premise_addition", "fields": premise_fields(premise_address="中央大街99号")},
    ).json()["id"]
    assert (
        client.call(
            1,
            "POST",
            f"/api/v1/applications/{raced}/attachments",
            "alice",
            data={"kind": "premise_use_document"},
            files={"file": ("lease.pdf", PDF_BYTES, "application/pdf")},
        ).status_code
        == 201
    )
    assert client.fire(0, raced, "submit", "alice").status_code == 200
    version = client.call(1, "GET", f"/api/v1/applications/{raced}", "clerk_daoli").json()["version"]
    barrier, statuses = threading.Barrier(2), []

    def accept(server):
        barrier.wait()
        statuses.append(client.fire(server, raced, "accept", "clerk_daoli", version=version).status_code)

    threads = [threading.Thread(target=accept, args=(s,)) for s in (0, 1)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(statuses) == [200, 409]

    # every event in the audit exactly once, the same whichever server is asked
    for server in (0, 1):
        for app_id in ids:
            trail = client.call(server, "GET", f"/api/v1/applications/{app_id}/events", "clerk_daoli").json()
            assert [e["event"] for e in trail] == PATH and [e["seq"] for e in trail] == list(range(1, len(PATH) + 1))
        trail = client.call(server, "GET", f"/api/v1/applications/{raced}/events", "clerk_daoli").json()
        assert [e["event"] for e in trail] == ["create", "submit", "accept"]
    with app.app_context():
        per_event = Counter(db.session.execute(select(AuditEntry.application_id, AuditEntry.event)).all())
        assert set(per_event.values()) == {1}
        assert sum(per_event.values()) == APPLICATIONS * len(PATH) + 3
        documents = db.session.execute(select(Document.storage_path, Document.sha256)).all()
        notes = db.session.execute(
            select(Notification.id, Notification.message_zh, User.email).join(User, User.id == Notification.user_id)
        ).all()
    assert len(documents) >= APPLICATIONS  # at least one registration notice each, on the shared storage
    stored = storage_listing(cluster["storage"])
    assert all(stored.get(path) == sha for path, sha in documents)
    verify = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert verify.exit_code == 0, verify.output

    # every notification mailed exactly once, by the worker
    assert len(notes) >= 2 * APPLICATIONS  # correction requested, registered: the applicant hears of both
    _wait_for(
        lambda: len(inbox.messages) >= len(notes) and len(rq_queue) == 0 and rq_queue.started_job_registry.count == 0,
        60,
        "the worker did not send every e-mail",
        cluster["logs"],
    )
    assert rq_queue.failed_job_registry.count == 0
    assert rq_queue.finished_job_registry.count == len(notes)
    mailed = Counter()
    for _sender, rcpts, raw in inbox.messages:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        zh = next(p.get_content() for p in msg.iter_parts() if p["Content-Language"] == "zh-CN")
        matching = [(note_id, addr) for note_id, text, addr in notes if text in zh]
        assert len(matching) == 1 and rcpts == [matching[0][1]], (zh, rcpts)
        mailed[matching[0][0]] += 1
    assert mailed == Counter({note_id: 1 for note_id, _t, _a in notes})
