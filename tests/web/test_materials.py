"""Materials from one declaration (issue 17 item 8, issue 14): the API's required_attachments, the submit guard, the
application's own materials (page and API) and the per-material upload controls all read AttachmentSpec."""

from __future__ import annotations

import io
import re

import pytest

from tests.conftest import PDF_BYTES
from tests.web.pages import html
from workflows.registry import PROCEDURES

FIRE = {
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


def listing(api, name):
    return {
        a["kind"]: a
        for a in next(p for p in api.get("/api/v1/procedures").get_json() if p["name"] == name)["required_attachments"]
    }


def test_the_listing_marks_required_what_every_route_needs(api):
    fire = listing(api, "fire_filing")
    assert fire["filing_form"]["required"] is True  # issue 14: demanded on every route
    assert fire["commitment_letter"]["required"] is False and fire["commitment_letter"]["condition"]["zh"]
    assert fire["as_built_drawings"]["multiple"] is True
    assert listing(api, "premise_addition")["premise_use_document"]["required"] is True


@pytest.mark.parametrize("name", list(PROCEDURES))
def test_a_conditional_material_says_when_in_both_languages(name):
    for spec in PROCEDURES[name].attachments:
        if not spec.required:
            assert spec.condition and spec.condition.zh and spec.condition.en, (name, spec.kind)


def test_the_submit_guard_demands_exactly_what_the_application_lists_as_required(api):
    """Promise mode (the default): the applicant's route needs the filing form and the commitment letter."""
    r = api.post("/api/v1/applications", "alice", json={"procedure": "fire_filing", "fields": FIRE})
    app = r.get_json()
    statuses = {m["kind"]: m["status"] for m in app["materials"]}
    assert statuses == {
        "filing_form": "required",
        "commitment_letter": "required",
        "completion_report": "not_needed",
        "as_built_drawings": "not_needed",
    }
    refused = api.fire(app["id"], "submit", "alice")
    assert refused.status_code == 422
    demanded = {d["field"] for d in refused.get_json()["error"]["details"]}
    assert demanded == {k for k, s in statuses.items() if s == "required"}
    big = api.patch(
        f"/api/v1/applications/{app['id']}",
        "alice",
        json={"fields": {"floor_area_m2": 800, "total_investment_yuan": 2_000_000}},
    ).get_json()
    assert {m["kind"]: m["status"] for m in big["materials"]} == {
        "filing_form": "required",
        "commitment_letter": "not_needed",
        "completion_report": "required",
        "as_built_drawings": "required",
    }


def test_a_draft_without_the_fields_a_material_depends_on_says_if_applicable(api):
    r = api.post(
        "/api/v1/applications", "alice", json={"procedure": "fire_filing", "fields": {"facility_name": "草稿"}}
    )
    statuses = {m["kind"]: m["status"] for m in r.get_json()["materials"]}
    assert statuses["filing_form"] == "required" and statuses["commitment_letter"] == "conditional"


def test_the_page_shows_this_applications_needs_and_one_upload_per_material(api, login):
    app = api.post("/api/v1/applications", "alice", json={"procedure": "fire_filing", "fields": FIRE}).get_json()
    alice = login("alice")
    page = html(alice.get(f"/my/applications/{app['id']}"))
    section = re.search(r'<section class="attachment-kind[^"]*" id="a-commitment_letter" data-status="(\w+)"', page)
    assert section.group(1) == "required"
    assert 'id="a-completion_report" data-status="not_needed"' in page and "本申请无需提供" in page
    for kind in ("filing_form", "commitment_letter"):
        assert f'id="file-{kind}"' in page and f'name="kind" value="{kind}"' in page
    assert 'id="file-completion_report"' not in page  # not needed: no control
    # several pages of one material in one go, through the material's own form
    r = alice.post(
        f"/my/applications/{app['id']}/attachments",
        data={
            "kind": "filing_form",
            "file": [(io.BytesIO(PDF_BYTES), "备案表第1页.pdf"), (io.BytesIO(PDF_BYTES), "备案表第2页.pdf")],
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 303
    body = api.get(f"/api/v1/applications/{app['id']}", "alice").get_json()
    assert sorted(a["filename"] for a in body["attachments"]) == ["备案表第1页.pdf", "备案表第2页.pdf"]
    r = alice.post(
        f"/my/applications/{app['id']}/attachments.json",
        data={
            "kind": "commitment_letter",
            "file": [(io.BytesIO(PDF_BYTES), "承诺书.pdf"), (io.BytesIO(b"MZ"), "x.exe")],
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 415  # one refused refuses them all
    assert len(api.get(f"/api/v1/applications/{app['id']}", "alice").get_json()["attachments"]) == 2


def test_the_guide_says_when_a_material_is_needed(client):
    page = html(client.get("/guides/fire_filing"))
    assert "以下情形必需" in page and "告知承诺" in page
