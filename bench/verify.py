"""verify_rps_vs_bare_flask: GET /api/v1/verify/<token> under gunicorn (2 workers) ÷ a bare Flask app, same load.

Both servers run with the project's gunicorn.conf.py (sync workers, access log) and BIANMIN_WORKERS=2 on
a loopback port; the load generator is wrk (Debian) when installed, else a small threaded Python client.
Rounds alternate between the two servers; every run is bounded in time.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import insert, select

from bench.common import (
    BENCH_PASSPHRASE,
    ROOT,
    build_schema,
    make_app,
    median,
    pg_available,
    r3,
    scratch_dir,
    seed_applications,
    throwaway_pg,
)

DOCUMENTS = 500


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _signed_notice(authority) -> bytes:
    """One real signed registration notice: every seeded row's file is this (hard-linked), as verification reads
    and checks the stored file's signature (once per file and process, then from its cache)."""
    import pdf
    from pdf.samples import sample_snapshot
    from pdf.sign import sign
    from workflows import signing

    snapshot = {**sample_snapshot("registration_notice"), "authority_name": authority.name}
    data, place = pdf.render_for_signing("registration_notice", snapshot)
    return sign(data, signing.key_for(authority.key), place, pdf.seal_appearance(authority.name))


def _seed_documents(app) -> list[str]:
    """DOCUMENTS registration notices with their (signed) files, their tokens."""
    from infra import storage
    from models import Application, Document, db

    app_ids = seed_applications(app, DOCUMENTS, "submitted")
    tokens = [secrets.token_urlsafe(24) for _ in app_ids]
    with app.app_context():
        authority = db.session.get(Application, app_ids[0]).authority
        today = date(2026, 11, 25)
        notice = _signed_notice(authority)
        first = storage.root() / "documents" / "2026" / "notice.pdf"
        first.parent.mkdir(parents=True, exist_ok=True)
        first.write_bytes(notice)
        sha = hashlib.sha256(notice).hexdigest()
        rows = []
        for k, (app_id, token) in enumerate(zip(app_ids, tokens, strict=False), start=1):
            number = f"哈道市监经登字〔2026〕第{k:06d}号"
            facts = {
                "企业名称": "哈尔滨市便民家政服务有限公司",
                "统一社会信用代码": "91330100716105852F",
                "新增经营场所": "道里区兆麟街道索菲亚小区3号楼1单元102室",
                "服务类别": "家政服务",
            }
            snapshot = {
                "number": number,
                "authority_name": authority.name,
                "issue_date": today.isoformat(),
                "holder_name": "哈尔滨市便民家政服务有限公司",
                "holder_code": "91330100716105852F",
                "facts": [{"label": k2, "value": v} for k2, v in facts.items()],
                "verify_url": f"http://bianmin.bench/verify/{token}",
                "content_digest": "0123456789abcdef",
            }
            rows.append(
                {
                    "application_id": app_id,
                    "authority_id": authority.id,
                    "kind": "registration_notice",
                    "year": 2026,
                    "seq": k,
                    "number": number,
                    "token": token,
                    "issued_at": datetime.now(UTC),
                    "issue_date": today,
                    "holder_name": snapshot["holder_name"],
                    "holder_code": snapshot["holder_code"],
                    "facts": facts,
                    "snapshot": snapshot,
                    "status": "valid",
                    "status_reason": "",
                    "storage_path": f"documents/2026/{token}.pdf",
                    "size": len(notice),
                    "sha256": sha,
                }
            )
            os.link(first, storage.root() / "documents" / "2026" / f"{token}.pdf")
        db.session.execute(insert(Document), rows)
        db.session.commit()
    return tokens


def _answer(app, token: str) -> dict:
    from models import Document, db
    from workflows.documents import public_view

    with app.app_context():
        doc = db.session.execute(select(Document).where(Document.token == token)).scalar_one()
        return json.loads(json.dumps(public_view(doc)))  # what the JSON response carries


def gunicorn_command() -> list[str]:
    """gunicorn of the environment running this interpreter (its scripts folder), not a fixed .venv path; else
    `python -m gunicorn` with this interpreter."""
    for folder in (sysconfig.get_path("scripts"), str(Path(sys.executable).parent)):
        candidate = Path(folder) / "gunicorn"
        if candidate.exists():
            return [str(candidate)]
    return [sys.executable, "-m", "gunicorn"]


class Server:
    """gunicorn serving `target` on a free loopback port with `workers` workers; stopped by its own process id."""

    def __init__(self, target: str, env: dict, log: Path, extra: tuple[str, ...] = (), workers: int = 2):
        self.port = _free_port()
        conf = ROOT / "gunicorn.conf.py"
        args = [*gunicorn_command(), "--workers", str(workers), "--bind", f"127.0.0.1:{self.port}"]
        if conf.exists():
            args += ["-c", str(conf)]
        self.log = open(log, "wb")
        metrics = log.with_suffix(".metrics")  # gunicorn.conf.py would leave a new temporary folder per start
        metrics.mkdir(exist_ok=True)
        self.proc = subprocess.Popen(
            args + list(extra) + [target],
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env={
                **os.environ,
                **env,
                "BIANMIN_WORKERS": str(workers),
                "PROMETHEUS_MULTIPROC_DIR": str(metrics),
                "BIANMIN_BIND": f"127.0.0.1:{self.port}",
            },
            start_new_session=True,
        )

    def wait(self, path: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}; see {self.log.name}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", path)
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn on {self.port} not ready in {timeout}s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # its own session: the master and its two workers
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()


# --- load generators ---------------------------------------------------------------------------


def _wrk(port: int, tokens: list[str], seconds: float, connections: int, script_dir: Path) -> dict:
    script = script_dir / "verify.lua"
    script.write_text(
        "tokens = {" + ",".join(f'"{t}"' for t in tokens) + "}\n"
        "request = function()\n"
        "  return wrk.format(nil, '/api/v1/verify/' .. tokens[math.random(#tokens)])\n"
        "end\n"
    )
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{int(seconds)}s",
            "--latency",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}",
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 30,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", out, re.M))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": rps,
        "p50": _as_ms(lat.get("50")),
        "p99": _as_ms(lat.get("99")),
        "non_2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1) if errors else "",
    }


def _as_ms(text: str | None) -> float | None:
    if not text:
        return None
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return round(float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit], 3)


def _python_load(port: int, tokens: list[str], seconds: float, connections: int, _dir) -> dict:
    """A bounded threaded client, for machines without wrk: one request per connection, as sync workers close."""
    latencies, bad, stop = [], [0], time.monotonic() + seconds
    lock = threading.Lock()

    def worker(k):
        mine, i = [], k
        while time.monotonic() < stop:
            t0 = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", f"/api/v1/verify/{tokens[i % len(tokens)]}")
            resp = conn.getresponse()
            resp.read()
            conn.close()
            mine.append(time.perf_counter() - t0)
            if resp.status != 200:
                with lock:
                    bad[0] += 1
            i += connections
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(connections)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    latencies.sort()
    pick = lambda p: round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 3) if latencies else None
    return {
        "rps": len(latencies) / elapsed,
        "p50": pick(0.50),
        "p99": pick(0.99),
        "non_2xx": bad[0],
        "socket_errors": "",
    }


def run(quick: bool) -> dict:
    rounds, seconds, connections = (5, 3, 8) if quick else (7, 10, 8)
    load = _wrk if shutil.which("wrk") else _python_load
    with scratch_dir("bench-verify-") as tmp:
        if pg_available():
            with throwaway_pg("bench_verify") as url:
                return _measure(url, "PostgreSQL", tmp, rounds, seconds, connections, load)
        return _measure(f"sqlite:///{tmp / 'verify.sqlite'}", "SQLite", tmp, rounds, seconds, connections, load)


def _measure(url, dbname, tmp, rounds, seconds, connections, load) -> dict:
    app = make_app(url, tmp / "storage")
    build_schema(app)
    tokens = _seed_documents(app)
    answer_file = tmp / "answer.json"
    answer_file.write_text(json.dumps(_answer(app, tokens[0]), ensure_ascii=False), encoding="utf-8")
    with app.app_context():
        from models import db

        db.engine.dispose()
    env = {
        "BIANMIN_DATABASE_URL": url,
        "BIANMIN_STORAGE_DIR": str(tmp / "storage"),
        "BENCH_VERIFY_JSON": str(answer_file),
        "BIANMIN_BASE_URL": "http://bianmin.bench",
        "BIANMIN_SECRET_KEY": "bench-verify",
        "BIANMIN_KEYS_DIR": str(tmp / "keys"),
        "BIANMIN_KEYS_PASSPHRASE": BENCH_PASSPHRASE,
        "BIANMIN_LOG_LEVEL": "warning",
        # gunicorn.conf.py recycles a worker after ~10,000 requests: every few hours in service, but every ~10 s at
        # these rates, each time with cold caches and a new database connection in one server or the other; the
        # ratio is of the steady state, for both servers alike
        "BIANMIN_MAX_REQUESTS": "0",
    }
    servers = {
        "app": Server("app:create_app()", env, tmp / "gunicorn-app.log"),
        "bare": Server("bench.bare_app:app", env, tmp / "gunicorn-bare.log"),
    }
    runs: dict[str, list[dict]] = {name: [] for name in servers}
    try:
        for s in servers.values():
            s.wait(f"/api/v1/verify/{tokens[0]}")
        for s in servers.values():  # warm both: imports, pools, first queries, each worker's first read of each file
            load(s.port, tokens, seconds, connections, tmp)
        for r in range(rounds):
            for name in list(servers) if r % 2 == 0 else list(reversed(servers)):
                runs[name].append(load(servers[name].port, tokens, seconds, connections, tmp))
    finally:
        for s in servers.values():
            s.stop()
    ratio = median([a["rps"] / b["rps"] for a, b in zip(runs["app"], runs["bare"], strict=False)])
    detail = {
        "database": dbname,
        "workers": 2,
        "worker_class": "sync (gunicorn.conf.py)",
        "load_generator": "wrk -t2" if load is _wrk else "python threads",
        "connections": connections,
        "seconds_per_run": seconds,
        "rounds": rounds,
        "documents": len(tokens),
        "app_rps": round(median([x["rps"] for x in runs["app"]]), 1),
        "bare_rps": round(median([x["rps"] for x in runs["bare"]]), 1),
        "app_p50_ms": median([x["p50"] for x in runs["app"]]),
        "app_p99_ms": median([x["p99"] for x in runs["app"]]),
        "bare_p50_ms": median([x["p50"] for x in runs["bare"]]),
        "bare_p99_ms": median([x["p99"] for x in runs["bare"]]),
        "verify_path": "views/api/public.py: one Core SELECT of the shown columns on an autocommit connection; "
        "config.py: no pool_pre_ping (pool_recycle=1800); the stored file's signature check "
        "(workflows/signing.py) from its per-process cache after a file's first request",
        "non_2xx": sum(x["non_2xx"] for v in runs.values() for x in v),
        "socket_errors": sorted({x["socket_errors"] for v in runs.values() for x in v if x["socket_errors"]}),
    }
    return {"value": r3(ratio), "detail": detail}
