"""Issued documents as an office writes them (issue 17 items 1, 4, 5), read back from the PDF with pdftotext:
numbers per GB/T 9704, figures and addresses as people write them, the fire receipt addressed to the builder,
the authority, seal and date on every kind, provisional dates said in words, and one valid document per kind."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from urllib.parse import quote

import pytest

from models import Authority, db
from pdf.render import KINDS, render
from pdf.samples import sample_snapshot
from tests.conftest import PDF_BYTES
from workflows import accounts

FIRE = {
    "facility_name": "安静街社区养老服务站",
    "credit_code": "91230102MA1D0XG5LR",
    "site_address": "哈尔滨市道里区安静街15号1层",
    "site_division": "230102",
    "facility_type": "elderly_care",
    "special_construction": False,
    "crowded_place": False,
    "floor_area_m2": 180.0,
    "total_investment_yuan": 260000.0,
    "completion_date": "2026-11-23",
    "builder_name": "哈尔滨市安静建设有限公司",
}
KINDS_OF_FIRE = ("filing_form", "commitment_letter", "completion_report", "as_built_drawings")


def text_of(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return re.sub(r"\s+", "", out)


def pdf_of(api, number: str, user: str = "alice") -> str:
    r = api.get(f"/api/v1/documents/{quote(number)}.pdf", user)
    assert r.status_code == 200, r.data[:200]
    return text_of(r.data)


@pytest.fixture
def housing(app):
    with app.app_context():
        accounts.create_user("housing_clerk", "correct-horse-9", "clerk", "230102:housing", display_name="王建国")
        db.session.commit()


def fire_submitted(api, **fields):
    r = api.post("/api/v1/applications", "alice", json={"procedure": "fire_filing", "fields": {**FIRE, **fields}})
    assert r.status_code == 201, r.get_json()
    app_id = r.get_json()["id"]
    for kind in KINDS_OF_FIRE:
        assert api.upload(app_id, kind=kind, data=PDF_BYTES).status_code == 201
    r = api.fire(app_id, "submit", "alice")
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_a_receipt_after_a_correction_supersedes_the_earlier_one(api, housing):
    """Item 1: the receipt of the corrected filing is the only valid one; the earlier one names it."""
    first = fire_submitted(api)  # promise mode: filed at once with a receipt
    assert first["state"] == "filed"
    old = first["documents"][0]
    r = api.fire(
        first["id"],
        "request_correction",
        "housing_clerk",
        {"items": [{"field": "floor_area_m2", "reason": "面积与竣工图不符"}]},
    )
    assert r.status_code == 200, r.get_json()
    r = api.patch(f"/api/v1/applications/{first['id']}", "alice", json={"fields": {"floor_area_m2": 186}})
    assert r.status_code == 200
    assert api.fire(first["id"], "resubmit", "alice").get_json()["state"] == "submitted"
    body = api.fire(first["id"], "file", "housing_clerk").get_json()
    receipts = [d for d in body["documents"] if d["kind"] == "filing_receipt"]
    assert [d["status"] for d in receipts] == ["superseded", "valid"]
    new = receipts[1]
    assert receipts[0]["superseded_by"] == new["number"] and "superseded_by" not in new

    token = old["verify_url"].rsplit("/", 1)[1]
    verified = api.get(f"/api/v1/verify/{token}").get_json()
    assert verified["status"] == "superseded" and verified["superseded_by"] == new["number"]
    assert verified["facts"]["建筑面积"] == "180平方米"
    current = api.get(f"/api/v1/verify/{new['verify_url'].rsplit('/', 1)[1]}").get_json()
    assert current["status"] == "valid" and current["facts"]["建筑面积"] == "186平方米"
    page = api.client.get(f"/verify/{token}").get_data(as_text=True)
    assert new["verify_url"].split("bianmin.test", 1)[1] in page and new["number"] in page
    trail = api.get(f"/api/v1/applications/{first['id']}/events", "alice").get_json()
    assert {"number": old["number"], "status": "superseded"} in trail[-1]["data"]["document_status"]


def test_revocation_still_revokes_and_is_not_superseded(api):
    """Explicit status changes keep working: a revoked notice stays revoked when the decision is issued."""
    app = api.submitted()
    notice = api.fire(app["id"], "register", "clerk_daoli").get_json()["documents"][0]
    body = api.fire(app["id"], "revoke", "approver_daoli", {"reason": "提交虚假材料"}).get_json()
    by_kind = {d["kind"]: d for d in body["documents"]}
    assert by_kind["registration_notice"]["status"] == "revoked"
    assert by_kind["revocation_decision"]["status"] == "valid"
    assert api.get(f"/api/v1/verify/{notice['verify_url'].rsplit('/', 1)[1]}").get_json()["status"] == "revoked"


def test_the_fire_receipt_reads_as_an_office_writes_it(api, housing):
    """Item 5: number, figures, the address once, the builder and its code, authority, seal label, date."""
    body = fire_submitted(api)
    number = body["documents"][0]["number"]
    assert number == "哈道住建消备字〔2026〕1号"
    text = pdf_of(api, number)
    assert "哈尔滨市安静建设有限公司（统一社会信用代码：91230102MA1D0XG5LR）：" in text
    assert (
        "180平方米" in text
        and "26万元" in text
        and "180.0" not in text
        and "260000" not in text.replace(body["number"], "")
    )
    assert "道里区哈尔滨市" not in text and text.count("安静街15号1层") == 1
    assert "哈尔滨市道里区住房和城乡建设局" in text and "电子印章" in text and "二〇二六年十一月二十五日" in text
    assert "http://bianmin.test/progress" in text and body["number"] in text


def test_the_premise_address_is_printed_once(api):
    app = api.submitted(premise_address="哈尔滨市道里区安静街15号1层", premise_street="安静街道")
    number = api.fire(app["id"], "register", "clerk_daoli").get_json()["documents"][0]["number"]
    assert number == "哈道市监经登字〔2026〕1号"
    text = pdf_of(api, number)
    assert "道里区安静街道安静街15号1层" in text and "道里区安静街道哈尔滨市" not in text


def test_a_receipt_promises_the_progress_lookup_and_a_provisional_date_says_it_may_move(api, app):
    """Item 4: 2026-12-29 + 3 working days reaches into 2027 (unknown): the receipt says the date may move."""
    app.config["TODAY"] = date(2026, 12, 29)
    submitted = api.submitted()
    body = api.fire(submitted["id"], "accept", "clerk_daoli").get_json()
    assert body["deadline"] == {"due": "2027-01-04", "provisional": True, "basis": body["deadline"]["basis"]}
    text = pdf_of(api, body["documents"][0]["number"])
    assert "二〇二七年一月四日前作出" in text
    assert "暂定日期" in text and "节假日安排公布后可能调整" in text
    assert "http://bianmin.test/progress" in text and "统一社会信用代码查询办理进度" in text


def test_a_date_in_a_known_year_carries_no_such_words(api):
    body = api.fire(api.submitted()["id"], "accept", "clerk_daoli").get_json()
    assert body["deadline"]["provisional"] is False
    assert "暂定日期" not in pdf_of(api, body["documents"][0]["number"])


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_names_its_authority_with_seal_and_date(kind):
    snap = sample_snapshot(kind)
    text = text_of(render(kind, snap))
    tail = text[text.rindex(snap["authority_name"]) :]  # the signature block closes the document
    assert snap["issue_date_cn"] in tail and "电子印章" in text
    assert not re.search(r"〔\d{4}〕第|〔\d{4}〕0", snap["number"])
    assert not re.search(r"\d\.0(平方米|元|万元)", text), kind


def test_a_document_without_a_builder_is_addressed_to_the_facility(api, housing):
    fields = {k: v for k, v in FIRE.items() if k != "builder_name"}
    r = api.post("/api/v1/applications", "alice", json={"procedure": "fire_filing", "fields": fields})
    app_id = r.get_json()["id"]
    for kind in KINDS_OF_FIRE:
        api.upload(app_id, kind=kind, data=PDF_BYTES)
    doc = api.fire(app_id, "submit", "alice").get_json()["documents"][0]
    assert (
        api.get(f"/api/v1/verify/{doc['verify_url'].rsplit('/', 1)[1]}").get_json()["holder"] == FIRE["facility_name"]
    )


def test_the_authority_keeps_its_seal_once(app):
    """One seal per document: the place a digital signature's appearance will take."""
    for kind in KINDS:
        html = __import__("pdf.render", fromlist=["html"]).html(kind, sample_snapshot(kind))
        assert html.count('class="seal"') == 1, kind
    assert Authority  # the model is importable beside the renderer (no app context needed for samples)
