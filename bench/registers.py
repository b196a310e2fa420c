"""register_search_1m_vs_10k and register_export_rss_mb_1m: the public registers at scale (PostgreSQL).

Search: each search path as the API runs it (workflows/register_search.py: parse, a page of 20 newest first, the
total counted up to 1,000), 1,000,000 entries ÷ 10,000, interleaved; the value is the worst path. Export: a fresh
process streams every register of the 1,000,000-entry database as CSV through the real view (Flask's test client,
the response read chunk by chunk, as a slow client would), its resident memory sampled from /proc/self/statm; the
value is the growth over the figure after the first 10,000 rows.
"""

from __future__ import annotations

import gc
import json
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from bench import registers_data
from bench.common import (
    ROOT,
    interleave,
    make_app,
    median,
    ms,
    paired_ratio,
    pg_create,
    pg_drop,
    pg_exists,
    pg_url,
    r3,
    scratch_dir,
)

ENTERPRISE = 1500  # present in both databases (the loads are the same for their first rows)
REGISTER = "premises"


def paths() -> dict[str, dict]:
    """The search paths of API.md: a part of the name (one enterprise's brand, three characters and two; a word and a
    pair in a twelfth of the names), the credit code, the division (the 10 % one), a street office, a status, a
    division with a status, and the whole register unfiltered."""
    return {
        "name_part": {"q": registers_data.brand(ENTERPRISE)},
        "name_common_word": {"q": "家政服务"},
        "name_two_characters": {"q": registers_data.brand(ENTERPRISE)[:2]},
        "name_common_pair": {"q": "家政"},
        "credit_code": {"credit_code": registers_data.credit_code(ENTERPRISE)},
        "division": {"division": "230102"},
        "street": {"street": "230102003"},
        "status": {"status": "cancelled"},
        "division_and_status": {"division": "230102", "status": "in_force"},
        "unfiltered": {},
    }


def search(args: dict) -> tuple[int, int]:
    from models import db
    from workflows import register_search

    reg = register_search.register(REGISTER)
    items, counted = register_search.run(reg, register_search.parse(reg, args))
    db.session.remove()
    return len(items), counted


def _subject(app, args):
    def call():
        with app.app_context():
            search(args)

    return call


def _plan(app, args) -> str:
    from models import db
    from workflows import register_search

    with app.app_context():
        reg = register_search.register(REGISTER)
        query = (
            register_search.query(reg, register_search.parse(reg, args))
            .order_by(register_search.T.c.id.desc())
            .limit(20)
        )
        compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
        lines = db.session.connection().exec_driver_sql(f"EXPLAIN {compiled}").scalars()
        nodes = [re.sub(r"\s+\(cost=.*", "", line).strip("-> ").strip() for line in lines]
        db.session.remove()
    return " / ".join(nodes[:4])


def _ensure(name: str, rows: int, keep: bool) -> str:
    from bench.registers_data import loaded_rows

    if keep and pg_exists(name) and loaded_rows(pg_url(name)) == rows:
        return pg_url(name)
    url = pg_create(name)
    registers_data.load(url, rows)
    return url


def run_search(urls: dict, quick: bool) -> dict:
    rounds, per_round = (25, 4) if quick else (41, 6)
    with scratch_dir("bench-registers-") as tmp:
        apps = {size: make_app(url, tmp / size) for size, url in urls.items()}
        for app in apps.values():  # warm: the first search compiles the statements
            with app.app_context():
                search({})
        # interleave() collects garbage before every round: with everything loaded so far frozen, that takes
        # microseconds instead of 0.2 s each (a full collection of the app's modules), 500 times
        gc.freeze()
        out = {}
        for path, args in paths().items():
            times = interleave({size: _subject(app, args) for size, app in apps.items()}, rounds, per_round)
            with apps["large"].app_context():
                found_large = search(args)
            with apps["small"].app_context():
                found_small = search(args)
            out[path] = {
                "args": args,
                "ratio": r3(paired_ratio(times, "large", "small")),
                "large_ms": ms(median(times["large"])),
                "small_ms": ms(median(times["small"])),
                "page_and_total_large": found_large,
                "page_and_total_small": found_small,
                "plan_large": _plan(apps["large"], args),
            }
        gc.unfreeze()
        for app in apps.values():
            with app.app_context():
                from models import db

                db.engine.dispose()
    return out


# --- export memory, in a fresh process ---------------------------------------------------------------------


def rss_mb() -> float:
    import os

    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def child(url: str, kind: str) -> dict:
    """Runs in the fresh process: every register exported through the view, RSS sampled every 100 chunks."""
    import gc
    import tempfile
    from pathlib import Path

    app = make_app(url, Path(tempfile.gettempdir()) / "bianmin-bench-no-storage")
    client = app.test_client()
    from workflows.ledger import registers

    rows = size = 0
    start = peak = None
    samples, t0 = [], time.perf_counter()
    for name in registers():
        response = client.get(f"/api/v1/registers/{name}.{kind}")
        assert response.status_code == 200 and response.is_streamed
        for n, chunk in enumerate(response.iter_encoded()):
            size += len(chunk)
            rows += chunk.count(b"\n") if kind == "csv" else chunk.count(b'{"id":')
            if start is None and rows >= 10_000:
                gc.collect()
                start = peak = rss_mb()
            elif start is not None and n % 100 == 0:
                peak = max(peak, rss_mb())
                samples.append(round(peak - start, 2))
        response.close()
    seconds = time.perf_counter() - t0
    end = rss_mb()
    return {
        "kind": kind,
        "rows": rows,
        "bytes": size,
        "seconds": round(seconds, 1),
        "rows_per_s": round(rows / seconds),
        "rss_after_10k_rows_mb": round(start, 1),
        "rss_peak_mb": round(max(peak, end), 1),
        "growth_mb": round(max(peak, end) - start, 2),
        "growth_samples_mb": samples[:: max(1, len(samples) // 10)],
    }


def run_export(url: str) -> dict:
    out = {}
    for kind in ("csv", "json"):
        done = subprocess.run(
            [sys.executable, "-m", "bench.registers", url, kind], cwd=ROOT, capture_output=True, text=True, check=True
        )
        out[kind] = json.loads(done.stdout.strip().splitlines()[-1])
    return out


def run(quick: bool, keep_db: bool = False) -> dict:
    """Both keys from one pair of databases: {"register_search_1m_vs_10k": …, "register_export_rss_mb_1m": …}."""
    small, large = 10_000, (100_000 if quick else 1_000_000)
    names = {"small": "bench_reg_10k", "large": "bench_reg_100k" if quick else "bench_reg_1m"}
    import app as _project  # noqa: F401  (imported once, before two threads would import it)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(2) as pool:
        futures = {
            size: pool.submit(_ensure, names[size], n, keep_db) for size, n in (("small", small), ("large", large))
        }
        urls = {size: f.result() for size, f in futures.items()}
    loaded = round(time.perf_counter() - t0, 1)
    try:
        t0 = time.perf_counter()
        found = run_search(urls, quick)
        searched = round(time.perf_counter() - t0, 1)
        export = run_export(urls["large"])
        exported = round(time.perf_counter() - t0 - searched, 1)
    finally:
        if not keep_db:
            for name in names.values():
                pg_drop(name)
    shape = {
        "rows": {"small": small, "large": large},
        "shape": registers_data.SHAPE,
        "load_seconds": loaded,
        "search_seconds": searched,
        "export_seconds": exported,
        "quick_uses_100k": quick,
    }
    worst = max(found, key=lambda p: found[p]["ratio"])
    return {
        "register_search_1m_vs_10k": {
            "value": found[worst]["ratio"],
            "detail": {
                **shape,
                "register": REGISTER,
                "worst_path": worst,
                "paths": found,
                "value_is": "the worst search path's ratio (page of 20 + total capped at 1,000), as the API runs it",
            },
        },
        "register_export_rss_mb_1m": {
            "value": max(e["growth_mb"] for e in export.values()),
            "detail": {
                **shape,
                "exports": export,
                "value_is": "the larger resident-memory growth of the CSV and the JSON "
                "export of every register (all the entries), after the first 10,000 rows, in a fresh process",
            },
        },
    }


if __name__ == "__main__":
    print(json.dumps(child(sys.argv[1], sys.argv[2])))
