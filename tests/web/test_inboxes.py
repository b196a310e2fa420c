"""Inboxes by role: reviewers' opinions to give (with due dates), inspectors' assigned inspections,
the housing clerk's spot-check draw and late-filing filter; every staff role sees all opinions."""

from __future__ import annotations

import re
from datetime import date

import pytest

from models import User, db
from tests.conftest import FIXED_TODAY, PDF_BYTES
from tests.fire.test_fire_filing import ALL_KINDS, FIRE_FIELDS
from tests.land.test_land_transition import land  # noqa: F401  (fixture: land_transition staff, a submitted application)
from tests.web.pages import fire, html
from workflows import accounts


def on(app, day: date, action):
    """Run `action` as if today were `day`."""
    app.config["TODAY"] = day
    try:
        return action()
    finally:
        app.config["TODAY"] = FIXED_TODAY


def rows(page: str) -> list[str]:
    return re.findall(r'<tr class="[^"]*" data-app="\d+">.*?</tr>', page, re.S)


def numbers(page: str) -> list[str]:
    return [re.search(r">([A-Z]{2}\d+)</a>", r).group(1) for r in rows(page)]


def number_of(api, app_id, user="alice") -> str:
    return api.get(f"/api/v1/applications/{app_id}", user).get_json()["number"]


# --- reviewers ---------------------------------------------------------------------------------


def test_reviewer_inbox_lists_open_opinions_by_due_date_then_given_ones(app, api, land, login):
    overdue, soon, later, waiting = land(), land(), land(), land()
    on(app, date(2026, 11, 16), lambda: api.fire(overdue, "accept", "nr_clerk"))  # opinion due 11-23: overdue
    on(app, date(2026, 11, 18), lambda: api.fire(soon, "accept", "nr_clerk"))  # due 11-25: due within a day
    api.fire(later, "accept", "nr_clerk")  # due 12-02
    civil = login("civil_reviewer")
    page = html(civil.get("/console/"))
    assert 'data-tab="opinions"' in page and 'aria-current="page" class="current" data-tab="opinions"' in page
    assert numbers(page) == [number_of(api, i) for i in (overdue, soon, later)]  # by the opinion's due date
    assert number_of(api, waiting) not in page  # not accepted: nothing asked yet
    first, second, third = rows(page)
    assert "2026年11月23日" in first and 'data-flag="overdue"' in first
    assert "2026年11月25日" in second and 'data-flag="due_soon"' in second
    assert "2026年12月2日" in third and "data-flag" not in third.split("</td>", 1)[0]
    assert 'data-total="1"' in html(civil.get("/console/?tab=opinions&overdue=1"))

    r = fire(civil, "console", soon, "give_opinion", agree="yes", opinion="同意，符合养老服务设施布局")
    assert r.status_code == 303
    page = html(civil.get("/console/"))
    assert numbers(page) == [number_of(api, i) for i in (overdue, later)]
    given = html(civil.get("/console/?tab=given"))
    assert numbers(given) == [number_of(api, soon)] and "同意" in given
    everything = html(civil.get("/console/?tab=all"))
    assert set(numbers(everything)) == {number_of(api, i) for i in (overdue, soon, later, waiting)}  # all it sees

    # the other department has its own list; a department whose opinion is not needed has none
    assert len(rows(html(login("housing_reviewer").get("/console/")))) == 3
    assert rows(html(login("sports_reviewer").get("/console/"))) == []
    assert "没有待出具的部门意见" in html(login("sports_reviewer").get("/console/"))


def test_every_staff_role_sees_all_opinions_beside_the_application(app, api, land, login):
    app_id = land()
    api.fire(app_id, "accept", "nr_clerk")
    fire(login("civil_reviewer"), "console", app_id, "give_opinion", agree="yes", opinion="同意，符合布局规划")
    for user in ("nr_clerk", "civil_reviewer", "housing_reviewer", "gov_approver"):
        page = html(login(user).get(f"/console/applications/{app_id}"))
        opinions = re.search(r'<ul class="opinions">.*?</ul>', page, re.S).group(0)
        assert "哈尔滨市道里区民政局" in opinions and "同意，符合布局规划" in opinions, user
        assert "出具时间" in opinions and "期限" in opinions and "2026年12月2日" in opinions
        assert "哈尔滨市道里区住房和城乡建设局" in opinions and "待出具" in opinions

    fire(login("housing_reviewer"), "console", app_id, "give_opinion", agree="no", opinion="需加固后使用")
    fire(
        login("nr_clerk"),
        "console",
        app_id,
        "issue_review_opinion",
        expropriation_plan="no",
        soil_ok="yes",
        use_change_allowed="no",
    )
    page = html(login("gov_approver").get(f"/console/applications/{app_id}"))
    assert page.index('id="extras"') < page.index('id="documents"')  # before anything else aside
    assert "需加固后使用" in page and "不同意" in page and "同意，符合布局规划" in page
    approve = re.search(r'<form[^>]*data-event="approve".*?</form>', page, re.S).group(0)
    assert "disabled" not in approve.split("<button", 1)[1].split(">", 1)[0]


# --- fire filing: the draw, late filings, inspectors ------------------------------------------------


@pytest.fixture
def fire_site(app, api):
    """The housing clerk and the one inspector of 道里区 (so the draw's choice is known);
    submit(**fields) files a fire filing (promise mode)."""
    with app.app_context():
        other = db.session.execute(db.select(User).where(User.username == "inspector_daoli")).scalar_one()
        other.role = "clerk"
        accounts.create_user("housing_clerk", "correct-horse-9", "clerk", "230102:housing", display_name="住建窗口")
        accounts.create_user("inspector_a", "correct-horse-9", "inspector", "230102:housing", display_name="检查员甲")
        db.session.commit()

    def submit(**fields):
        r = api.post(
            "/api/v1/applications", "alice", json={"procedure": "fire_filing", "fields": {**FIRE_FIELDS, **fields}}
        )
        app_id = r.get_json()["id"]
        for kind in ALL_KINDS:
            assert api.upload(app_id, kind=kind, data=PDF_BYTES).status_code == 201
        body = api.fire(app_id, "submit", "alice").get_json()
        assert body["state"] == "filed", body
        return body

    return submit


def test_late_filter_and_badge(api, fire_site, login):
    late = fire_site(completion_date="2026-11-10", facility_name="兆麟社区老年食堂")  # due 11-17, filed 11-25
    on_time = fire_site()
    clerk = login("housing_clerk")
    page = html(clerk.get("/console/"))
    row = next(r for r in rows(page) if late["number"] in r)
    assert "逾期备案" in row and 'data-late="true"' in row
    assert "逾期备案" not in next(r for r in rows(page) if on_time["number"] in r)
    only = html(clerk.get("/console/?late=1"))
    assert numbers(only) == [late["number"]] and 'data-total="1"' in only
    assert "逾期备案" in html(login("alice").get("/my/"))  # the applicant's list too


def test_draw_button_selects_and_publishes_then_inspector_inbox(app, api, fire_site, login):
    first = on(
        app, date(2026, 11, 18), lambda: fire_site(completion_date="2026-11-02", facility_name="正阳河社区托育点")
    )
    clerk = login("housing_clerk")
    assert "组织双随机抽查" in html(clerk.get("/console/"))
    assert "组织双随机抽查" not in html(login("inspector_a").get("/console/?tab=all"))
    assert "组织双随机抽查" not in html(login("clerk_daoli").get("/console/"))
    refused = login("clerk_daoli").post(
        "/console/draws", headers={"Referer": "http://localhost/console/"}, follow_redirects=True
    )
    assert "只有住房和城乡建设部门的窗口人员可以组织抽查" in html(refused)

    r = on(app, date(2026, 11, 18), lambda: clerk.post("/console/draws"))  # inspection due 15 wd later
    assert r.status_code == 303 and re.fullmatch(r"/draws/\d+", r.headers["Location"])
    late, other = fire_site(completion_date="2026-11-10", facility_name="兆麟社区老年食堂"), fire_site()
    r = clerk.post("/console/draws", follow_redirects=True)
    page = html(r)
    assert "抽查完成" in page and "兆麟社区老年食堂" in page and "经纬街274号院社区养老服务站" in page
    assert 'data-reproduced="true"' in html(clerk.get(r.request.path + "?check=1"))  # the page's button
    states = {
        n: api.get(f"/api/v1/applications/{n}", "alice").get_json()["state"]
        for n in (first["id"], late["id"], other["id"])
    }
    assert states[first["id"]] == "selected" and states[late["id"]] == "selected"  # late: always selected
    assert states[other["id"]] in ("selected", "closed")

    inspector = login("inspector_a")
    page = html(inspector.get("/console/"))
    assert 'data-tab="assigned"' in page
    expected = [first["number"], late["number"]] + ([other["number"]] if states[other["id"]] == "selected" else [])
    assert numbers(page)[:2] == expected[:2] and sorted(numbers(page)) == sorted(expected)  # by deadline
    assert "2026年12月9日" in rows(page)[0]  # 15 working days after 11-18

    with app.app_context():
        accounts.create_user("inspector_b", "correct-horse-9", "inspector", "230102:housing")
        db.session.commit()
    assert rows(html(login("inspector_b").get("/console/"))) == []  # nothing assigned to them
    assert first["number"] in html(login("inspector_b").get("/console/?tab=all"))

    r = fire(inspector, "console", late["id"], "record_inspection", findings="")
    assert "是否合格：必填，不得为空" in html(inspector.get(r.headers["Location"]))
    r = fire(inspector, "console", late["id"], "record_inspection", passed="no")
    assert "检查不合格时须写明发现的问题" in html(inspector.get(r.headers["Location"]))
    r = fire(inspector, "console", late["id"], "record_inspection", passed="yes", findings="疏散通道畅通")
    assert "已办理：录入检查结果" in html(inspector.get(r.headers["Location"]))
    assert late["number"] not in numbers(html(inspector.get("/console/")))  # passed: off the list
