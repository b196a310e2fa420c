"""Bulk actions issue their documents pending (issue 19): the number, the snapshot and the row commit with each
event; the worker renders and signs the file (documents.render_pending, run here synchronously); until then the
download answers 202 "being issued" and verification says so. Without a queue nothing changes (inline)."""

from __future__ import annotations

import hashlib
import re

import pytest

from infra import storage, tasks
from models import AuditEntry, Document, db
from tests.web.pages import html
from workflows import documents, jobs

INBOX = {"Referer": "http://localhost/console/"}


@pytest.fixture
def queued(monkeypatch):
    """A background queue that holds the jobs instead of running them: the test runs them when it wants."""
    held = []
    monkeypatch.setattr(tasks, "available", lambda: True)
    monkeypatch.setattr(tasks, "enqueue", lambda func, *args, **kw: held.append((func, args, kw)))
    return held


def bulk_register(login, count_apps: int):
    clerk = login("clerk_daoli")
    picks = re.findall(r'name="pick" value="(\d+:\d+)"', html(clerk.get("/console/")))
    assert len(picks) == count_apps
    page = html(
        clerk.post("/console/bulk", data={"event": "register", "pick": picks}, headers=INBOX, follow_redirects=True)
    )
    assert f"已办理 {count_apps} 件" in page
    return clerk


def notice(api, app_id):
    return api.get(f"/api/v1/applications/{app_id}", "alice").get_json()["documents"][0]


def test_bulk_answers_with_pending_documents_that_the_worker_renders(app, api, login, client, queued):
    apps = [api.submitted() for _ in range(3)]
    clerk = bulk_register(login, 3)

    # committed: state, number, snapshot, audit entry; queued: one job for the three documents, with retries
    assert [(f.__name__, len(args[0]), kw["retries"]) for f, args, kw in queued] == [("render_pending", 3, 3)]
    docs = [notice(api, a["id"]) for a in apps]
    assert all(d["file_ready"] is False and d["sha256"] is None and d["status"] == "valid" for d in docs)
    with app.app_context():
        rows = db.session.execute(db.select(Document).order_by(Document.id)).scalars().all()
        assert all(r.pending and r.size == 0 and r.snapshot["number"] == r.number for r in rows)
        assert not (storage.root() / rows[0].storage_path).exists()
        entry = db.session.execute(db.select(AuditEntry).where(AuditEntry.event == "register")).scalars().first()
        assert entry.data["documents"][0]["pending"] is True
        doc_id, token = rows[0].id, rows[0].token

    # while pending: the downloads answer 202 "being issued", verification says so
    r = api.get(docs[0]["url"], "alice")
    assert r.status_code == 202 and r.headers["Retry-After"] == "5"
    assert r.get_json()["error"]["code"] == "being_issued"
    r = clerk.get(f"/console/documents/{doc_id}.pdf")
    assert r.status_code == 202 and "正在签发" in html(r) and r.headers["Refresh"] == "5"
    verified = client.get(f"/api/v1/verify/{token}").get_json()
    assert verified["file_ready"] is False and verified["sha256"] is None
    assert verified["signature"]["valid"] is False and verified["signature"]["problem"] == "being_issued"
    page = html(client.get(f"/verify/{token}"))
    assert "正在签发" in page and 'data-file="pending"' in page
    assert 'data-file="pending"' in html(clerk.get(f"/console/applications/{apps[0]['id']}"))

    # the worker's job, run here: files rendered, signed and stored; the same job again does nothing
    func, args, _kw = queued[0]
    with app.app_context():
        assert func(*args) == 3
        assert func(*args) == 0
    docs = [notice(api, a["id"]) for a in apps]
    assert all(d["file_ready"] is True and len(d["sha256"]) == 64 for d in docs)
    r = api.get(docs[0]["url"], "alice")
    assert r.status_code == 200 and hashlib.sha256(r.data).hexdigest() == docs[0]["sha256"]
    assert r.data.startswith(b"%PDF")
    verified = client.get(f"/api/v1/verify/{token}").get_json()
    assert verified["file_ready"] is True and verified["signature"]["valid"] is True
    assert clerk.get(f"/console/documents/{doc_id}.pdf").status_code == 200


def test_the_daily_jobs_render_what_a_lost_job_left_pending(app, api, login, queued):
    apps = [api.submitted() for _ in range(2)]
    bulk_register(login, 2)
    assert all(notice(api, a["id"])["file_ready"] is False for a in apps)
    with app.app_context():
        summary = jobs.run()
        assert "2 pending documents rendered" in summary
        assert documents.sweep_pending() == 0
    assert all(notice(api, a["id"])["file_ready"] is True for a in apps)


def test_without_a_queue_bulk_documents_render_inline(app, api, login):
    apps = [api.submitted() for _ in range(2)]
    bulk_register(login, 2)
    assert all(notice(api, a["id"])["file_ready"] is True for a in apps)
    with app.app_context():
        assert not db.session.execute(db.select(Document).where(Document.pending.is_(True))).first()


def test_a_single_event_renders_inline_even_with_a_queue(app, api, queued):
    one = api.submitted()
    doc = api.fire(one["id"], "register", "clerk_daoli").get_json()["documents"][0]
    assert doc["file_ready"] is True and not queued
