"""gunicorn serves the app with the repository's config: probes answer, and /metrics adds up every worker."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.ops.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _env(tmp_path: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BIANMIN_", "PROMETHEUS_"))}
    env.update(
        BIANMIN_DATABASE_URL=f"sqlite:///{tmp_path / 'bianmin.sqlite'}",
        BIANMIN_STORAGE_DIR=str(tmp_path / "storage"),
        BIANMIN_SECRET_KEY="gunicorn-test",
        BIANMIN_BASE_URL="http://bianmin.test",
        **extra,
    )
    return env


def stop(proc: subprocess.Popen, grace: float = 20) -> None:
    """SIGTERM (gunicorn's graceful shutdown), then SIGKILL if it has not exited within `grace` seconds."""
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _get(url: str) -> tuple[int, dict | str, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            status, body, headers = r.status, r.read().decode(), dict(r.headers)
    except urllib.error.HTTPError as e:
        status, body, headers = e.code, e.read().decode(), dict(e.headers)
    return (
        status,
        (json.loads(body) if headers.get("Content-Type", "").startswith("application/json") else body),
        headers,
    )


def _init_db(env: dict) -> None:
    """`flask init-db`, in this process: the app is already imported here, a subprocess would import it again."""
    from app import create_app

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": env["BIANMIN_DATABASE_URL"], "STORAGE_DIR": env["BIANMIN_STORAGE_DIR"]}
    )
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        from models import db

        db.engine.dispose()


@pytest.fixture
def served(tmp_path):
    """init-db, then gunicorn with two workers on a free loopback port; stopped with SIGTERM afterwards."""
    env = _env(tmp_path)
    _init_db(env)
    port = free_port()
    env.update(
        BIANMIN_BIND=f"127.0.0.1:{port}", BIANMIN_WORKERS="2", PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics")
    )
    (tmp_path / "metrics").mkdir()
    log = open(tmp_path / "gunicorn.log", "wb")
    proc = subprocess.Popen(
        [BIN / "gunicorn", "-c", "gunicorn.conf.py", "app:create_app()"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            if proc.poll() is not None:
                pytest.fail("gunicorn exited:\n" + (tmp_path / "gunicorn.log").read_text())
            try:
                if _get(base + "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not answer within 15 s:\n" + (tmp_path / "gunicorn.log").read_text())
        yield base, tmp_path / "gunicorn.log"
    finally:
        stop(proc)
        log.close()


def _served(base: str) -> float:
    _status, text, _h = _get(base + "/metrics")
    return sum(
        s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == "bianmin_requests_total" and s.labels.get("endpoint") == "health.healthz"
    )


def test_gunicorn_serves_probes_and_metrics(served):
    base, log = served
    assert _get(base + "/healthz")[:2] == (200, {"status": "ok"})
    status, body, headers = _get(base + "/readyz")
    assert status == 200 and body["checks"] == {"database": "ok", "storage": "ok"}
    assert headers["X-Request-ID"]
    before = _served(base)
    for _ in range(8):
        _get(base + "/healthz")
    assert _served(base) == before + 8  # two workers, every request counted once (prometheus multiprocess mode)
    assert '"GET /readyz HTTP/1.1" 200' in log.read_text()  # the access log


def test_worker_count_follows_the_cores(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "BIANMIN_WORKERS"}
    env.update(PROMETHEUS_MULTIPROC_DIR=str(tmp_path), BIANMIN_BASE_URL="http://bianmin.test", BIANMIN_SECRET_KEY="k")
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import runpy, os; c = runpy.run_path('gunicorn.conf.py'); "
            "print(c['workers'], c['timeout'], c['accesslog'], os.cpu_count())",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    workers, timeout, accesslog, cores = int(out[0]), int(out[1]), out[2], int(out[3])
    assert workers == min(2 * cores + 1, 12) and timeout > 30 and accesslog == "-"


def _start_and_stop(env: dict, tmp_path: Path) -> str:
    """gunicorn with `env` until /healthz answers, then SIGTERM; returns its log."""
    _init_db(env)
    port = free_port()
    env = {**env, "BIANMIN_BIND": f"127.0.0.1:{port}", "BIANMIN_WORKERS": "1"}
    log_path = tmp_path / "gunicorn-tmp.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [BIN / "gunicorn", "-c", "gunicorn.conf.py", "app:create_app()"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                assert proc.poll() is None, log_path.read_text()
                try:
                    if _get(f"http://127.0.0.1:{port}/healthz")[0] == 200:
                        break
                except OSError:
                    pass
                assert time.monotonic() < deadline, log_path.read_text()
                time.sleep(0.1)
        finally:
            stop(proc)
    return log_path.read_text()


def test_a_start_without_a_metrics_dir_leaves_no_temporary_directory(tmp_path):
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    for _ in range(2):
        _start_and_stop(_env(tmp_path, TMPDIR=str(tmpdir)), tmp_path)
    assert list(tmpdir.glob("bianmin-metrics-*")) == []


def test_a_given_metrics_dir_is_used_and_kept(tmp_path):
    tmpdir, metrics = tmp_path / "tmp", tmp_path / "metrics"
    tmpdir.mkdir()
    metrics.mkdir()
    _start_and_stop(_env(tmp_path, TMPDIR=str(tmpdir), PROMETHEUS_MULTIPROC_DIR=str(metrics)), tmp_path)
    assert list(tmpdir.glob("bianmin-metrics-*")) == []
    assert metrics.is_dir()
