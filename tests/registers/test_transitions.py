"""land_transition's register (DOMAIN §6 `transitions`): approval puts the period in force with its first and last
day; expiry (the daily job), conversion, reversion and termination end it; a refusal makes nothing."""

from __future__ import annotations

import pytest

from tests.reliability.world import CLERK, staff

GOV = staff("approver", "government")
NR = CLERK["land_transition"]


def test_approval_puts_the_period_in_force(world, entry_of, recorded, checked):
    app = world.bring("land_transition", "in_transition")
    entry = entry_of(app["id"])
    assert (entry["register"], entry["status"], entry["in_force"]) == ("transitions", "in_force", True)
    assert (entry["since"].isoformat(), entry["until"].isoformat()) == ("2026-11-26", "2031-11-25")
    assert entry["name"] == "哈尔滨市阳光颐养养老服务有限公司" and entry["address"] == "道里区经纬街274号院3号楼"
    assert entry["facts"] == {
        "land_holder": "哈尔滨市道里区城市建设投资有限公司",
        "service_type": "elderly_care",
        "floor_area_m2": 860,
        "current_land_use": "工业用地",
    }
    assert recorded(app["id"]) == [("approve", "in_force")] and checked() == []


def test_a_natural_person_holding_the_land_is_not_published(world, entry_of):
    app = world.bring("land_transition", "in_transition", land_holder_name="张三")
    assert entry_of(app["id"])["facts"]["land_holder"] is None


def test_the_daily_job_expires_the_entry_the_day_after_the_last_day(world, entry_of, runner, checked):
    app = world.bring("land_transition", "in_transition")
    runner.invoke(args=["jobs", "run", "--as-of", "2031-11-25"])
    assert entry_of(app["id"])["status"] == "in_force"
    runner.invoke(args=["jobs", "run", "--as-of", "2031-11-26"])
    entry = entry_of(app["id"])
    assert (entry["status"], entry["in_force"]) == ("expired", False) and checked() == []


@pytest.mark.parametrize(
    "state, event, who, data, status",
    [
        ("in_transition", "convert", NR, {"land_document": "哈道自然资规〔2031〕第88号"}, "converted"),
        ("expired", "convert", NR, {"land_document": "哈道自然资规〔2031〕第88号"}, "converted"),
        ("expired", "revert", NR, None, "reverted"),
        ("in_transition", "terminate", GOV, {"reason": "普惠服务已停止"}, "terminated"),
    ],
)
def test_the_period_ends(world, entry_of, recorded, checked, state, event, who, data, status):
    app = world.bring("land_transition", state)
    r = world.fire(app["id"], event, who, data)
    assert r.status_code == 200, r.get_json()
    entry = entry_of(app["id"])
    assert entry["status"] == status and entry["in_force"] is False
    assert entry["until"].isoformat() == "2031-11-25"
    assert recorded(app["id"])[-1] == (event, status) and checked() == []


def test_not_approved_puts_nothing_in_force(world, entry_of):
    app = world.bring("land_transition", "government_approval")
    assert world.fire(app["id"], "not_approve", GOV, {"reason": "不符合规划"}).status_code == 200
    assert entry_of(app["id"]) is None
