"""fire_filing (DOMAIN §3): routes at the thresholds, modes, late filing, the draw, inspections."""

from __future__ import annotations

import pytest

from models import Authority, db
from tests.conftest import PDF_BYTES
from workflows import accounts

FIRE_STAFF = [
    ("housing_clerk", "clerk", "230102:housing"),
    ("inspector_a", "inspector", "230102:housing"),
    ("inspector_b", "inspector", "230102:housing"),
]
FIRE_FIELDS = {
    "facility_name": "经纬街274号院社区养老服务站",
    "credit_code": "91230102MA1D0XG5LR",
    "site_address": "经纬街274号院1号楼1层",
    "site_division": "230102",
    "facility_type": "elderly_care",
    "special_construction": False,
    "crowded_place": False,
    "floor_area_m2": 280,
    "total_investment_yuan": 450000,
    "completion_date": "2026-11-23",
}
ALL_KINDS = ("filing_form", "commitment_letter", "completion_report", "as_built_drawings")


def set_mode(app, mode):
    with app.app_context():
        authority = db.session.execute(
            db.select(Authority).where(Authority.division_code == "230102", Authority.kind == "housing")
        ).scalar_one()
        authority.settings = {"fire_mode": mode}
        db.session.commit()


@pytest.fixture
def fire(app, api):
    with app.app_context():
        for name, role, authority in FIRE_STAFF:
            accounts.create_user(name, "correct-horse-9", role, authority)
        db.session.commit()

    def submit(kinds=ALL_KINDS, **fields):
        r = api.post(
            "/api/v1/applications", "alice", json={"procedure": "fire_filing", "fields": {**FIRE_FIELDS, **fields}}
        )
        assert r.status_code == 201, r.get_json()
        app_id = r.get_json()["id"]
        for kind in kinds:
            assert api.upload(app_id, kind=kind, data=PDF_BYTES).status_code == 201
        return api.fire(app_id, "submit", "alice")

    return submit


@pytest.mark.parametrize(
    "fields, route",
    [
        ({"floor_area_m2": 300, "total_investment_yuan": 999999}, "simplified"),  # 300 m² exactly is eligible
        ({"floor_area_m2": 300.01, "total_investment_yuan": 300000}, "simplified"),  # ¥300,000 exactly too
        ({"floor_area_m2": 300.01, "total_investment_yuan": 300000.01}, "standard"),
        ({"floor_area_m2": 120, "facility_type": "other"}, "standard"),  # not a community facility
        ({"special_construction": True}, None),  # 消防验收 instead
    ],
    ids=["300m2", "300k", "over-both", "not-community", "special"],
)
def test_route_at_the_thresholds(api, fields, route):
    r = api.post("/api/v1/eligibility/fire_filing", json={"fields": {**FIRE_FIELDS, **fields}})
    body = r.get_json()
    assert r.status_code == 200 and body["route"] == route
    assert body["eligible"] is (route is not None)
    assert body["reasons"], "the pre-check says why"


@pytest.mark.parametrize(
    "mode, state, document",
    [
        ("promise", "filed", "filing_receipt"),
        ("exempt", "exempted", "exemption_confirmation"),
        ("fast_track", "submitted", None),
        ("standard", "submitted", None),
    ],
)
def test_simplified_modes(api, fire, app, mode, state, document):
    set_mode(app, mode)
    body = fire().get_json()
    assert body["state"] == state, body
    assert [d["kind"] for d in body["documents"]] == ([document] if document else [])


def test_fast_track_accepts_missing_non_core_documents(api, fire, app):
    set_mode(app, "fast_track")
    body = fire(kinds=("filing_form", "commitment_letter")).get_json()
    assert body["state"] == "submitted"
    assert body["outcome"]["supplement_kinds"] == ["completion_report", "as_built_drawings"]
    assert api.upload(body["id"], kind="completion_report", data=PDF_BYTES).status_code == 201
    filed = api.fire(body["id"], "file", "housing_clerk").get_json()
    assert filed["state"] == "filed" and filed["documents"][0]["kind"] == "filing_receipt"


def test_standard_route_needs_the_full_set(api, fire):
    r = fire(kinds=("filing_form",), floor_area_m2=800, total_investment_yuan=2_000_000)
    assert r.status_code == 422
    fields = {d["field"] for d in r.get_json()["error"]["details"]}
    assert {"completion_report", "as_built_drawings"} <= fields


def test_late_filing_is_marked_and_always_selected(api, fire, app):
    late = fire(completion_date="2026-11-10").get_json()  # due 2026-11-17, filed 2026-11-25
    assert late["state"] == "filed" and late["is_late"] is True
    on_time = fire().get_json()
    assert on_time["is_late"] is False
    r = api.post("/api/v1/draws", "housing_clerk", json={"ratios": {"simplified": 0}})
    assert r.status_code == 201, r.get_json()
    draw = r.get_json()
    assert draw["selected"] == [late["id"]] and draw["closed"] == [on_time["id"]]
    assert draw["inspectors"][str(late["id"])] in ("inspector_a", "inspector_b", "inspector_daoli")  # the pool
    assert api.get(f"/api/v1/draws/{draw['id']}/verify").get_json()["reproduced"] is True
    public = api.get(f"/api/v1/draws/{draw['id']}").get_json()
    assert {r["holder"] for r in public["results"]} == {FIRE_FIELDS["facility_name"]}
    again = api.post("/api/v1/draws", "housing_clerk", json={}).get_json()
    assert again["selected"] == [] and again["closed"] == []  # nothing is drawn twice


def test_inspection_by_the_assigned_inspector_only(api, fire, app):
    filed = fire(completion_date="2026-11-10").get_json()
    draw = api.post("/api/v1/draws", "housing_clerk", json={}).get_json()
    assigned = draw["inspectors"][str(filed["id"])]
    other = "inspector_b" if assigned == "inspector_a" else "inspector_a"
    body = api.get(f"/api/v1/applications/{filed['id']}", assigned).get_json()
    assert body["state"] == "selected" and body["deadline"]["due"] == "2026-12-16"  # 15 working days
    assert api.fire(filed["id"], "record_inspection", other, {"passed": True}).status_code == 403
    assert api.fire(filed["id"], "record_inspection", assigned, {"passed": False}).status_code == 422
    r = api.fire(filed["id"], "record_inspection", assigned, {"passed": False, "findings": "疏散通道堵塞"})
    assert r.get_json()["state"] == "rectifying"
    assert api.post(
        f"/api/v1/applications/{filed['id']}/events",
        "housing_clerk",
        json={"event": "draw", "version": r.get_json()["version"]},
    ).status_code in (403, 409)
    r = api.fire(filed["id"], "request_recheck", "alice")
    assert r.get_json()["state"] == "rechecking"
    r = api.fire(filed["id"], "record_inspection", assigned, {"passed": True, "findings": "已整改"})
    body = r.get_json()
    assert body["state"] == "passed"
    assert [d["kind"] for d in body["documents"]] == ["filing_receipt", "rectification_notice", "inspection_result"]


def test_only_housing_clerks_draw(api, fire):
    assert api.post("/api/v1/draws", "clerk_daoli", json={}).status_code == 403
    assert api.post("/api/v1/draws", "alice", json={}).status_code == 403
    assert api.post("/api/v1/draws", "housing_clerk", json={"ratios": {"late": 0.5}}).status_code == 422


def test_fast_track_supplement_late_becomes_a_correction(api, fire, app, runner):
    set_mode(app, "fast_track")
    body = fire(kinds=("filing_form", "commitment_letter")).get_json()
    filed = api.fire(body["id"], "file", "housing_clerk").get_json()
    assert filed["outcome"]["supplement_due"] == "2026-12-02"
    assert "0 late fast-track" in runner.invoke(args=["jobs", "run", "--as-of", "2026-12-02"]).output
    assert "1 late fast-track" in runner.invoke(args=["jobs", "run", "--as-of", "2026-12-03"]).output
    body = api.get(f"/api/v1/applications/{body['id']}", "alice").get_json()
    assert body["state"] == "correction_required"
    assert {i["field"] for i in body["correction_items"]} == {"completion_report", "as_built_drawings"}
