"""Issue 17 item 10, the words: the guide index, each procedure's own remedies, the scope check's bracketed
qualifiers, the next step named from the declaration, figures as written, one language per message."""

from __future__ import annotations

import pytest

from tests.conftest import premise_fields
from tests.web.pages import html
from workflows import common, progress
from workflows.registry import PROCEDURES


def test_the_guide_index_lists_every_procedure_and_the_header_opens_it(client):
    page = html(client.get("/guides"))
    for proc in PROCEDURES.values():
        assert f'href="/guides/{proc.name}"' in page and proc.zh in page
    assert 'href="/guides">' in html(client.get("/"))  # the header's 办事指南


def test_each_guide_states_its_own_remedies(client):
    texts = {}
    for proc in PROCEDURES.values():
        remedies = proc.guide.get("remedies") or common.REMEDIES
        page = html(client.get(f"/guides/{proc.name}"))
        assert remedies.zh in page
        texts[proc.name] = remedies.zh
    assert len(set(texts.values())) == len(texts)
    assert "不予登记" not in texts["land_transition"] and "不予登记" not in texts["fire_filing"]


def test_a_procedure_declaring_nothing_gets_the_generic_texts():
    bare = type("Bare", (), {"declaration": None, "route_declarations": {}})()
    assert common.declaration(bare, None) == common.DECLARATION
    assert "行政复议" in common.REMEDIES.zh and "reconsideration" in common.REMEDIES.en


@pytest.mark.parametrize(
    "scope, eligible",
    [
        ("家政服务（不含职业中介活动）", True),
        ("家政服务(不含职业中介活动)", True),
        ("家政服务（不含职业中介、劳务派遣）；养老服务", True),
        ("餐饮服务", False),
    ],
)
def test_a_bracketed_qualifier_narrows_a_scope_item(api, scope, eligible):
    fields = premise_fields(registered_scope="家政服务；养老服务", business_scope=scope)
    body = api.post("/api/v1/eligibility/premise_addition", json={"fields": fields}).get_json()
    assert body["eligible"] is eligible, body


def test_government_approval_names_the_government():
    land = PROCEDURES["land_transition"]
    authority = type("A", (), {"division_code": "230102", "name": "哈尔滨市道里区自然资源和规划局", "name_en": "x"})()
    step = progress.next_step(land, "government_approval", authority, {})
    assert "哈尔滨市道里区人民政府" in step.zh and "自然资源" not in step.zh
    assert "Government" in step.en


def test_numbers_in_the_form_as_written(login, api):
    alice = login("alice")
    fields = {
        "facility_name": "兆麟社区老年食堂",
        "credit_code": "91230102MA1D0XG5LR",
        "site_address": "兆麟街12号",
        "site_division": "230102",
        "facility_type": "community_catering",
        "floor_area_m2": 120,
        "total_investment_yuan": 150000.0,
    }
    app = api.post("/api/v1/applications", "alice", json={"procedure": "fire_filing", "fields": fields}).get_json()
    page = html(alice.get(f"/my/applications/{app['id']}"))
    assert 'value="120"' in page and 'value="150000"' in page and "120.0" not in page


def test_english_labels_are_english():
    land, fire = PROCEDURES["land_transition"], PROCEDURES["fire_filing"]
    labels = [s.en for s in land.event("issue_review_opinion").schema.values()]
    labels += [fire.event("record_inspection").schema["passed"].en]
    assert "soil ok" not in labels and "passed" not in labels
    assert all(label[0].isupper() for label in labels)


def test_a_filing_made_shows_its_result_first(login, api):
    """A fire filing filed on commitment awaits only the authority's draw: the page opens with the receipt."""
    fields = {
        "facility_name": "兆麟社区老年食堂",
        "credit_code": "91230102MA1D0XG5LR",
        "site_address": "兆麟街12号",
        "site_division": "230102",
        "facility_type": "community_catering",
        "special_construction": False,
        "crowded_place": False,
        "floor_area_m2": 120,
        "total_investment_yuan": 150000,
        "completion_date": "2026-11-20",
    }
    app = api.post("/api/v1/applications", "alice", json={"procedure": "fire_filing", "fields": fields}).get_json()
    for kind in ("filing_form", "commitment_letter"):
        api.upload(app["id"], kind=kind)
    body = api.fire(app["id"], "submit", "alice").get_json()
    assert body["state"] == "filed"
    page = html(login("alice").get(f"/my/applications/{app['id']}"))
    result = page[page.index('<section class="card result"') : page.index('<section class="card standing"')]
    assert "已备案" in result and "消防验收备案凭证" in result
    trail = api.get(f"/api/v1/applications/{app['id']}/events", "alice").get_json()
    assert "告知承诺" in trail[-1]["data"]["declaration"]  # the promise route's commitment is part of it
