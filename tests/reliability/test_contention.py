"""Concurrency under real contention (API.md optimistic versions; DOMAIN §0 gap-free numbers; §2 one opinion per
department; §3 draws): threads and separate processes against one PostgreSQL database.

PostgreSQL only: SQLite serialises every writer, so it cannot show what these tests look for. bin/test and
CI run the suite on PostgreSQL too, where these run. PDFs are stubbed (a tiny valid PDF): numbering, state
and audit are what is measured, not WeasyPrint.
"""

from __future__ import annotations

import multiprocessing
import queue as queue_module
import threading
import time
from collections import Counter

from sqlalchemy import func, select

from models import Application, AuditEntry, Authority, Document, DocumentCounter, Draw, Opinion, User, db
from tests.conftest import FIXED_TODAY, premise_fields
from tests.reliability import workers
from tests.reliability.conftest import requires_postgres
from tests.reliability.figures import record
from tests.reliability.world import CLERK, HOME, OWNER, staff
from workflows import draws
from workflows.transaction import commit

pytestmark = requires_postgres

EVENTS = 50
PROCESSES, PER_PROCESS = 10, 5  # 50 events from 10 processes: 5 threads each, all released together
DOCUMENTS, WORKERS = 1000, 8
# clerk events that are all allowed from `submitted`: whichever comes first wins, every other one is stale
CONFLICTING = [
    ("register", None),
    ("accept", None),
    ("refuse", {"reason": "材料不实"}),
    ("request_correction", {"items": [{"field": "credit_code", "reason": "与执照不一致"}]}),
    ("redirect", {"authority": "230103"}),
]


def conflicting_bodies(version: int, n: int) -> list[dict]:
    out = []
    for i in range(n):
        event, data = CONFLICTING[i % len(CONFLICTING)]
        out.append({"event": event, "version": version, **({"data": data} if data else {})})
    return out


def race_threads(app, calls) -> tuple[list, float]:
    barrier, results = threading.Barrier(len(calls)), [None] * len(calls)

    def worker(i, url, headers, body):
        client = app.test_client()
        barrier.wait()
        r = client.post(url, headers=headers, json=body)
        results[i] = (r.status_code, r.get_json())

    threads = [threading.Thread(target=worker, args=(i, *c)) for i, c in enumerate(calls)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, time.perf_counter() - started


def assert_one_winner(world, app, app_id: int, results: list, before_audit: int) -> dict:
    statuses = Counter(s for s, _ in results)
    assert statuses == {200: 1, 409: len(results) - 1}, statuses
    for status, body in results:
        if status == 409:
            assert set(body) == {"error"} and body["error"]["code"] in ("stale_version", "invalid_state", "conflict")
    winner = next(body for status, body in results if status == 200)
    trail = world.get(f"/api/v1/applications/{app_id}/events", OWNER.username).get_json()
    assert len(trail) == before_audit + 1 and trail[-1]["event"] in {e for e, _ in CONFLICTING}
    assert trail[-1]["to_state"] == winner["state"]
    with app.app_context():
        docs = db.session.execute(select(Document.number).where(Document.application_id == app_id)).scalars().all()
        used = db.session.execute(select(func.coalesce(func.sum(DocumentCounter.last_value), 0))).scalar()
    assert docs == [d["number"] for d in winner["documents"]] and len(docs) <= 1
    assert used == len(docs), "no loser consumed a number"
    return winner


def test_fifty_conflicting_events_from_threads(world, app):
    body = world.bring("premise_addition", "submitted")
    url, headers = f"/api/v1/applications/{body['id']}/events", world.headers(CLERK["premise_addition"])
    audit = len(world.get(f"{url}", OWNER.username).get_json())

    results, seconds = race_threads(app, [(url, headers, b) for b in conflicting_bodies(body["version"], EVENTS)])

    winner = assert_one_winner(world, app, body["id"], results, audit)
    record(
        app,
        "50 conflicting events, threads",
        events=EVENTS,
        threads=EVENTS,
        ok=1,
        conflicts=sum(1 for s, _ in results if s == 409),
        winner_state=winner["state"],
        seconds=round(seconds, 2),
    )


def test_fifty_conflicting_events_from_separate_processes(world, app):
    body = world.bring("premise_addition", "submitted")
    url, headers = f"/api/v1/applications/{body['id']}/events", world.headers(CLERK["premise_addition"])
    audit = len(world.get(url, OWNER.username).get_json())
    bodies = conflicting_bodies(body["version"], EVENTS)
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(PROCESSES), ctx.Queue()
    config = {
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "STORAGE_DIR": app.config["STORAGE_DIR"],
        "TODAY": FIXED_TODAY,
        "BASE_URL": app.config["BASE_URL"],
    }
    procs = [
        ctx.Process(
            target=workers.fire_at_once,
            args=(
                config,
                barrier,
                results,
                i,
                [(url, headers, b) for b in bodies[i * PER_PROCESS : (i + 1) * PER_PROCESS]],
            ),
        )
        for i in range(PROCESSES)
    ]
    started = time.perf_counter()
    for p in procs:
        p.start()
    collected = gather(results, procs, PROCESSES)
    total = time.perf_counter() - started

    outcomes = [o for _w, out, _s in collected for o in out]
    assert all(s != -1 for s, _ in outcomes), [b for s, b in outcomes if s == -1]
    assert len(outcomes) == EVENTS
    winner = assert_one_winner(world, app, body["id"], outcomes, audit)
    record(
        app,
        "50 conflicting events, processes",
        events=EVENTS,
        processes=PROCESSES,
        threads_per_process=PER_PROCESS,
        ok=1,
        conflicts=sum(1 for s, _ in outcomes if s == 409),
        winner_state=winner["state"],
        race_seconds=round(max(s for _w, _o, s in collected), 2),
        seconds_with_startup=round(total, 1),
    )


def gather(results, procs, n: int, timeout: float = 300) -> list:
    """Each child's report; the children are joined (and ended, if one hangs) whatever happens."""
    collected, deadline = [], time.monotonic() + timeout
    try:
        while len(collected) < n:
            try:
                collected.append(results.get(timeout=max(1.0, deadline - time.monotonic())))
            except queue_module.Empty:
                raise AssertionError(f"only {len(collected)} of {n} processes reported in {timeout} s") from None
    finally:
        for p in procs:
            p.join(timeout=30)
            if p.is_alive():
                p.terminate()
    return collected


def _submitted_premises(app, n: int) -> list[int]:
    """n submitted premise applications, inserted directly (their path to `submitted` is tested elsewhere)."""
    with app.app_context():
        alice = db.session.execute(select(User.id).where(User.username == OWNER.username)).scalar_one()
        authority = db.session.execute(
            select(Authority.id).where(Authority.division_code == HOME, Authority.kind == "market_regulation")
        ).scalar_one()
        rows = [
            Application(
                procedure="premise_addition",
                state="submitted",
                version=2,
                is_open=True,
                fields=premise_fields(premise_address=f"友谊路{i}号"),
                applicant_id=alice,
                authority_id=authority,
                number=f"PA2026{9_000_000 + i:07d}",
                submitted_on=FIXED_TODAY,
            )
            for i in range(n)
        ]
        db.session.add_all(rows)
        db.session.commit()
        return [r.id for r in rows]


def test_a_thousand_documents_from_eight_processes_are_numbered_without_gap(world, app):
    ids = _submitted_premises(app, DOCUMENTS)
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(WORKERS), ctx.Queue()
    config = {
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "STORAGE_DIR": app.config["STORAGE_DIR"],
        "TODAY": FIXED_TODAY,
        "BASE_URL": app.config["BASE_URL"],
    }
    # interleaved shares: every worker holds applications from the whole range
    procs = [
        ctx.Process(
            target=workers.register_many, args=(config, barrier, results, w, ids[w::WORKERS], CLERK["premise_addition"])
        )
        for w in range(WORKERS)
    ]
    for p in procs:
        p.start()
    collected = gather(results, procs, WORKERS, timeout=600)
    assert all(error is None for *_x, error in collected), [e for *_x, e in collected if e]

    with app.app_context():
        rows = db.session.execute(
            select(Document.seq, Document.number, Document.application_id)
            .where(Document.kind == "registration_notice")
            .order_by(Document.seq)
        ).all()
        counter = db.session.execute(
            select(DocumentCounter.last_value).where(DocumentCounter.kind == "registration_notice")
        ).scalar_one()
        registered = db.session.execute(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.event == "register")
        ).scalar()
        states = Counter(db.session.execute(select(Application.state).where(Application.id.in_(ids))).scalars())
    assert [r.seq for r in rows] == list(range(1, DOCUMENTS + 1)), "unique and gap-free"
    assert len({r.number for r in rows}) == DOCUMENTS and len({r.application_id for r in rows}) == DOCUMENTS
    assert rows[0].number == "哈道市监经登字〔2026〕1号" and rows[-1].number.endswith(f"〕{DOCUMENTS}号")
    assert counter == DOCUMENTS and registered == DOCUMENTS and states == {"registered": DOCUMENTS}
    slowest = max(s for _w, _n, s, _e in collected)
    record(
        app,
        "1000 documents, 8 processes",
        documents=DOCUMENTS,
        workers=WORKERS,
        unique=len(rows),
        first=rows[0].number,
        last=rows[-1].number,
        seconds=round(slowest, 1),
        per_second=round(DOCUMENTS / slowest, 1),
    )


def _filed_fire_filings(app, n: int) -> list[int]:
    """n filed fire filings of the home housing authority, of every draw category."""
    with app.app_context():
        alice = db.session.execute(select(User.id).where(User.username == OWNER.username)).scalar_one()
        authority = db.session.execute(
            select(Authority.id).where(Authority.division_code == HOME, Authority.kind == "housing")
        ).scalar_one()
        rows = []
        for i in range(n):
            rows.append(
                Application(
                    procedure="fire_filing",
                    state="filed",
                    version=2,
                    is_open=True,
                    applicant_id=alice,
                    authority_id=authority,
                    route="standard" if i % 3 == 0 else "simplified",
                    is_late=i % 7 == 0,
                    fields={"facility_name": f"社区服务站{i}", "crowded_place": i % 5 == 0, "site_division": HOME},
                    number=None,
                    submitted_on=FIXED_TODAY,
                )
            )
        db.session.add_all(rows)
        db.session.flush()
        for r in rows:
            r.number = f"FF2026{r.id:07d}"
        db.session.commit()
        return [r.id for r in rows]


ROUNDS, FILINGS = 5, 60


def test_two_draws_at_once_never_select_an_application_twice(world, app):
    seen: set[int] = set()
    for _ in range(ROUNDS):
        ids = set(_filed_fire_filings(app, FILINGS))
        barrier, outcome = threading.Barrier(2), []

        def run(barrier=barrier, outcome=outcome):
            with app.app_context():
                clerk = db.session.execute(select(User).where(User.username == CLERK["fire_filing"])).scalar_one()
                barrier.wait()
                draw = draws.run(clerk, {"standard": 0.5, "simplified": 0.5, "crowded": 0.5})
                commit()
                outcome.append((draw.id, list(draw.selected), list(draw.closed)))

        threads = [threading.Thread(target=run) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        assert len(outcome) == 2
        picked = [a for _id, sel, closed in outcome for a in sel + closed]
        selected = [a for _id, sel, _c in outcome for a in sel]
        assert len(picked) == len(set(picked)) == FILINGS and set(picked) == ids, "each filing in exactly one draw"
        assert len(selected) == len(set(selected))
        assert sorted(len(sel) + len(c) for _i, sel, c in outcome) == [0, FILINGS], "the second saw none left"
        assert not seen & ids
        seen |= ids
        with app.app_context():
            per_app = Counter(
                db.session.execute(
                    select(AuditEntry.application_id).where(
                        AuditEntry.event == "draw", AuditEntry.application_id.in_(ids)
                    )
                ).scalars()
            )
            states = Counter(db.session.execute(select(Application.state).where(Application.id.in_(ids))).scalars())
        assert set(per_app.values()) == {1} and len(per_app) == FILINGS
        assert states == {"selected": len(selected), "closed": FILINGS - len(selected)}
    with app.app_context():
        total = db.session.execute(select(func.count(Draw.id))).scalar()
    record(app, "two draws at once", rounds=ROUNDS, filings_per_round=FILINGS, draws=total, drawn_twice=0)


def test_two_opinions_from_one_department_at_once_store_one(bare_world, app):
    world = bare_world.populate(extra=[("second_civil_reviewer", "reviewer", f"{HOME}:civil_affairs")])
    rounds, stats = 8, Counter()
    for _ in range(rounds):
        body = world.bring("land_transition", "department_review")
        url = f"/api/v1/applications/{body['id']}/events"
        calls = [
            (
                url,
                world.headers(user),
                {"event": "give_opinion", "version": body["version"], "data": {"agree": agree, "opinion": text}},
            )
            for user, agree, text in (
                (staff("reviewer", "civil_affairs"), True, "同意"),
                ("second_civil_reviewer", False, "不同意"),
            )
        ]
        results, _s = race_threads(app, calls)
        assert sorted(s for s, _ in results) == [200, 409], results
        winner = next(b for s, b in results if s == 200)
        with app.app_context():
            given = (
                db.session.execute(
                    select(Opinion).where(Opinion.application_id == body["id"], Opinion.department == "civil_affairs")
                )
                .scalars()
                .all()
            )
            entries = db.session.execute(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.application_id == body["id"], AuditEntry.event == "give_opinion")
            ).scalar()
        assert len(given) == 1 and given[0].given_at is not None and entries == 1
        assert [o["opinion"] for o in winner["opinions"] if o["department"] == "civil_affairs"] == [given[0].text]
        # and the loser, retrying with the new version, is told its department has spoken
        loser = next(c for c, (s, _b) in zip(calls, results, strict=False) if s == 409)
        retry = world.client.post(url, headers=loser[1], json={**loser[2], "version": winner["version"]})
        assert retry.status_code == 409 and "opinion_once" in {d["rule"] for d in retry.get_json()["error"]["details"]}
        stats["rounds"] += 1
    record(
        app,
        "two opinions from one department at once",
        rounds=stats["rounds"],
        stored_per_round=1,
        second_rejected=stats["rounds"],
    )


def test_the_last_two_departments_at_once_move_to_planning_review_exactly_once(bare_world, app):
    world = bare_world.populate()
    body = world.bring("land_transition", "department_review")
    url = f"/api/v1/applications/{body['id']}/events"
    calls = [
        (
            url,
            world.headers(staff("reviewer", kind)),
            {"event": "give_opinion", "version": body["version"], "data": {"agree": True, "opinion": "同意"}},
        )
        for kind in ("civil_affairs", "housing")
    ]
    results, _s = race_threads(app, calls)
    assert sorted(s for s, _ in results) == [200, 409]
    loser = next(c for c, (s, _b) in zip(calls, results, strict=False) if s == 409)
    version = next(b for s, b in results if s == 200)["version"]
    retry = world.client.post(url, headers=loser[1], json={**loser[2], "version": version})
    assert retry.status_code == 200 and retry.get_json()["state"] == "planning_review"
    trail = world.get(url, OWNER.username).get_json()
    assert [e["to_state"] for e in trail if e["event"] == "give_opinion"] == ["department_review", "planning_review"]
