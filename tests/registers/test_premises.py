"""premise_addition's register (DOMAIN §6 `premises`): registration puts a premise in force, cancel and revoke end
it, and nothing else makes an entry; the duplicate-premise guard reads the register, not applications."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from models import RegisterEntry, db
from tests.reliability.world import CLERK, OWNER, staff

CLERK_PA = CLERK["premise_addition"]
APPROVER = staff("approver", "market_regulation")


def test_registration_puts_the_premise_in_force_with_its_facts(world, entry_of, recorded, checked):
    app = world.bring(
        "premise_addition", "registered", premise_address="索菲亚小区3号楼1单元102室", premise_street="230102001"
    )
    entry = entry_of(app["id"])
    assert entry["register"] == "premises" and entry["status"] == "in_force" and entry["in_force"] is True
    assert entry["name"] == "哈尔滨市便民家政服务有限公司" and entry["credit_code"] == "91330100716105852F"
    assert entry["division"] == "230102" and entry["street"] == "230102001"
    assert entry["address"] == "道里区兆麟街道索菲亚小区3号楼1单元102室"
    assert entry["since"].isoformat() == "2026-11-25" and entry["until"] is None
    assert entry["document_number"] == app["documents"][-1]["number"]
    assert entry["facts"] == {"service_category": "housekeeping", "business_scope": "家政服务"}
    assert recorded(app["id"]) == [("register", "in_force")]  # kept in the decision's audit entry
    assert checked() == []


@pytest.mark.parametrize(
    "event, who, data, status",
    [
        ("cancel", OWNER.username, {"closed_on": "2026-11-20"}, "cancelled"),
        ("revoke", APPROVER, {"reason": "提供虚假材料"}, "revoked"),
    ],
)
def test_cancel_and_revoke_end_the_entry(world, entry_of, recorded, checked, event, who, data, status):
    app = world.bring("premise_addition", "registered")
    r = world.fire(app["id"], event, who, data)
    assert r.status_code == 200, r.get_json()
    entry = entry_of(app["id"])
    assert entry["status"] == status and entry["in_force"] is False and entry["changed_on"].isoformat() == "2026-11-25"
    assert recorded(app["id"]) == [("register", "in_force"), (event, status)]
    assert checked() == []


@pytest.mark.parametrize(
    "path",
    [
        [("refuse", {"reason": "材料不全"})],
        [("redirect", {"authority": "230103"})],
        [("withdraw", None)],
        [("accept", None)],
        [("request_correction", {"items": [{"field": "credit_code", "reason": "不一致"}]})],
    ],
)
def test_no_decision_that_puts_nothing_in_force_makes_an_entry(world, entry_of, checked, path):
    app = world.bring("premise_addition", "submitted")
    for event, data in path:
        who = OWNER.username if event == "withdraw" else CLERK_PA
        assert world.fire(app["id"], event, who, data).status_code == 200
    assert entry_of(app["id"]) is None and checked() == []


def test_the_duplicate_guard_reads_the_register(world, app):
    first = world.bring("premise_addition", "registered", premise_address="中央大街99号")
    again = world.draft("premise_addition", premise_address="中央大街 99号")  # the same, after normalising
    reasons = world.app_json(again["id"])["eligibility"]["details"]
    assert "duplicate" in [d["rule"] for d in reasons]
    # what the guard reads is the register: an entry no longer in force is no duplicate, whatever the application says
    with app.app_context():
        db.session.execute(
            update(RegisterEntry)
            .where(RegisterEntry.application_id == first["id"])
            .values(status="cancelled", in_force=False)
        )
        db.session.commit()
    assert "duplicate" not in [d["rule"] for d in world.app_json(again["id"])["eligibility"]["details"]]
    # and the registered application itself is no duplicate of its own entry
    assert "duplicate" not in [d["rule"] for d in world.app_json(first["id"])["eligibility"]["details"]]


def test_a_register_failure_leaves_no_decision(world, entry_of, monkeypatch, app):
    """The entry is written in the event's transaction: if it cannot be, the decision is not made either."""
    from workflows import ledger

    submitted = world.bring("premise_addition", "submitted")

    def broken(ctx):
        raise RuntimeError("register unavailable")

    monkeypatch.setattr(ledger, "record", broken)
    r = world.fire(submitted["id"], "register", CLERK_PA)
    assert r.status_code == 500
    body = world.app_json(submitted["id"])
    assert body["state"] == "submitted" and body["documents"] == [] and entry_of(submitted["id"]) is None
