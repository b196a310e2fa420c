"""GET /api/v1/stats (API.md "Statistics"): counts per state, on time vs late, median, overdue, scores, scope."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from tests.stats.conftest import step
from workflows.registry import PROCEDURES
from workflows.stats import deadline_at_decision


def stats(api, user="clerk_daoli", status=200, **params):
    r = api.get("/api/v1/stats", user, query_string=params)
    assert r.status_code == status, r.get_json()
    return r.get_json()


@pytest.fixture
def six(api, premise, on):
    """Six Daoli premise applications, all submitted on Wednesday 2026-11-25 (deadline Monday 11-30):
    registered the same day; registered late on 12-01; extended (to 12-03) and registered on 12-02;
    left waiting (overdue from 12-01); sent back for correction; withdrawn. Today is then 12-02."""
    on("2026-11-25")
    same_day = premise(("register", "clerk_daoli"))
    late = premise()
    extended = premise(("accept", "clerk_daoli"), ("extend", "approver_daoli"))
    assert extended["deadline"]["due"] == "2026-12-03"
    waiting = premise()
    correction = premise(("request_correction", "clerk_daoli"))
    withdrawn = premise(("withdraw", "alice"))
    on("2026-12-01")
    step(api, late, "register", "clerk_daoli")
    on("2026-12-02")
    step(api, extended, "register", "clerk_daoli")
    return SimpleNamespace(
        same_day=same_day, late=late, extended=extended, waiting=waiting, correction=correction, withdrawn=withdrawn
    )


def test_figures(api, six):
    body = stats(api)
    assert body["total"] == 6
    assert body["states"] == {"correction_required": 1, "registered": 3, "submitted": 1, "withdrawn": 1}
    premise = body["procedures"]["premise_addition"]
    assert premise["total"] == 6 and premise["states"]["registered"] == 3 and premise["states"]["revoked"] == 0
    assert "draft" not in premise["states"]
    # withdrawn is not a decision; the extended one met its extended deadline
    assert body["decided"] == {"total": 3, "on_time": 2, "late": 1, "on_time_rate": 0.6667}
    # working days from submission: 0 (same day), 4 (11-26, 27, 30, 12-01), 5 (… 12-02)
    assert body["median_working_days"] == 4.0
    assert body["open_overdue"] == 1  # the waiting one; the correction is the applicant's turn
    assert body["evaluations"] == {"count": 0, "mean": None, "scores": {str(s): 0 for s in range(1, 6)}}
    assert body["scope"] == {
        "authority": {"key": "230102:market_regulation", "name": "哈尔滨市道里区市场监督管理局"},
        "procedure": None,
        "from": None,
        "to": None,
        "today": "2026-12-02",
    }


def test_overdue_follows_today(api, six, on):
    on("2026-11-30")  # the deadline day itself is not overdue yet
    assert stats(api)["open_overdue"] == 0
    on("2026-12-01")
    assert stats(api)["open_overdue"] == 1


def test_median_of_an_even_count(api, six, premise, on):
    on("2026-11-25")
    step(api, six.waiting, "register", "clerk_daoli")  # a fourth decision: 0 working days
    body = stats(api)
    assert body["median_working_days"] == 2.0  # (0, 0, 4, 5)
    assert body["decided"]["late"] == 1 and body["open_overdue"] == 0


def test_evaluation_scores(api, six):
    rate = f"/api/v1/applications/{six.same_day['id']}/evaluation"
    assert api.post(rate, "alice", json={"score": 5}).status_code == 201
    assert (
        api.post(
            f"/api/v1/applications/{six.late['id']}/evaluation", "alice", json={"score": 2, "comment": "超期了"}
        ).status_code
        == 201
    )
    body = stats(api)["evaluations"]
    assert body == {"count": 2, "mean": 3.5, "scores": {"1": 0, "2": 1, "3": 0, "4": 0, "5": 1}}
    assert stats(api, "clerk_nangang")["evaluations"]["count"] == 0


def test_scope(api, six):
    for other in ("clerk_nangang", "approver_nangang", "reviewer_daoli", "clerk_daoli_housing"):
        body = stats(api, other)
        assert body["total"] == 0 and body["states"] == {}, other
        assert body["decided"] == {"total": 0, "on_time": 0, "late": 0, "on_time_rate": None}
        assert body["median_working_days"] is None and body["open_overdue"] == 0
    assert stats(api, "approver_daoli")["total"] == 6
    for everyone in ("admin", "auditor"):
        body = stats(api, everyone)
        assert body["total"] == 6 and body["scope"]["authority"] is None
        assert stats(api, everyone, authority="230103:market_regulation")["total"] == 0
        assert stats(api, everyone, authority="230102:market_regulation")["decided"]["late"] == 1
    assert stats(api, "clerk_daoli", authority="230102:market_regulation")["total"] == 6
    forbidden = stats(api, "clerk_daoli", 403, authority="230103:market_regulation")
    assert forbidden["error"]["code"] == "forbidden"
    assert stats(api, "alice", 403)["error"]["code"] == "forbidden"
    assert api.get("/api/v1/stats").status_code == 401


def test_filters(api, six):
    only_land = stats(api, procedure="land_transition")
    assert only_land["total"] == 0 and list(only_land["procedures"]) == ["land_transition"]
    assert stats(api, procedure="premise_addition")["total"] == 6
    assert stats(api, **{"from": "2026-11-26"})["total"] == 0
    assert stats(api, **{"from": "2026-11-25", "to": "2026-11-25"})["total"] == 6
    assert stats(api, to="2026-11-24")["total"] == 0


@pytest.mark.parametrize(
    "params, fields",
    [
        ({"from": "2026-13-01"}, ["from"]),
        ({"to": "yesterday"}, ["to"]),
        ({"from": "20261125"}, ["from"]),
        ({"from": "2026-11-5"}, ["from"]),
        ({"from": "2026-12-01", "to": "2026-11-01"}, ["from"]),
        ({"procedure": "bogus", "to": "x"}, ["procedure", "to"]),
        ({"authority": "230102:nothing"}, ["authority"]),
    ],
)
def test_bad_filters(api, params, fields):
    error = stats(api, "admin", 422, **params)["error"]
    assert error["code"] == "validation_failed" and error["message"]
    assert [d["field"] for d in error["details"]] == fields
    assert all(d["message"] and d["message_en"] for d in error["details"])


def test_fire_filed_at_submission_is_an_immediate_decision(app, api):
    from tests.conftest import PDF_BYTES
    from tests.fire.test_fire_filing import ALL_KINDS, FIRE_FIELDS

    r = api.post("/api/v1/applications", "alice", json={"procedure": "fire_filing", "fields": FIRE_FIELDS})
    app_id = r.get_json()["id"]
    for kind in ALL_KINDS:
        assert api.upload(app_id, kind=kind, data=PDF_BYTES).status_code == 201
    assert api.fire(app_id, "submit", "alice").get_json()["state"] == "filed"  # promise mode: filed at once
    body = stats(api, "clerk_daoli_housing")
    assert body["states"] == {"filed": 1}
    assert body["decided"] == {"total": 1, "on_time": 1, "late": 0, "on_time_rate": 1.0}
    assert body["median_working_days"] == 0.0 and body["open_overdue"] == 0
    assert stats(api, "clerk_daoli")["total"] == 0
    assert api.post(f"/api/v1/applications/{app_id}/evaluation", "alice", json={"score": 5}).status_code == 409


# --- the deadline a decision had, from the audit trail -----------------------------------------


def trail(*entries):
    return [SimpleNamespace(event=e, to_state=s, data=d) for e, s, d in entries]


def due(day):
    return {"deadline": {"due": day, "provisional": False}}


@pytest.mark.parametrize(
    "procedure, entries, expected",
    [
        (
            "premise_addition",
            trail(
                ("create", "draft", {}),
                ("submit", "submitted", due("2026-11-30")),
                ("request_correction", "correction_required", {"deadline": None}),
                ("resubmit", "submitted", due("2026-12-07")),
                ("register", "registered", {"deadline": None}),
                ("cancel", "cancelled", {}),
            ),
            "2026-12-07",
        ),
        (
            "premise_addition",
            trail(
                ("submit", "submitted", due("2026-11-30")),
                ("accept", "under_review", {}),
                ("extend", "under_review", due("2026-12-03")),
                ("refuse", "refused", {"deadline": None}),
            ),
            "2026-12-03",
        ),
        (
            "land_transition",
            trail(
                ("submit", "submitted", due("2026-12-02")),
                ("accept", "department_review", due("2026-12-23")),
                ("approve", "in_transition", {"deadline": None}),
                ("expire", "expired", due("2031-12-30")),
            ),
            "2026-12-23",
        ),
        ("fire_filing", trail(("submit", "filed", {"deadline": None})), None),
        (
            "fire_filing",
            trail(
                ("submit", "filed", {"deadline": None}),
                ("draw", "selected", due("2026-12-16")),
                ("record_inspection", "passed", {"deadline": None}),
            ),
            "2026-12-16",
        ),
        ("fire_filing", trail(("submit", "filed", {"deadline": None}), ("draw", "closed", {"deadline": None})), None),
        (
            "premise_addition",
            trail(
                ("submit", "submitted", due("2026-11-30")),
                ("recompute_deadline", "submitted", due("2026-12-01")),
                ("register", "registered", {"deadline": None}),
            ),
            "2026-12-01",
        ),
    ],
    ids=[
        "after-correction",
        "extended",
        "land-approve-then-expire",
        "fire-promise",
        "fire-inspection",
        "fire-closed",
        "recounted",
    ],
)
def test_deadline_at_decision(procedure, entries, expected):
    got = deadline_at_decision(PROCEDURES[procedure], entries)
    assert got == (date.fromisoformat(expected) if expected else None)
