"""Request ids, JSON-lines logs and Prometheus metrics (requests, latencies, events, overdue, queue depth).

- Every request gets an id: the caller's `X-Request-ID` when it is sane, else a new one; it goes back
  in the response header and into every log record written while the request runs (and into the
  meta of the jobs it queues, so a worker's log lines carry it too).
- `BIANMIN_LOG_JSON=1`: one JSON object per log line on stderr, and one line per request with
  request_id, method, path, status and duration_ms.
- `/metrics`: counters and a latency histogram kept per process (gunicorn.conf.py turns on
  prometheus_client's multiprocess mode so every worker is counted), events counted when the engine
  announces them committed (app.py connects count_event to workflows.signals.event_committed), and gauges
  computed at scrape time by the readers app.py adds (add_gauge: overdue applications, the queue).

Infrastructure: it imports nothing of the app above it; what it measures is handed to it.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, abort, current_app, g, has_request_context, request
from flask.logging import default_handler
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

log = logging.getLogger(__name__)
request_log = logging.getLogger("bianmin.request")
SANE_ID = re.compile(r"^[A-Za-z0-9._:@-]{1,128}$")

REQUESTS = Counter("bianmin_requests", "HTTP requests served", ["method", "endpoint", "status"])
LATENCY = Histogram(
    "bianmin_request_duration_seconds",
    "Time to serve a request",
    ["method", "endpoint"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
EVENTS = Counter("bianmin_events", "Workflow events committed", ["procedure", "event"])


# --- request ids and the per-request log line ---------------------------------------------------


def request_id() -> str | None:
    """The current request's id, or the id of the request that queued the running job, or None."""
    if has_request_context():
        return g.get("request_id")
    try:
        from rq import get_current_job  # here, not at the top: RQ is optional (background work runs inline without it)

        job = get_current_job()
    except Exception:
        return None
    return job.meta.get("request_id") if job is not None else None


def _start_request() -> None:
    incoming = request.headers.get("X-Request-ID")
    g.request_id = incoming if incoming and SANE_ID.match(incoming) else os.urandom(16).hex()
    g.request_started = time.perf_counter()


# the labelled children of REQUESTS and LATENCY, looked up once per (method, endpoint[, status]) and process:
# `labels()` validates and locks on every call (a few routes × methods × statuses: a small dict)
_counters: dict[tuple[str, str, int], Any] = {}
_histograms: dict[tuple[str, str], Any] = {}


def _finish_request(response: Response) -> Response:
    rid = g.get("request_id") or os.urandom(16).hex()
    response.headers["X-Request-ID"] = rid
    elapsed = time.perf_counter() - g.get("request_started", time.perf_counter())
    endpoint = request.endpoint or "unmatched"
    method, status = request.method, response.status_code
    counter = _counters.get((method, endpoint, status))
    if counter is None:
        counter = _counters[method, endpoint, status] = REQUESTS.labels(method, endpoint, str(status))
    counter.inc()
    histogram = _histograms.get((method, endpoint))
    if histogram is None:
        histogram = _histograms[method, endpoint] = LATENCY.labels(method, endpoint)
    histogram.observe(elapsed)
    if not request_log.isEnabledFor(logging.INFO):
        return response  # the request line is off (BIANMIN_LOG_JSON unset): no record to build
    request_log.info(
        "%s %s %s",
        request.method,
        request.path,
        response.status_code,
        extra={
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round(elapsed * 1000, 2),
            "endpoint": endpoint,
            "remote_addr": request.remote_addr,
        },
    )
    return response


# --- JSON lines ---------------------------------------------------------------------------------

_RECORD_FIELDS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, request_id and any `extra` fields."""

    def format(self, record: logging.LogRecord) -> str:
        out = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
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
    app.logger.removeHandler(default_handler)  # else Flask's plain handler repeats every app log line


# --- events, counted once the engine announces them committed ------------------------------------


def count_event(procedure: str, event: str, **_details) -> None:
    """A blinker receiver: one committed, audited event of `procedure` in `bianmin_events`."""
    EVENTS.labels(procedure, event).inc()


# --- /metrics -----------------------------------------------------------------------------------


class _ProcessMetrics:
    """This process's counters (single process), or every worker's (prometheus multiprocess mode)."""

    def collect(self):
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            from prometheus_client import multiprocess  # only under gunicorn's multiprocess mode

            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            yield from registry.collect()
        else:
            yield from REGISTRY.collect()


class _LiveGauges:
    """Gauges read at scrape time, so every app server reports the same shared truth."""

    def __init__(self, gauges: list):
        self.gauges = gauges

    def collect(self):
        for name, documentation, labels, read in self.gauges:
            try:
                values = read()
            except Exception:
                log.exception("metrics: could not read %s", name)
                continue
            family = GaugeMetricFamily(name, documentation, labels=labels)
            for label_values, value in values:
                family.add_metric(list(label_values), value)
            yield family


def add_gauge(app: Flask, name: str, documentation: str, labels: list[str], read) -> None:
    """A gauge computed at scrape time: `read()` gives (label values, value) pairs (inside the app context)."""
    app.extensions.setdefault("bianmin_gauges", []).append((name, documentation, labels, read))


def metrics():
    token = current_app.config.get("METRICS_TOKEN")
    if token and request.headers.get("Authorization") != f"Bearer {token}":
        abort(401)
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_ProcessMetrics())
    registry.register(_LiveGauges(current_app.extensions.get("bianmin_gauges", [])))
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


# --- wiring -------------------------------------------------------------------------------------


def init_app(app: Flask) -> None:
    """Request ids, the request log line, JSON logs when asked, and /metrics."""
    configure_logging(app)
    app.before_request(_start_request)
    app.after_request(_finish_request)
    app.add_url_rule("/metrics", "metrics", metrics)
