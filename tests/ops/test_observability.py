"""Request ids in and out, JSON log lines per request, and the Prometheus metrics of /metrics."""

from __future__ import annotations

import json
import logging
import re

import pytest
from prometheus_client.parser import text_string_to_metric_families

from infra import observability
from tests.ops.conftest import make_overdue


def metric(client, name: str, **labels) -> float | None:
    text = client.get("/metrics").get_data(as_text=True)
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
    return None


def test_the_callers_request_id_comes_back(client):
    r = client.get("/healthz", headers={"X-Request-ID": "portal-7f3a.42"})
    assert r.headers["X-Request-ID"] == "portal-7f3a.42"


@pytest.mark.parametrize("sent", [None, "", "has spaces", "x" * 200, "<script>"], ids=repr)
def test_otherwise_a_new_one_is_made(client, sent):
    r = client.get("/api/v1/procedures", headers={"X-Request-ID": sent} if sent is not None else {})
    assert re.fullmatch(r"[0-9a-f]{32}", r.headers["X-Request-ID"])


def test_errors_carry_a_request_id_too(client):
    assert re.fullmatch(r"[0-9a-f]{32}", client.get("/no/such/page").headers["X-Request-ID"])


@pytest.fixture
def json_logs(app):
    app.config["LOG_JSON"] = True
    root = logging.getLogger()
    level = root.level
    observability.configure_logging(app)
    yield
    for handler in [h for h in root.handlers if isinstance(h, observability.JsonLinesHandler)]:
        root.removeHandler(handler)
    root.setLevel(level)


def test_json_log_lines_carry_the_request(client, json_logs, capsys):
    client.get("/readyz", headers={"X-Request-ID": "req-42"})
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    request = [line for line in lines if line["logger"] == "bianmin.request"]
    assert len(request) == 1
    line = request[0]
    assert (line["request_id"], line["method"], line["path"], line["status"]) == ("req-42", "GET", "/readyz", 200)
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["level"] == "INFO" and line["ts"].endswith("+00:00")


def test_other_log_lines_of_the_request_carry_its_id(app, client, json_logs, capsys):
    app.config["STORAGE_DIR"] = "/dev/null/storage"  # the readiness check logs a warning
    client.get("/readyz", headers={"X-Request-ID": "req-43"})
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    warning = [line for line in lines if line["logger"] == "views.health"]
    assert warning and warning[0]["request_id"] == "req-43" and warning[0]["level"] == "WARNING"


def test_requests_and_latencies_are_counted(client):
    before = metric(client, "bianmin_requests_total", endpoint="health.healthz", status="200") or 0
    client.get("/healthz")
    client.get("/healthz")
    assert metric(client, "bianmin_requests_total", endpoint="health.healthz", status="200") == before + 2
    assert metric(client, "bianmin_request_duration_seconds_count", endpoint="health.healthz") >= 2
    assert metric(client, "bianmin_request_duration_seconds_bucket", endpoint="health.healthz", le="+Inf") >= 2


def test_committed_events_are_counted_per_procedure(client, api):
    labels = {"procedure": "premise_addition", "event": "submit"}
    before = metric(client, "bianmin_events_total", **labels) or 0
    api.submitted()
    assert metric(client, "bianmin_events_total", **labels) == before + 1


def test_refused_events_are_not_counted(client, api):
    app = api.draft()
    labels = {"procedure": "premise_addition", "event": "submit"}
    before = metric(client, "bianmin_events_total", **labels) or 0
    assert api.fire(app["id"], "submit", "alice").status_code == 422  # no attachment: the guard refuses
    assert (metric(client, "bianmin_events_total", **labels) or 0) == before


def test_overdue_applications_are_a_gauge_read_at_scrape_time(app, client, api):
    assert metric(client, "bianmin_overdue_applications", procedure="premise_addition") == 0
    submitted = api.submitted()
    assert metric(client, "bianmin_overdue_applications", procedure="premise_addition") == 0
    make_overdue(app, submitted["id"])
    assert metric(client, "bianmin_overdue_applications", procedure="premise_addition") == 1
    assert metric(client, "bianmin_overdue_applications", procedure="fire_filing") == 0


def test_queue_depth_is_zero_when_work_runs_inline(client):
    assert metric(client, "bianmin_queue_depth", queue="bianmin") == 0


def test_metrics_can_require_a_token(app, client):
    app.config["METRICS_TOKEN"] = "scrape-me"
    assert client.get("/metrics").status_code == 401
    r = client.get("/metrics", headers={"Authorization": "Bearer scrape-me"})
    assert r.status_code == 200 and "bianmin_requests_total" in r.get_data(as_text=True)
