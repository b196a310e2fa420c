"""rss_growth_mb_100k_events: how much one process's resident memory grows over 100,000 events after warm-up.

The parent seeds the applications (one `extend` each, as bench/events.py); a fresh child process (so that
seeding's memory is not in it) loads the app, fires WARMUP events, then N more, each as a request does
(load the row, fire, commit, end the session), reading its RSS from /proc/self/statm along the way.
SQLite with synchronous=OFF: memory is the subject here, and fsync would only make 100k events take longer.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import time

from bench.common import ROOT, build_schema, make_app, r3, scratch_dir, seed_applications

WARMUP = 2_000
SAMPLES = 10
SLICE = 4_000


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def child(path: str, events: int) -> dict:
    """Runs in the fresh process: warm-up, then `events` events, RSS sampled SAMPLES times."""
    from pathlib import Path

    from sqlalchemy import event as sa_event
    from sqlalchemy import select

    from bench.events import EngineEvent
    from models import Application, db

    app = make_app(f"sqlite:///{path}", Path(path).parent / "storage")
    with app.app_context():
        sa_event.listen(db.engine, "connect", lambda conn, _r: conn.execute("PRAGMA synchronous=OFF"))
        ids = list(
            db.session.execute(
                select(Application.id).where(Application.state == "under_review").order_by(Application.id.desc())
            ).scalars()
        )
        synchronous = db.session.connection().exec_driver_sql("PRAGMA synchronous").scalar()
        db.session.remove()
        assert synchronous == 0, synchronous  # OFF
        assert len(ids) >= WARMUP + events, (len(ids), WARMUP + events)
        call = EngineEvent(app, ids[: WARMUP + events])
        for _ in range(WARMUP):
            call()
        gc.collect()
        start, samples, t0 = rss_mb(), [], time.perf_counter()
        for k in range(1, events + 1):
            call()
            if k % (events // SAMPLES) == 0:
                samples.append(round(rss_mb() - start, 2))
        seconds = time.perf_counter() - t0
        gc.collect()
        end = rss_mb()
    return {
        "rss_start_mb": round(start, 1),
        "rss_end_mb": round(end, 1),
        "growth_mb": round(end - start, 2),
        "growth_every_tenth_mb": samples,
        "events_per_s": round(events / seconds, 1),
    }


def seed(app, n: int) -> None:
    """`n` applications under review: SLICE made as bench/common.py makes them (with their audit trails), then
    copied in SQL with new ids and numbers (without trails: the engine chains to the head kept on the row)."""
    from sqlalchemy import insert, literal, select

    from models import Application, db

    first = seed_applications(app, SLICE, "under_review")
    table = Application.__table__
    with app.app_context():
        for k in range(1, -(-n // SLICE)):
            columns = [c.name for c in table.columns]
            values = [
                table.c.id + k * SLICE
                if c == "id"
                else table.c.number + literal(f"-{k}")
                if c == "number"
                else table.c[c]
                for c in columns
            ]
            db.session.execute(
                insert(table).from_select(columns, select(*values).where(table.c.id.between(first[0], first[-1])))
            )
        db.session.commit()
        db.engine.dispose()


def run(quick: bool) -> dict:
    events = 10_000 if quick else 100_000
    with scratch_dir("bench-memory-") as tmp:
        app = make_app(f"sqlite:///{tmp / 'memory.sqlite'}", tmp / "storage")
        build_schema(app)
        t0 = time.perf_counter()
        seed(app, WARMUP + events)
        seeded = round(time.perf_counter() - t0, 1)
        out = subprocess.run(
            [sys.executable, "-m", "bench.memory", str(tmp / "memory.sqlite"), str(events)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    measured = json.loads(out.stdout.strip().splitlines()[-1])
    detail = {
        "events": events,
        "warmup_events": WARMUP,
        "event": "premise_addition extend, as bench/events.py",
        "process": "a fresh python process: the app, WARMUP events, then the measured ones",
        "database": "SQLite file, WAL, synchronous=OFF (memory is measured, not durability)",
        "rss_from": "/proc/self/statm (resident pages), after gc.collect()",
        "seed_seconds": seeded,
        "quick": "10,000 events instead of 100,000 (the 3-minute budget); the full run does 100,000" if quick else None,
        **measured,
    }
    return {"value": r3(measured["growth_mb"]), "detail": detail}


if __name__ == "__main__":
    print(json.dumps(child(sys.argv[1], int(sys.argv[2]))))
