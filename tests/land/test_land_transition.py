"""land_transition (DOMAIN §2): countersign, planning review, approval, the 5-year period, expiry."""

from __future__ import annotations

import pytest

from models import db
from tests.conftest import FIXED_TODAY, PDF_BYTES
from workflows import accounts

LAND_STAFF = [
    ("nr_clerk", "clerk", "230102:natural_resources"),
    ("civil_reviewer", "reviewer", "230102:civil_affairs"),
    ("housing_reviewer", "reviewer", "230102:housing"),
    ("sports_reviewer", "reviewer", "230102:sports"),
    ("gov_approver", "approver", "230102:government"),
    ("gov_approver_nangang", "approver", "230103:government"),
    ("nr_clerk_nangang", "clerk", "230103:natural_resources"),
]

LAND_FIELDS = {
    "operator_name": "哈尔滨市阳光颐养养老服务有限公司",
    "credit_code": "91230102MA1D0XG5LR",
    "land_holder_name": "哈尔滨市道里区城市建设投资有限公司",
    "property_certificate_no": "黑（2021）哈尔滨市不动产权第0012345号",
    "building_address": "经纬街274号院3号楼",
    "building_division": "230102",
    "floor_area_m2": 860,
    "current_land_use": "工业用地",
    "service_type": "elderly_care",
    "price_commitment": "床位费不高于同区域公办养老机构收费标准",
}
KINDS = ("property_certificate", "holder_consent", "project_plan", "safety_assessment")


@pytest.fixture
def land(app, api):
    with app.app_context():
        for name, role, authority in LAND_STAFF:
            accounts.create_user(name, "correct-horse-9", role, authority)
        db.session.commit()

    def submitted(**fields):
        r = api.post(
            "/api/v1/applications", "alice", json={"procedure": "land_transition", "fields": {**LAND_FIELDS, **fields}}
        )
        assert r.status_code == 201, r.get_json()
        app_id = r.get_json()["id"]
        for kind in KINDS:
            assert api.upload(app_id, kind=kind, data=PDF_BYTES).status_code == 201
        r = api.fire(app_id, "submit", "alice")
        assert r.status_code == 200, r.get_json()
        return app_id

    return submitted


def test_routing_countersign_and_approval(api, land, runner, app):
    app_id = land()
    body = api.get(f"/api/v1/applications/{app_id}", "nr_clerk").get_json()
    assert body["authority"]["key"] == "230102:natural_resources"
    assert api.get(f"/api/v1/applications/{app_id}", "nr_clerk_nangang").status_code == 404
    r = api.fire(app_id, "accept", "nr_clerk")
    body = r.get_json()
    assert body["state"] == "department_review"
    assert {o["department"] for o in body["opinions"]} == {"civil_affairs", "housing"}
    assert all(o["due"] == "2026-12-02" for o in body["opinions"])  # 5 working days after 11-25
    assert body["deadline"]["due"] == "2026-12-23"  # 20 working days
    # a department whose opinion is not needed does not see it at all
    assert api.get(f"/api/v1/applications/{app_id}", "sports_reviewer").status_code == 404
    r = api.fire(app_id, "give_opinion", "civil_reviewer", {"agree": True, "opinion": "同意，符合养老服务设施布局"})
    assert r.status_code == 200 and r.get_json()["state"] == "department_review"
    again = api.fire(app_id, "give_opinion", "civil_reviewer", {"agree": False, "opinion": "再次"})
    assert again.status_code == 409, again.get_json()
    r = api.fire(app_id, "give_opinion", "housing_reviewer", {"agree": True, "opinion": "房屋安全鉴定为A级"})
    assert r.get_json()["state"] == "planning_review"  # moved by itself with the last one
    r = api.fire(app_id, "issue_review_opinion", "nr_clerk", {"expropriation_plan": False, "soil_ok": True})
    assert r.status_code == 422  # all three flags required
    r = api.fire(
        app_id,
        "issue_review_opinion",
        "nr_clerk",
        {"expropriation_plan": False, "soil_ok": True, "use_change_allowed": True},
    )
    assert r.get_json()["state"] == "government_approval"
    version = r.get_json()["version"]
    assert api.fire(app_id, "approve", "gov_approver_nangang", version=version).status_code == 404
    assert api.fire(app_id, "approve", "nr_clerk").status_code == 403
    # a government's approval always carries its opinion (审批意见, DOMAIN §0; API.md: comment)
    r = api.fire(app_id, "approve", "gov_approver")
    assert r.status_code == 422, r.get_json()
    error = r.get_json()["error"]
    assert error["code"] == "validation_failed"
    assert [(d["field"], d["rule"]) for d in error["details"]] == [("comment", "required")]
    assert api.fire(app_id, "approve", "gov_approver", comment="   ").status_code == 422
    r = api.fire(app_id, "approve", "gov_approver", comment="同意五年过渡期")
    body = r.get_json()
    assert body["state"] == "in_transition"
    trail = api.get(f"/api/v1/applications/{app_id}/events", "gov_approver").get_json()
    assert trail[-1]["event"] == "approve" and trail[-1]["comment"] == "同意五年过渡期"
    assert body["period"] == {"first_day": "2026-11-26", "last_day": "2031-11-25"}
    approval = [d for d in body["documents"] if d["kind"] == "transition_approval"][0]
    assert approval["number"].startswith("哈道政批字〔2026〕1号")

    # time: reminders before the last day, expiry the day after it, never earlier
    def jobs(day):
        return runner.invoke(args=["jobs", "run", "--as-of", day]).output

    assert "0 period reminders" in jobs("2031-05-28")  # 181 days before: nothing yet
    assert "2 period reminders" in jobs("2031-05-29")  # 180 days: operator + clerk
    assert "0 period reminders" in jobs("2031-05-30")  # idempotent
    assert "2 period reminders" in jobs("2031-08-27")  # 90 days
    assert "2 period reminders" in jobs("2031-10-26")  # 30 days
    assert "0 periods expired" in jobs("2031-11-25")  # the last day is still inside
    assert api.get(f"/api/v1/applications/{app_id}", "alice").get_json()["state"] == "in_transition"
    assert "1 periods expired" in jobs("2031-11-26")
    assert "0 periods expired" in jobs("2031-11-26")
    body = api.get(f"/api/v1/applications/{app_id}", "alice").get_json()
    assert body["state"] == "expired"
    # the 20 working days after expiry count from the date the job ran as (--as-of), not from today's date
    assert body["deadline"]["basis"]["start"] == "2031-11-26" and body["deadline"]["basis"]["days"] == 20
    assert body["deadline"]["due"] > "2031-12-20"
    token = approval["verify_url"].rsplit("/", 1)[1]
    assert api.get(f"/api/v1/verify/{token}").get_json()["status"] == "expired"
    r = api.fire(app_id, "convert", "nr_clerk", {"land_document": "哈道自然资规〔2031〕第88号"})
    assert r.get_json()["state"] == "converted"


@pytest.mark.parametrize(
    "service, department",
    [
        ("elderly_care", "civil_affairs"),
        ("childcare", "health"),
        ("culture", "culture_tourism"),
        ("sports", "sports"),
        ("housekeeping", "development_reform"),
    ],
)
def test_industry_department_by_service_type(api, land, service, department):
    app_id = land(service_type=service)
    body = api.fire(app_id, "accept", "nr_clerk").get_json()
    assert {o["department"] for o in body["opinions"]} == {department, "housing"}


def test_not_approve_and_terminate(api, land):
    first, second = land(), land()
    for app_id in (first, second):
        api.fire(app_id, "accept", "nr_clerk")
        api.fire(app_id, "give_opinion", "civil_reviewer", {"agree": True, "opinion": "同意"})
        api.fire(app_id, "give_opinion", "housing_reviewer", {"agree": False, "opinion": "需加固"})
        api.fire(
            app_id,
            "issue_review_opinion",
            "nr_clerk",
            {"expropriation_plan": False, "soil_ok": True, "use_change_allowed": False},
        )
    assert api.fire(first, "not_approve", "gov_approver", {}).status_code == 422
    body = api.fire(first, "not_approve", "gov_approver", {"reason": "房屋安全鉴定未达标"}).get_json()
    assert body["state"] == "not_approved"
    assert api.fire(second, "approve", "gov_approver", comment="同意").status_code == 200
    body = api.fire(second, "terminate", "gov_approver", {"reason": "普惠性服务已停止"}).get_json()
    assert body["state"] == "terminated"
    statuses = {d["kind"]: d["status"] for d in body["documents"]}
    assert statuses["transition_approval"] == "revoked" and statuses["termination_decision"] == "valid"


def test_period_across_29_february(api, land, app):
    app.config["TODAY"] = __import__("datetime").date(2028, 2, 29)
    app_id = land()
    api.fire(app_id, "accept", "nr_clerk")
    api.fire(app_id, "give_opinion", "civil_reviewer", {"agree": True, "opinion": "同意"})
    api.fire(app_id, "give_opinion", "housing_reviewer", {"agree": True, "opinion": "同意"})
    api.fire(
        app_id,
        "issue_review_opinion",
        "nr_clerk",
        {"expropriation_plan": False, "soil_ok": True, "use_change_allowed": True},
    )
    body = api.fire(app_id, "approve", "gov_approver", comment="同意").get_json()
    assert body["period"] == {"first_day": "2028-03-01", "last_day": "2033-02-28"}
    assert FIXED_TODAY.year == 2026
