"""Eligibility for 一照多址 (DOMAIN.md §1): the public pre-check, the draft's view and the submit guard."""

from __future__ import annotations

import pytest

from tests.conftest import premise_fields

URL = "/api/v1/eligibility/premise_addition"
DOMICILE = "经纬街266号院1号楼101室"


def check(client, lang="zh", **over) -> dict:
    r = client.post(URL, json={"fields": premise_fields(**over)}, headers={"Accept-Language": lang})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert {"eligible", "route", "reasons"} <= set(body)
    return body


def rules(body: dict) -> list[str]:
    return [d["rule"] for d in body["details"]]


# (overrides of the complete fields, eligible, route, rules that fail)
CASES = {
    "same county → premise route": ({}, True, "premise", []),
    "other county → branch at the premise's authority": (
        {"premise_division": "230103"},
        False,
        "branch",
        ["same_county"],
    ),
    "needs a prior licence → branch": ({"needs_prior_licence": True}, False, "branch", ["prior_licence"]),
    "premise is the domicile": (
        {"domicile_address": DOMICILE, "premise_address": DOMICILE},
        False,
        None,
        ["not_domicile"],
    ),
    "premise is the domicile after full-width and space folding": (
        {"domicile_address": DOMICILE, "premise_address": "经纬街２６６号院　1号楼101室"},
        False,
        None,
        ["not_domicile"],
    ),
    "premise is the domicile with ASCII spaces and tabs": (
        {"domicile_address": DOMICILE, "premise_address": " 经纬街266号院 1号楼\t101室 "},
        False,
        None,
        ["not_domicile"],
    ),
    "scope within the registered scope": (
        {"registered_scope": "家政服务；保洁服务；养老服务", "business_scope": "保洁服务、家政服务"},
        True,
        "premise",
        [],
    ),
    "scope outside the registered scope": (
        {"registered_scope": "家政服务；保洁服务", "business_scope": "家政服务；餐饮服务"},
        False,
        None,
        ["within_scope"],
    ),
    "several failures at once": (
        {
            "premise_division": "230103",
            "needs_prior_licence": True,
            "registered_scope": "家政服务",
            "business_scope": "餐饮服务",
        },
        False,
        "branch",
        ["same_county", "prior_licence", "within_scope"],
    ),
    "divisions missing: cannot tell yet": ({"premise_division": None}, False, None, ["incomplete"]),
}


@pytest.mark.parametrize("over, eligible, route, failed", list(CASES.values()), ids=list(CASES))
def test_precheck(client, over, eligible, route, failed):
    body = check(client, **over)
    assert (body["eligible"], body["route"], rules(body)) == (eligible, route, failed)
    assert len(body["reasons"]) == len(failed) and all(isinstance(r, str) and r for r in body["reasons"])


def test_branch_route_names_the_premise_authority(client):
    zh = check(client, premise_division="230103")
    assert "哈尔滨市南岗区市场监督管理局" in zh["reasons"][0] and "分支机构设立登记" in zh["reasons"][0]
    en = check(client, lang="en", premise_division="230103")
    assert "branch" in en["reasons"][0] and "230103" in en["reasons"][0]
    assert "Nangang District Market Regulation Bureau, Harbin" in en["reasons"][0] and "南岗" not in en["reasons"][0]


def test_cross_county_switch_allows_other_county(app, client):
    app.config["CROSS_COUNTY_PREMISE"] = True  # DOMAIN §1 [cfg], off by default
    assert check(client, premise_division="230103")["eligible"] is True


@pytest.mark.parametrize(
    "over, eligible, route, failed",
    [v for k, v in CASES.items() if not v[1] and "missing" not in k],
    ids=[k for k, v in CASES.items() if not v[1] and "missing" not in k],
)
def test_submit_guard_names_the_same_rules(api, over, eligible, route, failed):
    draft = api.draft(**over)  # a draft never fails on eligibility
    assert draft["state"] == "draft" and draft["eligibility"]["eligible"] is False
    assert api.upload(draft["id"]).status_code == 201
    r = api.fire(draft["id"], "submit", "alice")
    assert r.status_code == 422
    error = r.get_json()["error"]
    assert error["code"] == "guard_failed"
    assert [d["rule"] for d in error["details"]] == failed
    assert all(d["field"] for d in error["details"])
    assert api.get(f"/api/v1/applications/{draft['id']}", "alice").get_json()["state"] == "draft"


def test_submit_reports_missing_fields_and_attachment_together(api):
    draft = api.draft(business_scope=None, premise_street=None)
    r = api.fire(draft["id"], "submit", "alice")
    assert r.status_code == 422
    named = {(d["rule"], d["field"]) for d in r.get_json()["error"]["details"]}
    assert named == {
        ("required", "business_scope"),
        ("required", "premise_street"),
        ("attachment_required", "premise_use_document"),
    }


def test_agent_filing_needs_power_of_attorney(api):
    draft = api.draft(filed_by_agent=True, agent_name="李四")
    api.upload(draft["id"])
    r = api.fire(draft["id"], "submit", "alice")
    assert r.status_code == 422
    assert [(d["rule"], d["field"]) for d in r.get_json()["error"]["details"]] == [
        ("attachment_required", "power_of_attorney")
    ]
    assert api.upload(draft["id"], kind="power_of_attorney").status_code == 201
    assert api.fire(draft["id"], "submit", "alice").status_code == 200


# ---- duplicates of an active registered premise ------------------------------------------------


def _registered(api, **over) -> dict:
    app = api.submitted(**over)
    r = api.fire(app["id"], "register", "clerk_daoli")
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_duplicate_of_active_premise_until_it_is_cancelled(api, client):
    first = _registered(api, premise_address="红军街15号")
    assert first["eligibility"]["eligible"] is True  # an application is not its own duplicate

    assert rules(check(client, premise_address="红军街15号")) == ["duplicate"]
    assert rules(check(client, premise_address="红军街１５号 ")) == ["duplicate"]
    assert check(client, premise_address="红军街15号", credit_code="914403001922038216")["eligible"] is True

    second = api.draft(premise_address="红军街15号")
    api.upload(second["id"])
    r = api.fire(second["id"], "submit", "alice")
    assert r.status_code == 422
    assert [d["rule"] for d in r.get_json()["error"]["details"]] == ["duplicate"]

    assert api.fire(first["id"], "cancel", "alice").status_code == 200
    assert check(client, premise_address="红军街15号")["eligible"] is True
    assert api.fire(second["id"], "submit", "alice").status_code == 200


def test_refused_or_withdrawn_premise_is_no_duplicate(api, client):
    refused = api.submitted(premise_address="西大直街8号")
    api.fire(refused["id"], "refuse", "clerk_daoli", {"reason": "材料不实"})
    withdrawn = api.submitted(premise_address="西大直街9号")
    api.fire(withdrawn["id"], "withdraw", "alice")
    assert check(client, premise_address="西大直街8号")["eligible"] is True
    assert check(client, premise_address="西大直街9号")["eligible"] is True


# ---- the endpoint's own input ------------------------------------------------------------------


def test_precheck_needs_no_login_and_rejects_malformed_fields(client):
    r = client.post(URL, json={"fields": {"premise_division": "999999", "needs_prior_licence": "yes"}})
    assert r.status_code == 422
    error = r.get_json()["error"]
    assert set(error) == {"code", "message", "details"}
    assert {d["field"] for d in error["details"]} == {"premise_division", "needs_prior_licence"}


def test_precheck_of_unknown_procedure_is_404(client):
    r = client.post("/api/v1/eligibility/spaceship_launch", json={"fields": {}})
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"
