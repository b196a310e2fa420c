"""childcare_filing's register (DOMAIN §6 `childcare`): filed by the clerk, verified, or kept `filed` while an
explanation is due and concluded; a non-compliant institution stays on the register with its published finding;
amendments re-read places and care types; cancelling ends the entry. Public facts only."""

from __future__ import annotations

import csv
import io

from tests.reliability.world import CLERK, FIELDS, OWNER, staff

HEALTH = CLERK["childcare_filing"]
INSPECTOR = staff("inspector", "health")
FINDING = "保育人员与婴幼儿比例低于1:5"  # what the world's path to `noncompliant` concludes


def test_filing_opens_the_entry_with_its_verification_due(world, entry_of, recorded, checked):
    app = world.bring("childcare_filing", "filed")
    entry = entry_of(app["id"])
    assert (entry["register"], entry["status"], entry["in_force"], entry["due_kind"]) == (
        "childcare",
        "filed",
        True,
        "verification",
    )
    assert entry["document_number"] == "哈道卫健托备字〔2026〕1号"
    assert entry["address"] == "道里区群力街道群力第五大道1688号2号楼1层" and entry["street"] == "230102019"
    assert entry["facts"] == {"places": 40, "care_types": ["full_day", "hourly"], "registration_kind": "enterprise"}
    assert recorded(app["id"]) == [("file", "filed")] and checked() == []


def test_nothing_is_on_the_register_before_filing(world, entry_of):
    for state in ("submitted", "correction_required"):
        assert entry_of(world.bring("childcare_filing", state)["id"]) is None


def test_verified_at_once(world, entry_of, recorded):
    app = world.bring("childcare_filing", "verified")
    entry = entry_of(app["id"])
    assert (entry["status"], entry["in_force"], entry["due_kind"]) == ("verified", True, None)
    assert [s for _e, s in recorded(app["id"])] == ["filed", "verified"]


def test_an_explanation_due_keeps_it_filed_and_a_compliant_conclusion_verifies_it(world, entry_of, checked):
    app = world.bring("childcare_filing", "explanation_required")
    assert (entry_of(app["id"])["status"], entry_of(app["id"])["due_kind"]) == ("filed", "explanation")
    assert "finding" not in entry_of(app["id"])["facts"]  # not published before the conclusion
    assert world.fire(app["id"], "explain", OWNER.username, {"explanation": "已整改"}).status_code == 200
    assert entry_of(app["id"])["due_kind"] == "conclusion"
    r = world.fire(app["id"], "conclude", HEALTH, {"compliant": True, "findings": "说明属实"})
    assert r.status_code == 200
    entry = entry_of(app["id"])
    assert (entry["status"], entry["in_force"], entry["due_kind"]) == ("verified", True, None)
    assert "finding" not in entry["facts"] and checked() == []


def test_a_noncompliant_institution_is_published_with_its_finding(world, entry_of, recorded, checked, client):
    app = world.bring("childcare_filing", "noncompliant")
    entry = entry_of(app["id"])
    assert (entry["status"], entry["in_force"]) == ("noncompliant", True)
    assert entry["facts"]["finding"] == FINDING
    assert [s for _e, s in recorded(app["id"])] == ["filed", "filed", "filed", "noncompliant"]
    body = client.get("/api/v1/registers/childcare?status=noncompliant").get_json()
    assert body["total"] == 1
    item = body["items"][0]
    assert item["enterprise"]["name"] == FIELDS["childcare_filing"]["institution_name"]
    assert item["facts"]["finding"] == FINDING and item["status_title"]["zh"] == "经核查不符合要求"
    private = (FIELDS["childcare_filing"]["legal_representative"], FIELDS["childcare_filing"]["contact_phone"])
    exported = client.get("/api/v1/registers/childcare.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert [r["finding"] for r in rows] == [FINDING]
    page = client.get(f"/registers/childcare/{item['id']}").get_data(as_text=True)
    assert FINDING in page
    for text in (str(item), exported, page):
        assert not any(p in text for p in private)
    # an amendment re-reads the facts and keeps the published finding
    r = world.fire(app["id"], "amend", OWNER.username, {"fields": {"places": 30}})
    assert r.status_code == 200
    entry = entry_of(app["id"])
    assert entry["facts"]["places"] == 30 and entry["facts"]["finding"] == FINDING
    assert entry["document_number"] == "哈道卫健托备字〔2026〕2号" and checked() == []


def test_cancelling_ends_the_entry(world, entry_of, recorded, checked, client):
    app = world.bring("childcare_filing", "verified")
    assert world.fire(app["id"], "cancel", OWNER.username).status_code == 200
    entry = entry_of(app["id"])
    assert (entry["status"], entry["in_force"]) == ("cancelled", False)
    assert [s for _e, s in recorded(app["id"])] == ["filed", "verified", "cancelled"] and checked() == []
    assert client.get("/api/v1/registers/childcare?status=cancelled").get_json()["total"] == 1


def test_the_lookup_of_an_institutions_filings_in_force(world, app):
    from workflows.context import World

    filed = world.bring("childcare_filing", "filed")
    code = FIELDS["childcare_filing"]["credit_code"]
    with app.app_context():
        assert [e["application_id"] for e in World().lookup("childcare_in_force", code)] == [filed["id"]]
        assert World().lookup("childcare_in_force", "91350200776049653A") == []
    assert world.fire(filed["id"], "cancel", OWNER.username).status_code == 200
    with app.app_context():
        assert World().lookup("childcare_in_force", code) == []
