"""Concurrent clerks (API.md, DOMAIN.md §0 Documents): one winner per version, gap-free numbers."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from models import AuditEntry, Document, db

THREADS = 8


def _race(app, calls):
    """Run each (url, headers, body) POST in its own thread with its own test client, all at once."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def worker(i, url, headers, body):
        client = app.test_client()
        barrier.wait()
        r = client.post(url, headers=headers, json=body)
        results[i] = (r.status_code, r.get_json())

    threads = [threading.Thread(target=worker, args=(i, *call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def _auth(api, user):
    return {"Authorization": f"Bearer {api.token(user)}"}


@pytest.mark.parametrize(
    "events",
    [
        pytest.param(["register"] * THREADS, id="8 clerks register at once"),
        pytest.param(["register", "refuse"] * (THREADS // 2), id="4 register and 4 refuse at once"),
    ],
)
def test_same_version_exactly_one_wins(app, api, events):
    submitted = api.submitted()
    url = f"/api/v1/applications/{submitted['id']}/events"
    headers = _auth(api, "clerk_daoli")
    bodies = [
        {"event": e, "version": submitted["version"], **({"data": {"reason": "材料虚假"}} if e == "refuse" else {})}
        for e in events
    ]

    results = _race(app, [(url, headers, b) for b in bodies])

    statuses = sorted(s for s, _ in results)
    assert statuses == [200] + [409] * (THREADS - 1), results
    for body in (body for status, body in results if status == 409):
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
        assert body["error"]["code"] in ("stale_version", "invalid_state")
    winner = next(body for status, body in results if status == 200)
    trail = api.get(url, "alice").get_json()
    decided = [e for e in trail if e["event"] in ("register", "refuse")]
    assert len(decided) == 1 and decided[0]["to_state"] == winner["state"]
    assert [e["event"] for e in trail] == ["create", "submit", decided[0]["event"]]
    assert len(winner["documents"]) == 1 and winner["documents"][0]["number"].endswith("〕1号")
    with app.app_context():
        assert db.session.execute(select(Document.number)).scalars().all() == [winner["documents"][0]["number"]]


def test_different_applications_get_unique_gap_free_numbers(app, api):
    apps = [api.submitted(premise_address=f"友谊路{i + 1}号") for i in range(THREADS)]
    headers = _auth(api, "clerk_daoli")
    calls = [
        (f"/api/v1/applications/{a['id']}/events", headers, {"event": "register", "version": a["version"]})
        for a in apps
    ]

    results = _race(app, calls)

    assert [s for s, _ in results] == [200] * THREADS, results
    numbers = sorted(body["documents"][0]["number"] for _, body in results)
    assert numbers == [f"哈道市监经登字〔2026〕{n}号" for n in range(1, THREADS + 1)]
    with app.app_context():
        seqs = db.session.execute(select(Document.seq).order_by(Document.seq)).scalars().all()
        assert seqs == list(range(1, THREADS + 1))
        registered = db.session.execute(select(AuditEntry).where(AuditEntry.event == "register")).scalars().all()
        assert len(registered) == THREADS
