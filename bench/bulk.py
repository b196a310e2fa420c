"""bulk_100_response_s and bulk_100_documents_ready_s (issue 19): a clerk's bulk register of 100 applications from
the inbox (POST /console/bulk), with Redis and two `flask --app app worker` processes: how long the clerk waits
for the answer (the events, numbers and snapshots committed; the documents pending), and how long until the
last of the 100 PDFs is rendered, signed and stored by the workers (polled in the database).

Full mode also times a spot-check draw over 1,000 filed fire-safety filings (`draw_1000_response_s`). Also in
`detail`: one event both ways — inline (the API, as every single event does) against deferred (a bulk
action of one: the answer, then the file) — which is why single events keep rendering inline.
"""

from __future__ import annotations

import os
import statistics
import time

from sqlalchemy import func, select

from bench.common import (
    CLERK,
    PASSWORD,
    build_schema,
    distinct_enterprises,
    make_app,
    pg_available,
    r3,
    scratch_dir,
    seed_applications,
    throwaway_pg,
)
from bench.load.run import REDIS_URL, Worker, redis_available, server_env

WORKERS = 2  # worker processes: one per core


def run(quick: bool) -> dict:
    if not pg_available() or not redis_available():
        return {"value": None, "detail": {"error": "needs PostgreSQL (BENCH_PG_URL) and Redis (BENCH_REDIS_URL)"}}
    singles = 3 if quick else 7
    with scratch_dir("bench-bulk-") as tmp, throwaway_pg("bench_bulk") as url:
        queue = f"bench-bulk-{os.getpid()}"
        app = make_app(url, tmp / "storage", REDIS_URL=REDIS_URL, RQ_QUEUE=queue, WTF_CSRF_ENABLED=False)
        build_schema(app)
        bulk_ids = seed_applications(app, 100, "submitted", with_attachment=True)
        single_ids = seed_applications(app, 3 * singles, "submitted", with_attachment=True)
        distinct_enterprises(app, bulk_ids + single_ids)
        workers = [Worker(server_env(url, tmp, queue), tmp / f"worker{k}.log") for k in range(WORKERS)]
        try:
            client = app.test_client()
            assert client.post("/login", data={"username": CLERK, "password": PASSWORD}).status_code == 302
            token = client.post("/api/v1/tokens", json={"username": CLERK, "password": PASSWORD}).get_json()["token"]
            _wait_for_workers(app, queue)

            # one event both ways, alternating: inline through the API, deferred as a bulk action of one
            inline, deferred_answer, deferred_ready = [], [], []
            for k in range(singles):
                a, b = single_ids[2 * k], single_ids[2 * k + 1]
                t0 = time.perf_counter()
                r = client.post(
                    f"/api/v1/applications/{a}/events",
                    json={"event": "register", "version": 2},
                    headers={"Authorization": f"Bearer {token}"},
                )
                assert r.status_code == 200, r.get_json()
                inline.append(time.perf_counter() - t0)
                answer, ready = _bulk(app, client, [b])
                deferred_answer.append(answer)
                deferred_ready.append(ready)

            answer, ready = _bulk(app, client, bulk_ids)
            draw = (
                None if quick else _draw(app, 1000)
            )  # full mode only: seeding 1,000 filings and the draw take a while
        finally:
            for w in workers:
                w.stop()
        with app.app_context():
            from models import Document, db

            rendered = db.session.execute(
                select(func.count()).select_from(Document).where(Document.application_id.in_(bulk_ids))
            ).scalar()
            db.engine.dispose()
    return {
        "value": r3(answer),
        "detail": {
            "documents_ready_s": r3(ready),
            "documents": rendered,
            "workers": WORKERS,
            "per_document_s": r3(ready / max(1, rendered) * WORKERS),
            "single_event_inline_s": r3(statistics.median(inline)),
            "single_event_deferred_answer_s": r3(statistics.median(deferred_answer)),
            "single_event_deferred_ready_s": r3(statistics.median(deferred_ready)),
            "single_events_each_way": singles,
            "draw_1000_response_s": draw,
            "database": "PostgreSQL",
            "queue": "Redis (RQ), jobs of 10 documents (workflows/documents.CHUNK)",
            "before": "31.4 s: the 100 PDFs rendered inside the request (issue 19)",
        },
    }


def _wait_for_workers(app, queue: str, timeout: float = 60) -> None:
    from rq import Worker as RQWorker

    with app.app_context():
        from infra import tasks

        connection = tasks.redis_connection()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if sum(1 for w in RQWorker.all(connection=connection) if queue in w.queue_names()) >= WORKERS:
                return
            time.sleep(0.2)
    raise RuntimeError("the workers did not start")


def _bulk(app, client, ids: list[int]) -> tuple[float, float]:
    """POST the bulk register of `ids`; (seconds to the answer, seconds until none of their documents is pending)."""
    from models import Document, db

    t0 = time.perf_counter()
    r = client.post(
        "/console/bulk",
        data={"event": "register", "pick": [f"{i}:2" for i in ids]},
        headers={"Referer": "http://localhost/console/"},
    )
    answer = time.perf_counter() - t0
    assert r.status_code == 303, r.data[:500]
    with app.app_context():
        while True:
            total, pending = db.session.execute(
                select(func.count(), func.count().filter(Document.pending.is_(True))).where(
                    Document.application_id.in_(ids)
                )
            ).one()
            db.session.rollback()
            if total == len(ids) and not pending:
                break
            if time.perf_counter() - t0 > 300:
                raise RuntimeError(f"{pending} documents still pending after 300 s")
            time.sleep(0.05)
    return answer, time.perf_counter() - t0


def _draw(app, n: int) -> float:
    """A spot-check draw over `n` filed fire-safety filings (POST /api/v1/draws by the housing clerk): its answer."""
    from bench.common import create_user, seed_applications
    from models import Application, Authority, db

    ids = seed_applications(app, n, "submitted")
    with app.app_context():
        housing = db.session.execute(
            select(Authority).where(Authority.division_code == "230102", Authority.kind == "housing")
        ).scalar_one()
        # filed fire filings: the seeded rows made over (their audit chains stay intact; the draw reads the rows)
        db.session.execute(
            Application.__table__.update()
            .where(Application.id.in_(ids))
            .values(
                procedure="fire_filing",
                state="filed",
                route="simplified",
                authority_id=housing.id,
                fields=FIRE_FIELDS,
                credit_code=FIRE_FIELDS["credit_code"],
                number=Application.id.cast(db.String).concat("FF"),
            )
        )
        create_user("bench_housing_clerk", "clerk", housing.key)
        for k in range(3):
            create_user(f"bench_inspector_{k}", "inspector", housing.key)
        db.session.commit()
    client = app.test_client()
    token = client.post("/api/v1/tokens", json={"username": "bench_housing_clerk", "password": PASSWORD}).get_json()
    t0 = time.perf_counter()
    r = client.post("/api/v1/draws", json={}, headers={"Authorization": f"Bearer {token['token']}"})
    took = time.perf_counter() - t0
    assert r.status_code == 201, r.get_json()
    assert len(r.get_json()["selected"]) + len(r.get_json()["closed"]) == n
    return r3(took)


FIRE_FIELDS = {
    "facility_name": "经纬街274号院社区养老服务站",
    "credit_code": "91230102MA1D0XG5LR",
    "site_address": "经纬街274号院1号楼1层",
    "site_division": "230102",
    "facility_type": "elderly_care",
    "special_construction": False,
    "crowded_place": False,
    "floor_area_m2": 280,
    "total_investment_yuan": 450000,
    "completion_date": "2026-11-23",
}
