"""Run every benchmark of issue 8 and write their ratios as JSON: `python bench/run.py [--quick] [--output PATH]`.

Each key is {"value": ratio, "detail": {...}}; every ratio is measured in one run with its two sides
interleaved (this machine is shared: absolute times are not stable, ratios are). docs/PERFORMANCE.md
has the goals and the latest figures. Nothing here is part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from functools import cache  # noqa: E402

from bench import bulk, documents, events, inbox, memory, registers, spiff, verify  # noqa: E402
from bench.load import run as load  # noqa: E402

GOALS = {
    "engine_vs_raw_core": ("<=", 1.25),
    "spiffworkflow_vs_engine": (">=", 1.25),
    "document_vs_bare_weasyprint": ("<=", 1.15),
    "inbox_1m_vs_10k": ("<=", 1.5),
    "verify_rps_vs_bare_flask": (">=", 0.5),
    "rss_growth_mb_100k_events": ("<=", 20),
    "register_search_1m_vs_10k": ("<=", 1.5),
    "register_export_rss_mb_1m": ("<=", 50),
    "load_peak_multiple": (">=", 10),
    "bulk_100_response_s": ("<=", 2),
    "bulk_100_documents_ready_s": ("<=", 60),
}


def met(key: str, value) -> bool | None:
    if not isinstance(value, (int, float)):
        return None
    op, goal = GOALS[key]
    return value <= goal if op == "<=" else value >= goal


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="fewer rounds, 100k instead of 1M rows, 10k instead of 100k events for memory, three 15 s load steps "
        "(< 5 min)",
    )
    parser.add_argument("--output", default=str(Path(__file__).with_name("results.json")))
    parser.add_argument("--only", action="append", choices=sorted(GOALS), help="run only this key (repeatable)")
    parser.add_argument(
        "--keep-db",
        action="store_true",
        help="keep (and reuse) the bulk-loaded PostgreSQL databases bench_10k / bench_100k / bench_1m "
        "(and bench_reg_*)",
    )
    args = parser.parse_args(argv)
    runners = {
        "engine_vs_raw_core": lambda: events.run(args.quick),
        "spiffworkflow_vs_engine": lambda: spiff.run(args.quick),
        "document_vs_bare_weasyprint": lambda: documents.run(args.quick),
        "inbox_1m_vs_10k": lambda: inbox.run(args.quick, keep_db=args.keep_db),
        "verify_rps_vs_bare_flask": lambda: verify.run(args.quick),
        "rss_growth_mb_100k_events": lambda: memory.run(args.quick),
        # both register keys come from one pair of loaded databases (bench/registers.py): the first one run
        # takes the whole time, the second reads the same result
        "register_search_1m_vs_10k": lambda: both_registers()["register_search_1m_vs_10k"],
        "register_export_rss_mb_1m": lambda: both_registers()["register_export_rss_mb_1m"],
        # issue 19: the working day under load (Locust; the chart in docs/ in full mode), and the bulk action, whose
        # second key is the first one's detail (one run: the answer, then the documents)
        "load_peak_multiple": lambda: load.run(
            args.quick, chart=None if args.quick else Path(__file__).resolve().parent.parent / "docs" / "load_p95.png"
        ),
        "bulk_100_response_s": lambda: the_bulk(),
        "bulk_100_documents_ready_s": lambda: {
            "value": the_bulk()["detail"]["documents_ready_s"],
            "detail": {k: v for k, v in the_bulk()["detail"].items() if k != "documents_ready_s"}
            | {"response_s": the_bulk()["value"]},
        },
    }
    the_bulk = cache(lambda: bulk.run(args.quick))
    both_registers = cache(lambda: registers.run(args.quick, keep_db=args.keep_db))
    started = time.perf_counter()
    results: dict = {}
    for key, runner in runners.items():
        if args.only and key not in args.only:
            continue
        t0 = time.perf_counter()
        print(f"{key} …", file=sys.stderr, flush=True)
        try:
            results[key] = runner()
        except Exception as exc:  # one broken benchmark must not hide the others' figures
            traceback.print_exc()
            results[key] = {"value": None, "detail": {"error": f"{type(exc).__name__}: {exc}"}}
        op, goal = GOALS[key]
        detail = results[key]["detail"]
        detail.update(
            goal=f"{op} {goal}",
            met=met(key, results[key]["value"]),
            seconds=round(time.perf_counter() - t0, 1),
            quick=args.quick,
            at=datetime.now(UTC).isoformat(timespec="seconds"),
            load_average=[round(x, 2) for x in os.getloadavg()],
        )
        print(
            f"{key} = {results[key]['value']} (goal {op} {goal}, met: {detail['met']}) in {detail['seconds']} s",
            file=sys.stderr,
            flush=True,
        )
    Path(args.output).write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(
        f"wrote {args.output} in {round(time.perf_counter() - started, 1)} s "
        f"(python {platform.python_version()}, {os.cpu_count()} cpus)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
