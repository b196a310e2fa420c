"""Request ids, JSON-lines logs and Prometheus metrics (requests, latencies, events, overdue, queue depth).

- Every request gets an id: the caller's `X-Request-ID` when it is sane, else a new one; it goes back
  in the response header and into every log record written while the request runs (and into the
  meta of the jobs it queues, so a worker's log lines carry it too).
- `BIANMIN_LOG_JSON=1`: one JSON object per log line on stderr, and one line per request with
  request_id, method, path, status and duration_ms.
- `/metrics`: counters and a latency histogram kept per process (gunicorn.conf.py turns on
  prometheus_client's multiprocess mode so every worker is counted), events counted when their
  transaction commits, and gauges computed at scrape time from the database and the queue.
"""
from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
import uuid
from datetime import datetime, timezone

from flask import Flask, Response, abort, current_app, g, has_request_context, request
from flask.logging import default_handler
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client import CONTENT_TYPE_LATEST
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from models import Application, db

log = logging.getLogger(__name__)
request_log = logging.getLogger("bianmin.request")
SANE_ID = re.compile(r"^[A-Za-z0-9._:@-]{1,128}$")
PENDING_EVENTS = "bianmin_pending_events"

REQUESTS = Counter("bianmin_requests", "HTTP requests served", ["method", "endpoint", "status"])
LATENCY = Histogram("bianmin_request_duration_seconds", "Time to serve a request", ["method", "endpoint"],
                    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
EVENTS = Counter("bianmin_events", "Workflow events committed", ["procedure", "event"])


# --- request ids and the per-request log line ---------------------------------------------------

def request_id() -> str | None:
    """The current request's id, or the id of the request that queued the running job, or None."""
    if has_request_context():
        return g.get("request_id")
    try:
        from rq import get_current_job
        job = get_current_job()
    except Exception:
        return None
    return job.meta.get("request_id") if job is not None else None


def _start_request() -> None:
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if SANE_ID.match(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _finish_request(response: Response) -> Response:
    rid = g.get("request_id") or uuid.uuid4().hex
    response.headers["X-Request-ID"] = rid
    elapsed = time.perf_counter() - g.get("request_started", time.perf_counter())
    endpoint = request.endpoint or "unmatched"
    REQUESTS.labels(request.method, endpoint, str(response.status_code)).inc()
    LATENCY.labels(request.method, endpoint).observe(elapsed)
    request_log.info("%s %s %s", request.method, request.path, response.status_code,
                     extra={"method": request.method, "path": request.path, "status": response.status_code,
                            "duration_ms": round(elapsed * 1000, 2), "endpoint": endpoint,
                            "remote_addr": request.remote_addr})
    return response


# --- JSON lines ---------------------------------------------------------------------------------

_RECORD_FIELDS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, request_id and any `extra` fields."""

    def format(self, record: logging.LogRecord) -> str:
        out = {"ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
               "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        out.update({k: v for k, v in vars(record).items() if k not in _RECORD_FIELDS and not k.startswith("_")})
        if record.exc_info:
            out["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id()
        return True


class JsonLinesHandler(logging.StreamHandler):
    """JSON lines on whatever sys.stderr is now (gunicorn and pytest both swap it)."""

    def __init__(self):
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.addFilter(RequestIdFilter())

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


def configure_logging(app: Flask) -> None:
    """With LOG_JSON, the root logger writes JSON lines at INFO; otherwise logging is left as it is."""
    if not app.config.get("LOG_JSON"):
        return
    root = logging.getLogger()
    if not any(isinstance(h, JsonLinesHandler) for h in root.handlers):
        root.addHandler(JsonLinesHandler())
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)
    app.logger.removeHandler(default_handler)   # else Flask's plain handler repeats every app log line


# --- events, counted when their transaction commits ---------------------------------------------

def count_on_commit(session: Session, procedure: str, event_name: str) -> None:
    """Count one audited event in `bianmin_events` once its transaction commits (workflows.engine calls it)."""
    session.info.setdefault(PENDING_EVENTS, []).append((procedure, event_name))


def _count_committed(session: Session) -> None:
    for procedure, name in session.info.pop(PENDING_EVENTS, ()):
        EVENTS.labels(procedure, name).inc()


def _forget(session: Session) -> None:
    session.info.pop(PENDING_EVENTS, None)


# --- /metrics -----------------------------------------------------------------------------------

class _ProcessMetrics:
    """This process's counters (single process), or every worker's (prometheus multiprocess mode)."""

    def collect(self):
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            from prometheus_client import multiprocess
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            yield from registry.collect()
        else:
            yield from REGISTRY.collect()


class _LiveGauges:
    """Gauges read at scrape time, so every app server reports the same shared truth."""

    def collect(self):
        yield from _overdue()
        yield from _queue_depth()


def _overdue():
    from workflows.context import today
    from workflows.registry import PROCEDURES
    family = GaugeMetricFamily("bianmin_overdue_applications",
                               "Open applications past their deadline and held by the authority", labels=["procedure"])
    counts = dict.fromkeys(PROCEDURES, 0)
    try:
        rows = db.session.execute(select(Application.procedure, Application.state, func.count())
                                  .where(Application.is_open.is_(True), Application.deadline_due < today())
                                  .group_by(Application.procedure, Application.state)).all()
    except Exception:
        db.session.rollback()
        log.exception("metrics: could not count overdue applications")
        return
    for procedure, state, n in rows:
        if procedure in PROCEDURES and PROCEDURES[procedure].holders.get(state) == "authority":
            counts[procedure] += n
    for procedure, n in sorted(counts.items()):
        family.add_metric([procedure], n)
    yield family


def _queue_depth():
    from infra import tasks
    depth = GaugeMetricFamily("bianmin_queue_depth", "Jobs waiting in the background queue", labels=["queue"])
    failed = GaugeMetricFamily("bianmin_queue_failed_jobs", "Jobs that failed in the background queue",
                               labels=["queue"])
    name = current_app.config["RQ_QUEUE"]
    try:
        q = tasks.queue()
        waiting, broken = (len(q), q.failed_job_registry.count) if q is not None else (0, 0)
    except Exception:
        log.exception("metrics: could not read the queue")
        return
    depth.add_metric([name], waiting)
    failed.add_metric([name], broken)
    yield depth
    yield failed


def metrics():
    token = current_app.config.get("METRICS_TOKEN")
    if token and request.headers.get("Authorization") != f"Bearer {token}":
        abort(401)
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_ProcessMetrics())
    registry.register(_LiveGauges())
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


# --- wiring -------------------------------------------------------------------------------------

def init_app(app: Flask) -> None:
    """Request ids, the request log line, JSON logs when asked, event counting and /metrics."""
    configure_logging(app)
    app.before_request(_start_request)
    app.after_request(_finish_request)
    app.add_url_rule("/metrics", "metrics", metrics)
    for name, listener in (("after_commit", _count_committed), ("after_rollback", _forget)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
