"""Issue 14 item 11: the contract where the probe found the code off it — admins see no application (404,
pages too; auditors read all), and the fire pre-check never states a route from inputs it was not given."""

from __future__ import annotations

import pytest

from tests.fire.test_fire_filing import FIRE_FIELDS


def test_admins_get_404_for_every_application_and_an_empty_list(api):
    body = api.submitted()
    assert api.get(f"/api/v1/applications/{body['id']}", "admin").status_code == 404
    assert api.get(f"/api/v1/applications/{body['id']}/events", "admin").status_code == 404
    listed = api.get("/api/v1/applications", "admin").get_json()
    assert listed["items"] == [] and listed["total"] == 0
    assert api.get(f"/api/v1/applications/{body['id']}", "auditor").status_code == 200
    assert api.get("/api/v1/applications", "auditor").get_json()["total"] == 1


def test_admin_pages_of_an_application_are_404(app, api):
    body = api.submitted()
    admin = app.test_client()
    assert admin.post("/login", data={"username": "admin", "password": "correct-horse-9"}).status_code == 302
    for path in (f"/console/applications/{body['id']}", f"/my/applications/{body['id']}"):
        assert admin.get(path).status_code == 404, path
    assert admin.get("/admin/").status_code == 200


@pytest.mark.parametrize(
    "given, missing",
    [
        ({}, ["special_construction", "facility_type", "floor_area_m2", "total_investment_yuan"]),
        ({"facility_type": "elderly_care", "special_construction": False}, ["floor_area_m2", "total_investment_yuan"]),
        (
            {"facility_type": "elderly_care", "special_construction": False, "floor_area_m2": 350},
            ["total_investment_yuan"],
        ),
        ({"special_construction": False, "floor_area_m2": 120}, ["facility_type"]),
    ],
)
def test_the_fire_precheck_names_missing_inputs_instead_of_a_route(client, given, missing):
    r = client.post("/api/v1/eligibility/fire_filing", json={"fields": given})
    body = r.get_json()
    assert r.status_code == 200 and body["eligible"] is False and body["route"] is None, body
    assert [(d["rule"], d["field"]) for d in body["details"]] == [("incomplete", m) for m in missing]
    assert not any("30万元" in reason or "300,000" in reason for reason in body["reasons"])


@pytest.mark.parametrize(
    "given, route",
    [
        ({"facility_type": "elderly_care", "special_construction": False, "floor_area_m2": 120}, "simplified"),
        ({"facility_type": "elderly_care", "special_construction": False, "total_investment_yuan": 1000}, "simplified"),
        ({"facility_type": "other", "special_construction": False}, "standard"),
        (
            {
                "facility_type": "elderly_care",
                "special_construction": False,
                "floor_area_m2": 301,
                "total_investment_yuan": 300001,
            },
            "standard",
        ),
    ],
)
def test_the_fire_precheck_decides_once_the_inputs_suffice(client, given, route):
    body = client.post("/api/v1/eligibility/fire_filing", json={"fields": given}).get_json()
    assert body["eligible"] is True and body["route"] == route


def test_a_fire_draft_shows_the_same_and_its_submit_is_refused_naming_the_fields(api):
    fields = {k: v for k, v in FIRE_FIELDS.items() if k not in ("floor_area_m2", "total_investment_yuan")}
    r = api.post("/api/v1/applications", "alice", json={"procedure": "fire_filing", "fields": fields})
    assert r.status_code == 201, r.get_json()  # a draft never fails on eligibility
    draft = r.get_json()
    assert draft["eligibility"]["eligible"] is False and draft["eligibility"]["route"] is None
    r = api.fire(draft["id"], "submit", "alice")
    assert r.status_code == 422
    named = {d.get("field") for d in r.get_json()["error"]["details"]}
    assert {"floor_area_m2", "total_investment_yuan"} <= named


def test_an_unsupported_method_answers_405_with_allow(client):
    for path in ("/api/v1/procedures", "/api/v1/applications", "/login"):
        r = client.open(path, method="TRACE")
        assert r.status_code == 405 and r.headers.get("Allow"), path
        assert "GET" in r.headers["Allow"]


def test_what_the_api_answers_the_document_lists(api):
    from views.api.openapi import document

    doc = document()
    r = api.get("/api/v1/applications?state=%00", "alice")
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "malformed_request"
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            assert {"400", "503"} <= set(operation["responses"]), (method, path)


@pytest.mark.parametrize(
    "value, status", [("null", 422), ("1", 422), ("yes", 422), ("true", 200), ("false", 200), ("", 200)]
)
def test_overdue_takes_only_what_the_document_says(api, value, status):
    assert api.get(f"/api/v1/applications?overdue={value}", "alice").status_code == status


def test_an_empty_credit_code_is_documented_as_leaving_the_field_empty(api):
    from views.api.openapi import document

    schema = document()["components"]["schemas"]["Fields_premise_addition"]["properties"]["credit_code"]
    assert {"const": ""} in schema["anyOf"]
    r = api.post("/api/v1/applications", "alice", json={"procedure": "premise_addition", "fields": {"credit_code": ""}})
    assert r.status_code == 201 and r.get_json()["fields"].get("credit_code") is None
    bad = api.post(
        "/api/v1/applications",
        "alice",
        json={"procedure": "premise_addition", "fields": {"credit_code": "91330100716105852X"}},
    )
    assert bad.status_code == 422 and bad.get_json()["error"]["details"][0]["field"] == "credit_code"
