"""Enterprises (DOMAIN §6): one record per credit code, made with its first application and kept up to date by
decisions; accounts act for it as itself or as an agent with a power of attorney on file; its page and API object
show its entries in force across registers with their next dates; new applications prefill from it."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from models import Enterprise, EnterpriseAccount, db
from tests.conftest import PDF_BYTES
from tests.reliability.world import CLERK, staff

CODE = "91330100716105852F"  # alice's enterprise in every procedure below
OTHER_CODE = "91350200776049653A"


@pytest.fixture
def three_registers(world):
    """alice's enterprise with a premise, a transition period and a fire filing selected for inspection."""
    premise = world.bring("premise_addition", "registered")
    land = world.bring("land_transition", "in_transition", credit_code=CODE)
    fire = world.bring("fire_filing", "selected", credit_code=CODE, builder_name="哈尔滨市便民家政服务有限公司")
    return {"premise": premise, "land": land, "fire": fire}


def enterprise_row(app, code=CODE):
    with app.app_context():
        row = db.session.execute(select(Enterprise).where(Enterprise.credit_code == code)).scalar()
        out = (
            {
                "name": row.name,
                "domicile_address": row.domicile_address,
                "registered_scope": row.registered_scope,
                "accounts": sorted(
                    (a.user.username, a.capacity)
                    for a in db.session.execute(
                        select(EnterpriseAccount).where(EnterpriseAccount.enterprise_id == row.id)
                    ).scalars()
                ),
            }
            if row
            else None
        )
        db.session.remove()
        return out


def test_the_first_application_makes_the_enterprise_and_decisions_update_it(world, app):
    draft = world.draft("premise_addition")
    assert enterprise_row(app) == {
        "name": "哈尔滨市便民家政服务有限公司",
        "domicile_address": "哈尔滨市道里区经纬街266号院1号楼101室",
        "registered_scope": None,
        "accounts": [("alice", "own")],
    }
    later = world.draft(
        "premise_addition",
        enterprise_name="哈尔滨市便民家政服务集团有限公司",
        domicile_address="哈尔滨市道里区友谊路1号",
        registered_scope="家政服务；养老服务",
    )
    assert enterprise_row(app)["name"] == "哈尔滨市便民家政服务有限公司"  # a draft does not change it
    world.fire(later["id"], "submit", "alice")
    world.fire(later["id"], "register", CLERK["premise_addition"])
    row = enterprise_row(app)
    assert (row["name"], row["domicile_address"], row["registered_scope"]) == (
        "哈尔滨市便民家政服务集团有限公司",
        "哈尔滨市道里区友谊路1号",
        "家政服务；养老服务",
    )
    assert draft["id"] != later["id"]


def test_the_enterprise_object_has_its_entries_in_force_across_registers(world, three_registers):
    body = world.get(f"/api/v1/enterprises/{CODE}", "alice").get_json()
    assert body["credit_code"] == CODE and body["name"] == "哈尔滨市便民家政服务有限公司"
    assert body["domicile"]["division"] == "230102" and body["account"]["capacity"] == "own"
    by_register = {e["register"]: e for e in body["entries"]}
    assert set(by_register) == {"premises", "transitions", "fire_filings"}
    assert by_register["premises"]["next_date"] is None
    assert by_register["transitions"]["next_date"] == {
        "date": "2031-05-29",
        "kind": "reminder",
        "overdue": False,
        "title": {"zh": "届满前180日提醒", "en": "reminder 180 days before the end"},
    }
    assert [d["kind"] for d in by_register["transitions"]["dates"]] == ["reminder", "reminder", "reminder", "expiry"]
    fire_next = by_register["fire_filings"]["next_date"]
    assert fire_next["kind"] == "inspection" and fire_next["date"] == three_registers["fire"]["deadline"]["due"]
    doc = by_register["premises"]["document"]
    assert doc["number"] == three_registers["premise"]["documents"][-1]["number"] and doc["downloadable"] is True
    assert doc["status"] == "valid" and doc["verify_url"].startswith("http")


def test_who_sees_an_enterprise(world, three_registers):
    assert world.get(f"/api/v1/enterprises/{CODE}", "bob").status_code == 404
    assert world.get(f"/api/v1/enterprises/{CODE}", "admin").status_code == 404
    assert world.get(f"/api/v1/enterprises/{CODE}", "auditor").status_code == 200
    staff_view = world.get(f"/api/v1/enterprises/{CODE}", CLERK["fire_filing"]).get_json()
    assert "account" not in staff_view and len(staff_view["entries"]) == 3
    assert world.get(f"/api/v1/enterprises/{OTHER_CODE}", "auditor").status_code == 404
    assert world.client.get(f"/api/v1/enterprises/{CODE}").status_code == 401
    bad = world.client.get(
        "/api/v1/enterprises/91330100716105852X", headers={**world.headers("alice"), "Accept-Language": "en"}
    )
    assert bad.status_code == 422 and bad.get_json()["error"]["details"][0]["field"] == "credit_code"
    assert "check character" in bad.get_json()["error"]["message"]


def test_an_agent_acts_once_its_power_of_attorney_is_on_file(world, three_registers):
    r = world.post("/api/v1/enterprises", "bob", json={"credit_code": CODE, "capacity": "own"})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "owned_elsewhere"
    r = world.post("/api/v1/enterprises", "bob", json={"credit_code": CODE, "capacity": "agent"})
    assert r.status_code == 201 and r.get_json()["acting"] is False
    assert world.get(f"/api/v1/enterprises/{CODE}", "bob").status_code == 404
    upload = world.post(
        f"/api/v1/enterprises/{CODE}/power-of-attorney",
        "bob",
        data={"file": (io.BytesIO(b"not a pdf"), "poa.txt")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 415
    upload = world.post(
        f"/api/v1/enterprises/{CODE}/power-of-attorney",
        "bob",
        data={"file": (io.BytesIO(PDF_BYTES), "../授权委托书.pdf")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 201, upload.get_json()
    assert (
        upload.get_json()["acting"] is True and upload.get_json()["power_of_attorney"]["filename"] == "授权委托书.pdf"
    )
    body = world.get(f"/api/v1/enterprises/{CODE}", "bob").get_json()
    assert len(body["entries"]) == 3 and body["account"]["capacity"] == "agent"
    assert {e["document"]["downloadable"] for e in body["entries"] if e["document"]} == {False}  # alice's documents
    assert [i["credit_code"] for i in world.get("/api/v1/enterprises", "bob").get_json()["items"]] == [CODE]


@pytest.mark.parametrize(
    "body, field, rule, status",
    [
        ({"credit_code": "91330100716105852X"}, "credit_code", "credit_code", 422),
        ({"credit_code": 123}, "credit_code", "credit_code", 422),
        ({"credit_code": OTHER_CODE}, "name", "required", 422),  # a new enterprise needs its name
        ({"credit_code": CODE, "capacity": "boss"}, "capacity", "choice", 422),
        ({"credit_code": CODE, "extra": 1}, "extra", "unknown_field", 422),
    ],
)
def test_acting_for_an_enterprise_refuses_bad_input(world, body, field, rule, status):
    r = world.post("/api/v1/enterprises", "alice", json=body)
    assert r.status_code == status
    assert (r.get_json()["error"]["details"][0]["field"], r.get_json()["error"]["details"][0]["rule"]) == (field, rule)


def test_a_new_enterprise_by_name_and_only_applicants_act(world):
    r = world.post("/api/v1/enterprises", "alice", json={"credit_code": OTHER_CODE, "name": "厦门市新企业有限公司"})
    assert r.status_code == 201 and r.get_json() == {
        "credit_code": OTHER_CODE,
        "name": "厦门市新企业有限公司",
        "capacity": "own",
        "acting": True,
        "power_of_attorney": None,
    }
    assert (
        world.post("/api/v1/enterprises", CLERK["premise_addition"], json={"credit_code": OTHER_CODE}).status_code
        == 403
    )
    assert world.get("/api/v1/enterprises", CLERK["premise_addition"]).status_code == 403


def test_someone_elses_enterprise_named_in_an_application_is_not_theirs(world, app):
    world.draft("premise_addition")  # alice's enterprise, alice's own
    r = world.post(
        "/api/v1/applications", "bob", json={"procedure": "premise_addition", "fields": {"credit_code": CODE}}
    )
    assert r.status_code == 201
    assert enterprise_row(app)["accounts"] == [("alice", "own"), ("bob", "agent")]
    assert world.get(f"/api/v1/enterprises/{CODE}", "bob").status_code == 404


def test_new_applications_prefill_from_the_enterprise(world):
    world.bring("premise_addition", "registered", registered_scope="家政服务；养老服务")
    r = world.post(
        "/api/v1/applications",
        "alice",
        json={"procedure": "premise_addition", "enterprise": CODE, "fields": {"premise_address": "新阳路1号"}},
    )
    assert r.status_code == 201, r.get_json()
    fields = r.get_json()["fields"]
    assert fields["enterprise_name"] == "哈尔滨市便民家政服务有限公司" and fields["credit_code"] == CODE
    assert fields["domicile_division"] == "230102" and fields["registered_scope"] == "家政服务；养老服务"
    assert fields["premise_address"] == "新阳路1号"
    land = world.post("/api/v1/applications", "alice", json={"procedure": "land_transition", "enterprise": CODE})
    assert land.get_json()["fields"] == {"operator_name": "哈尔滨市便民家政服务有限公司", "credit_code": CODE}
    given = world.post(
        "/api/v1/applications",
        "alice",
        json={"procedure": "land_transition", "enterprise": CODE, "fields": {"operator_name": "另一个名称"}},
    )
    assert given.get_json()["fields"]["operator_name"] == "另一个名称"  # the given fields win


@pytest.mark.parametrize("who, value", [("bob", CODE), ("alice", OTHER_CODE), ("alice", "x"), ("alice", 5)])
def test_prefill_only_from_an_enterprise_the_account_acts_for(world, who, value):
    world.draft("premise_addition")
    r = world.post("/api/v1/applications", who, json={"procedure": "premise_addition", "enterprise": value})
    assert r.status_code == 422
    assert r.get_json()["error"]["details"][0] == {
        "field": "enterprise",
        "rule": "acts_for",
        "message": pytest.approx(r.get_json()["error"]["details"][0]["message"]),
        "message_en": "enterprise: you do not act for this enterprise (add it under My enterprises; an agent files "
        "a power of attorney)",
    }


def test_the_inspectors_see_the_enterprise_too(world, three_registers):
    assert world.get(f"/api/v1/enterprises/{CODE}", staff("inspector", "housing")).status_code == 200
