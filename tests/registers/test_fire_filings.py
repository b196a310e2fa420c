"""fire_filing's register (DOMAIN §6 `fire_filings`): filed on submission (promise) or by the clerk, then the draw,
the inspection and its recheck move it; in force unless rectifying, corrected, refused or withdrawn; an exempted
site has no filing; the lookup "fire filing in force at this address" reads it."""

from __future__ import annotations

import pytest

from models import Authority, db
from tests.reliability.world import CLERK, FIELDS, OWNER, staff

HOUSING = CLERK["fire_filing"]
INSPECTOR = staff("inspector", "housing")
SMALL = {"floor_area_m2": 120, "total_investment_yuan": 90000}  # the simplified route


def mode(app, value):
    with app.app_context():
        authority = db.session.execute(
            db.select(Authority).where(Authority.division_code == "230102", Authority.kind == "housing")
        ).scalar_one()
        authority.settings = {"fire_mode": value}
        db.session.commit()


def test_a_promise_filing_is_in_force_on_submission(world, app, entry_of, recorded, checked):
    mode(app, "promise")
    draft = world.draft("fire_filing", **SMALL)
    world.upload(draft["id"], "commitment_letter")
    assert world.fire(draft["id"], "submit", OWNER.username).get_json()["state"] == "filed"
    entry = entry_of(draft["id"])
    assert (entry["register"], entry["status"], entry["in_force"]) == ("fire_filings", "filed", True)
    assert entry["facts"]["route"] == "simplified" and entry["facts"]["mode"] == "promise"
    assert entry["document_number"] and recorded(draft["id"]) == [("submit", "filed")] and checked() == []


def test_an_exempted_site_has_no_filing(world, app, entry_of):
    mode(app, "exempt")
    draft = world.draft("fire_filing", **SMALL)
    assert world.fire(draft["id"], "submit", OWNER.username).get_json()["state"] == "exempted"
    assert entry_of(draft["id"]) is None


def test_draw_inspection_and_recheck(world, entry_of, recorded, checked):
    app = world.bring("fire_filing", "selected")
    assert entry_of(app["id"])["status"] == "selected" and entry_of(app["id"])["due_kind"] == "inspection"
    r = world.fire(app["id"], "record_inspection", INSPECTOR, {"passed": False, "findings": "疏散通道堵塞"})
    assert r.status_code == 200
    entry = entry_of(app["id"])
    assert (entry["status"], entry["in_force"]) == ("rectifying", False)  # not in force while rectifying
    assert entry["facts"]["inspection_findings"] == "疏散通道堵塞" and entry["facts"]["inspection_passed"] is False
    assert world.fire(app["id"], "request_recheck", OWNER.username).status_code == 200
    assert entry_of(app["id"])["status"] == "rectifying" and entry_of(app["id"])["due_kind"] == "recheck"
    assert (
        world.fire(app["id"], "record_inspection", INSPECTOR, {"passed": True, "findings": "已整改"}).status_code == 200
    )
    entry = entry_of(app["id"])
    assert (entry["status"], entry["in_force"], entry["due_kind"]) == ("passed", True, None)
    assert entry["facts"]["inspection_findings"] == "已整改"
    assert [s for _e, s in recorded(app["id"])] == ["filed", "selected", "rectifying", "rectifying", "passed"]
    assert checked() == []


def test_a_closed_case_stays_in_force(world, entry_of):
    app = world.bring("fire_filing", "filed")
    r = world.post("/api/v1/draws", HOUSING, json={"ratios": {"standard": 0, "simplified": 0, "crowded": 0}})
    assert app["id"] in r.get_json()["closed"]
    entry = entry_of(app["id"])
    assert (entry["status"], entry["in_force"]) == ("closed", True)


def test_a_filing_sent_back_for_correction_is_not_in_force_and_can_be_withdrawn(world, entry_of, recorded, checked):
    app = world.bring("fire_filing", "filed")
    r = world.fire(app["id"], "request_correction", HOUSING, {"items": [{"field": "filing_form", "reason": "未盖章"}]})
    assert r.status_code == 200
    assert (entry_of(app["id"])["status"], entry_of(app["id"])["in_force"]) == ("correction_required", False)
    assert world.fire(app["id"], "withdraw", OWNER.username).status_code == 200
    assert entry_of(app["id"])["status"] == "withdrawn"
    assert [s for _e, s in recorded(app["id"])] == ["filed", "correction_required", "withdrawn"] and checked() == []


def test_corrected_and_filed_again_it_is_in_force_again(world, entry_of):
    app = world.bring("fire_filing", "filed")
    world.fire(app["id"], "request_correction", HOUSING, {"items": [{"field": "filing_form", "reason": "未盖章"}]})
    world.upload(app["id"], "filing_form")
    assert world.fire(app["id"], "resubmit", OWNER.username).status_code == 200
    assert entry_of(app["id"])["status"] == "correction_required"
    assert world.fire(app["id"], "file", HOUSING).status_code == 200
    assert (entry_of(app["id"])["status"], entry_of(app["id"])["in_force"]) == ("filed", True)


def test_a_correction_before_filing_makes_no_entry(world, entry_of):
    app = world.bring("fire_filing", "correction_required")
    assert entry_of(app["id"]) is None


@pytest.mark.parametrize(
    "address, division, found",
    [
        ("经纬街274号院1号楼1层", "230102", True),
        ("经纬街２７４号院 1号楼1层", "230102", True),  # normalised
        ("经纬街274号院1号楼1层", "230103", False),
        ("经纬街276号", "230102", False),
    ],
)
def test_the_lookup_of_a_filing_in_force_at_an_address(world, app, address, division, found):
    filed = world.bring("fire_filing", "filed")
    from workflows.context import World

    with app.app_context():
        hit = World().lookup("fire_filing_in_force", address, division)
        assert (hit is not None) is found
        if found:
            number = hit["document_number"]
            assert World().lookup("fire_filing_in_force", address, division, number)["application_id"] == filed["id"]
            assert World().lookup("fire_filing_in_force", address, division, "哈道住建消备字〔2026〕9号") is None
            assert World(exclude_id=filed["id"]).lookup("fire_filing_in_force", address, division) is None


def test_fields_of_the_standard_route(world, entry_of):
    app = world.bring("fire_filing", "filed")
    facts = entry_of(app["id"])["facts"]
    assert facts["route"] == "standard" and facts["floor_area_m2"] == FIELDS["fire_filing"]["floor_area_m2"]
