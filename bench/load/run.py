"""load_peak_multiple: the load model (bench/load/model.py, locustfile.py) against gunicorn + PostgreSQL + Redis +
the worker on this machine, in steps of multiples of Harbin's busiest hour; the value is the highest multiple at
which every request type's p95 is within its goal (300 ms; 800 ms for a decision that issues a document) and no
request failed.

Quick mode: a warm-up, then 10× and 20× for 15 s each (stopping at the first step that fails); full mode:
1×, 2×, 5×, 10×, 15×, 20×, 30×, 40× for 60 s each, every step run (the chart shows where it bends).
"""

from __future__ import annotations

import csv
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import text

from bench.common import (
    APPLICANT,
    BENCH_PASSPHRASE,
    CLERK,
    PASSWORD,
    PREMISE_FIELDS,
    ROOT,
    build_schema,
    distinct_enterprises,
    elapsed_since,
    make_app,
    pg_available,
    scratch_dir,
    seed_applications,
    throwaway_pg,
)
from bench.load import model

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
WORKERS = int(os.environ.get("BENCH_LOAD_WORKERS", "5"))  # gunicorn.conf.py's default on 2 cores: 2 × cores + 1
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_available() -> bool:
    try:
        from redis import Redis

        return bool(Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except Exception:
        return False


class Worker:
    """`flask --app app worker` (cli/worker.py) on the bench's queue; stopped by its own process id."""

    def __init__(self, env: dict, log: Path):
        self.log = open(log, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "app", "worker"],
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **env},
            start_new_session=True,
        )

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()


def server_env(url: str, tmp: Path, queue: str) -> dict:
    return {
        "BIANMIN_DATABASE_URL": url,
        "BIANMIN_STORAGE_DIR": str(tmp / "storage"),
        "BIANMIN_BASE_URL": "http://bianmin.bench",
        "BIANMIN_SECRET_KEY": "bench-load",
        "BIANMIN_KEYS_DIR": str(tmp / "keys"),
        "BIANMIN_KEYS_PASSPHRASE": BENCH_PASSPHRASE,
        "BIANMIN_LOG_LEVEL": "warning",
        "BIANMIN_REDIS_URL": REDIS_URL,
        "BIANMIN_RQ_QUEUE": queue,
    }


def _seed(url: str, tmp: Path, cases: int) -> dict:
    """The database the day starts with: a register of 20,000 entries, the clerks' queue of submitted applications,
    500 issued (signed) documents to verify, and the accounts."""
    from bench import registers_data
    from bench.verify import _seed_documents
    from models import Application, db

    registers_data.load(url, 20_000)
    app = make_app(url, tmp / "storage")
    build_schema(app)
    tokens = _seed_documents(app)
    queue = seed_applications(app, cases, "submitted", with_attachment=True)
    codes = distinct_enterprises(app, queue)  # concurrent decisions on one enterprise or premise would conflict
    with app.app_context():
        numbers = list(
            db.session.execute(db.select(Application.id, Application.number).where(Application.id.in_(queue))).all()
        )
        # the 500 seeded notices took their numbers 1–500 without the counter (bench/verify.py): move it past them
        db.session.execute(
            text(
                "INSERT INTO document_counters (authority_id, kind, year, last_value) "
                "SELECT authority_id, kind, year, max(seq) FROM documents GROUP BY authority_id, kind, year"
            )
        )
        for table in ("applications", "audit_entries", "attachments", "documents"):  # seeded with explicit ids
            db.session.execute(
                text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
            )
        db.session.commit()
        client = app.test_client()
        tokens_by_role = {
            role: client.post("/api/v1/tokens", json={"username": name, "password": PASSWORD}).get_json()["token"]
            for role, name in (("applicant", APPLICANT), ("clerk", CLERK))
        }
        db.engine.dispose()
    rng = random.Random(19)
    return {
        "procedure": "premise_addition",
        "fields": PREMISE_FIELDS,
        "attachment_kind": "premise_use_document",
        "decision": "register",
        "tokens_by_role": tokens_by_role,  # one login per role before the run (a login is not a day's request)
        "cases": [[i, 2] for i in queue],  # seeded submitted: version 2 (create, submit)
        "tokens": tokens,
        "progress": [[number, codes[app_id]] for app_id, number in numbers[:200]],
        "register": "premises",
        "queries": [registers_data.brand(rng.randint(1, 5000))[:2] for _ in range(20)]
        + [rng.choice(registers_data.INDUSTRIES) for _ in range(20)],
    }


def _locust(port: int, users: int, seconds: int, config: Path, prefix: Path) -> list[dict]:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--only-summary",
            "-u",
            str(users),
            "-r",
            str(max(1, users)),  # everyone within a second: the step's figures are the load itself, not a ramp
            "-t",
            f"{seconds}s",
            "--stop-timeout",
            "10",
            "--host",
            f"http://127.0.0.1:{port}",
            "--csv",
            str(prefix),
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env={**os.environ, "BENCH_LOAD_CONFIG": str(config)},
        capture_output=True,
        timeout=seconds + 120,
        check=False,
    )
    with open(f"{prefix}_stats.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with open(f"{prefix}_failures.csv", encoding="utf-8") as fh:
        failures = [f"{r['Name']}: {r['Error']} ×{r['Occurrences']}" for r in csv.DictReader(fh)]
    return rows + [{"Name": "_failures", "list": failures}]


def _step(rows: list[dict], multiple: float, users: int, seconds: int) -> dict:
    types = {}
    failures = next((r["list"] for r in rows if r["Name"] == "_failures"), [])
    rows = [r for r in rows if r["Name"] != "_failures"]
    for row in rows:
        name = row["Name"]
        if name in ("Aggregated", "login (token)"):
            continue
        document = name.startswith("clerk: decide")
        goal = model.P95_GOAL_MS["document" if document else "other"]
        p95 = float(row["95%"] or 0)
        types[name] = {
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "p50_ms": float(row["50%"] or 0),
            "p95_ms": p95,
            "p99_ms": float(row["99%"] or 0),
            "rps": round(float(row["Requests/s"]), 2),
            "goal_p95_ms": goal,
            "met": p95 <= goal and int(row["Failure Count"]) == 0,
        }
    total = next((r for r in rows if r["Name"] == "Aggregated"), None)
    return {
        "multiple": multiple,
        "users": users,
        "seconds": seconds,
        "rps": round(float(total["Requests/s"]), 2) if total else 0,
        "failures": sum(t["failures"] for t in types.values()),
        "met": bool(types) and all(t["met"] for t in types.values()),
        "types": types,
        "failure_reasons": failures[:10],
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def run(quick: bool, chart: Path | None = None) -> dict:
    if not pg_available() or not redis_available():
        return {"value": None, "detail": {"error": "needs PostgreSQL (BENCH_PG_URL) and Redis (BENCH_REDIS_URL)"}}
    from bench.verify import Server

    multiples, seconds = ([10, 20], 15) if quick else ([1, 2, 5, 10, 15, 20, 30, 40], 60)
    t0 = time.perf_counter()
    with scratch_dir("bench-load-") as tmp, throwaway_pg("bench_load") as url:
        # enough seeded decisions for every step: the busiest hour's documents × multiple × seconds, doubled
        cases = int(sum(model.APPLICATIONS_BUSIEST_HOUR * m * (seconds + 5) / 3600 * 2 + 20 for m in [5, *multiples]))
        config = _seed(url, tmp, cases)
        cases_left = list(config["cases"])

        def config_for(name: str, multiple: float, secs: int) -> Path:
            """Each Locust process its own share of the seeded cases: a decision fired by an earlier run would be
            a stale version (409) in the next one."""
            need = int(model.APPLICATIONS_BUSIEST_HOUR * multiple * (secs + 5) / 3600 * 2) + 20
            mine, cases_left[:] = cases_left[:need], cases_left[need:]
            path = tmp / f"{name}.json"
            path.write_text(json.dumps({**config, "cases": mine}, ensure_ascii=False), encoding="utf-8")
            return path

        seeded = elapsed_since(t0)
        env = server_env(url, tmp, f"bench-load-{os.getpid()}")
        server = Server("app:create_app()", env, tmp / "gunicorn.log", workers=WORKERS)
        worker = Worker(env, tmp / "worker.log")
        steps = []
        try:
            server.wait("/healthz")
            _locust(
                server.port, model.users_for(5), 6, config_for("warm", 5, 6), tmp / "warm"
            )  # imports, pools, fonts, keys
            for m in multiples:
                users = model.users_for(m)
                run_config = config_for(f"m{m}", m, seconds)
                steps.append(_step(_locust(server.port, users, seconds, run_config, tmp / f"m{m}"), m, users, seconds))
                if quick and not steps[-1]["met"]:
                    break
        finally:
            worker.stop()
            server.stop()
            errors = [
                line for line in (tmp / "gunicorn.log").read_text(errors="replace").splitlines() if "Error" in line
            ]
    passing = [s["multiple"] for s in steps if s["met"]]
    peak = max(passing) if passing else 0
    if chart is not None and steps:
        draw_chart(steps, chart)
    return {
        "value": peak,
        "detail": {
            "busiest_hour": {
                "applications": round(model.APPLICATIONS_BUSIEST_HOUR, 1),
                "requests_per_application": model.REQUESTS_PER_APPLICATION,
                "rps": round(model.BUSIEST_HOUR_RPS, 3),
            },
            "peak_rps": next((s["rps"] for s in steps if s["multiple"] == peak), 0),
            "steps": steps,
            "stopped_at_first_failure": quick,
            "gunicorn_workers": WORKERS,
            "worker": "flask --app app worker (RQ), one process",
            "seed_seconds": seeded,
            "database": "PostgreSQL",
            "register_entries": 20_000,
            "server_errors": errors[-10:],
        },
    }


def draw_chart(steps: list[dict], path: Path) -> None:
    """p95 against simulated users, one line per request type, the goals as dashed lines."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = sorted({n for s in steps for n in s["types"]})
    fig, ax = plt.subplots(figsize=(11, 5.5), dpi=110)
    colours, markers = plt.cm.tab20.colors, "os^vD<>ph*xP+"
    for k, name in enumerate(names):
        xs = [s["users"] for s in steps if name in s["types"]]
        ys = [s["types"][name]["p95_ms"] for s in steps if name in s["types"]]
        ax.plot(xs, ys, marker=markers[k % len(markers)], color=colours[(2 * k) % 20 + (k // 10)], label=name)
    for goal, label in ((300, "goal: pages and API 300 ms"), (800, "goal: issuing a document 800 ms")):
        ax.axhline(goal, linestyle="--", linewidth=1, color="grey")
        ax.text(steps[0]["users"], goal * 1.03, label, fontsize=8, color="grey")
    top = ax.secondary_xaxis("top", functions=(lambda u: u / model.users_for(1), lambda m: m * model.users_for(1)))
    top.set_xlabel("× Harbin's busiest hour")
    ax.set_xlabel("simulated people (one request each every 5 s)")
    ax.set_ylabel("p95 response time (ms)")
    ax.set_yscale("log")
    ax.set_title("Bianmin under a working day's load: p95 per request type")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    if len(sys.argv) > 2 and sys.argv[1] == "--chart-from":  # redraw docs/load_p95.png from a saved run's JSON
        saved = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
        draw_chart(saved["detail"]["steps"], ROOT / "docs" / "load_p95.png")
        sys.exit(0)
    quick = "--quick" in sys.argv
    out = run(quick, chart=ROOT / "docs" / ("load_p95.png" if not quick else "load_p95_quick.png"))
    print(json.dumps(out, ensure_ascii=False, indent=1))
