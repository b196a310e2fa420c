"""childcare_filing's documents as issued (pdftotext reads them, pdfsig checks their signature): the receipt with
places, care types, classes and address, the notice to explain with its findings and date, the non-compliance
notice with the remedies; amendments supersede the receipt and cancelling the filing cancels it."""

from __future__ import annotations

import re
import subprocess

from tests.childcare.conftest import CHILDCARE, NONCOMPLIANT
from tests.signing import TRUSTED, VALID, WHOLE_FILE, pdfsig, signer_name

HEALTH = "哈尔滨市道里区卫生健康局"


def text_of(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return re.sub(r"\s+", "", out)


def document(childcare, body: dict, kind: str) -> tuple[dict, bytes]:
    doc = next(d for d in reversed(body["documents"]) if d["kind"] == kind)
    r = childcare.api.get(doc["url"], "alice")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    return doc, r.data


def test_the_receipt_states_what_was_filed_and_is_signed_by_the_health_bureau(childcare, nss, tmp_path):
    filed = childcare.filed()
    doc, data = document(childcare, filed, "childcare_receipt")
    assert doc["number"] == "哈道卫健托备字〔2026〕1号"
    text = text_of(data)
    for words in (
        "托育机构备案回执",
        HEALTH,
        CHILDCARE["institution_name"],
        CHILDCARE["credit_code"],
        "道里区群力街道群力第五大道1688号2号楼1层",  # division and street printed once, before the address
        "全日托、计时托",
        "40个",
        "420平方米",
        "乳儿班（婴幼儿8人，保育人员3人）；托小班（婴幼儿12人，保育人员3人）",
        "已提交消防安全证明材料",
        "二〇二六年十一月二十五日",
        filed["number"],
        "十五个工作日内",
    ):
        assert words in text, words
    report = pdfsig(data, nss["trusted"], tmp_path)
    assert VALID in report and TRUSTED in report and WHOLE_FILE in report, report
    assert signer_name(report) == HEALTH
    verified = childcare.api.get(f"/api/v1/verify/{doc['verify_url'].rsplit('/', 1)[1]}").get_json()
    assert verified["status"] == "valid" and verified["signature"]["valid"] is True
    assert verified["facts"]["托位数"] == "40个" and verified["holder"] == CHILDCARE["institution_name"]


def test_the_notice_to_explain_gives_the_findings_and_the_date(childcare, nss, tmp_path):
    asked = childcare.asked()
    doc, data = document(childcare, asked, "explanation_notice")
    text = text_of(data)
    assert doc["number"] == "哈道卫健托说字〔2026〕1号"
    for words in ("情况说明通知书", NONCOMPLIANT["findings"], "二〇二六年十二月九日", "向社会公开"):
        assert words in text, words
    assert signer_name(pdfsig(data, nss["trusted"], tmp_path)) == HEALTH


def test_the_noncompliance_notice_gives_reasons_and_remedies(childcare):
    asked = childcare.asked()
    childcare.ok(asked["id"], "explain", "alice", {"explanation": "已新聘两名持证保育人员"})
    concluded = childcare.ok(
        asked["id"], "conclude", "health_clerk", {"compliant": False, "findings": "新聘人员未取得健康合格证明"}
    )
    _doc, data = document(childcare, concluded, "noncompliance_notice")
    text = text_of(data)
    for words in ("新聘人员未取得健康合格证明", "已新聘两名持证保育人员", "向社会公开", "行政复议", "六十日", "六个月"):
        assert words in text, words


def test_an_amendment_supersedes_the_receipt_and_cancelling_cancels_it(childcare):
    filed = childcare.filed()
    first, _ = document(childcare, filed, "childcare_receipt")
    amended = childcare.ok(
        filed["id"],
        "amend",
        "alice",
        {
            "fields": {
                "places": 45,
                "classes": [*CHILDCARE["classes"], {"age_group": "older", "children": 14, "caregivers": 2}],
            }
        },
    )
    second, data = document(childcare, amended, "childcare_receipt")
    assert "45个" in text_of(data) and "托大班（婴幼儿14人，保育人员2人）" in text_of(data)
    old = childcare.api.get(f"/api/v1/verify/{first['verify_url'].rsplit('/', 1)[1]}").get_json()
    assert old["status"] == "superseded" and old["superseded_by"] == second["number"]
    childcare.ok(filed["id"], "cancel", "alice")
    now = childcare.api.get(f"/api/v1/verify/{second['verify_url'].rsplit('/', 1)[1]}").get_json()
    assert now["status"] == "cancelled"
    page = childcare.api.client.get(f"/verify/{second['verify_url'].rsplit('/', 1)[1]}").get_data(as_text=True)
    assert "已注销" in page


def test_a_receipt_names_the_fire_filing_that_replaced_the_proof(childcare, api):
    from tests.childcare.test_childcare_filing import WITHOUT_PROOF
    from tests.conftest import PDF_BYTES
    from tests.fire.test_fire_filing import ALL_KINDS, FIRE_FIELDS

    fields = {**FIRE_FIELDS, "site_address": CHILDCARE["address"], "site_division": CHILDCARE["division"]}
    fire = api.post("/api/v1/applications", "bob", json={"procedure": "fire_filing", "fields": fields}).get_json()
    for kind in ALL_KINDS:
        api.upload(fire["id"], kind=kind, user="bob", data=PDF_BYTES)
    number = api.fire(fire["id"], "submit", "bob").get_json()["documents"][0]["number"]
    draft = childcare.complete(kinds=WITHOUT_PROOF, fire_receipt_number=number)
    childcare.ok(draft["id"], "submit", "alice")
    filed = childcare.ok(draft["id"], "file", "health_clerk")
    _doc, data = document(childcare, filed, "childcare_receipt")
    assert f"消防验收备案凭证{number}" in text_of(data)
