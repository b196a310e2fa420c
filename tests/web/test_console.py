"""The clerk console through its pages: inbox filters and flags, the application page, events, scoping."""

from __future__ import annotations

import re
from datetime import date

import pytest

from models import Application, Authority, User, db
from tests.conftest import FIXED_TODAY
from tests.land.test_land_transition import land  # noqa: F401  (fixture: land_transition staff, a submitted application)
from tests.web.pages import fire, html

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def event_form(page: str, event: str) -> str:
    return re.search(rf'<form[^>]*data-event="{event}".*?</form>', page, re.S).group(0)


def submitted_on(app, api, day: date, **fields):
    app.config["TODAY"] = day
    try:
        return api.submitted(**fields)
    finally:
        app.config["TODAY"] = FIXED_TODAY


def test_inbox_sorted_by_deadline_with_flags_and_filters(app, api, login):
    overdue = submitted_on(app, api, date(2026, 11, 18))  # due Mon 2026-11-23: overdue on 11-25
    soon = submitted_on(app, api, date(2026, 11, 20))  # due Wed 2026-11-25: due within 1 working day
    later = api.submitted()  # due Mon 2026-11-30: no flag
    clerk = login("clerk_daoli")
    page = html(clerk.get("/console/"))
    assert page.index(overdue["number"]) < page.index(soon["number"]) < page.index(later["number"])
    assert 'data-total="3"' in page
    row = lambda n: re.search(rf"<tr[^>]*>(?:(?!</tr>).)*{n}.*?</tr>", page, re.S).group(0)  # noqa: E731
    assert "逾期" in row(overdue["number"]) and 'data-flag="overdue"' in row(overdue["number"])
    assert 'data-flag="due_soon"' in row(soon["number"])
    assert "data-flag" not in row(later["number"])

    only_overdue = html(clerk.get("/console/?overdue=1"))
    assert 'data-total="1"' in only_overdue and overdue["number"] in only_overdue and soon["number"] not in only_overdue
    only_soon = html(clerk.get("/console/?due_soon=1"))
    assert 'data-total="1"' in only_soon and soon["number"] in only_soon
    both = html(clerk.get("/console/?overdue=1&due_soon=1&procedure=premise_addition"))
    assert 'data-total="2"' in both
    assert 'data-total="0"' in html(clerk.get("/console/?state=registered"))
    assert 'data-total="3"' in html(clerk.get("/console/?state=submitted&page=abc"))


def test_inbox_pages_fifty_at_a_time(app, api, login):
    first = api.submitted()
    with app.app_context():
        authority = db.session.get(Authority, first["authority"]["id"])
        alice = db.session.execute(db.select(User).where(User.username == "alice")).scalar_one()
        db.session.add_all(
            Application(
                procedure="premise_addition",
                state="submitted",
                number=f"PA-T{i:04d}",
                fields={"enterprise_name": f"企业{i}"},
                applicant_id=alice.id,
                authority_id=authority.id,
                is_open=True,
            )
            for i in range(55)
        )
        db.session.commit()
    clerk = login("clerk_daoli")
    page1 = html(clerk.get("/console/"))
    assert 'data-total="56"' in page1 and "第 1 / 2 页" in page1
    assert page1.count('href="/console/applications/') == 50
    assert first["number"] in page1  # has a deadline: sorted first
    page2 = html(clerk.get("/console/?page=2"))
    assert page2.count('href="/console/applications/') == 6


def test_application_page_shows_everything_and_previews(login, api):
    app_ = api.draft()
    api.upload(app_["id"])
    api.upload(app_["id"], kind="power_of_attorney", data=PNG_BYTES, filename="委托书.png")
    api.fire(app_["id"], "submit", "alice")
    clerk = login("clerk_daoli")
    page = html(clerk.get(f"/console/applications/{app_['id']}"))
    assert "企业名称" in page and "enterprise name" in page and "哈尔滨市便民家政服务有限公司" in page
    assert "家政服务" in page and "道里区" in page and "兆麟街道" in page  # codes shown by name
    pdf_src = re.search(r'<object class="preview" data="([^"]+)" type="application/pdf"', page).group(1)
    img_src = re.search(r'<img class="preview" src="([^"]+)"', page).group(1)
    pdf = clerk.get(pdf_src)
    assert pdf.mimetype == "application/pdf" and pdf.headers["Content-Disposition"].startswith("inline;")
    assert pdf.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert clerk.get(img_src).mimetype == "image/png"
    assert "符合条件" in page and "提交申请" in page and "alice" in page  # eligibility and audit trail


def test_every_role_event_is_shown_enabled_or_with_why_not(login, api):
    app_ = api.submitted()
    clerk, approver = login("clerk_daoli"), login("approver_daoli")
    page = html(clerk.get(f"/console/applications/{app_['id']}"))
    for name in ("register", "accept", "request_correction", "refuse", "redirect"):
        assert "disabled" not in event_form(page, name).split("<button", 1)[1].split(">", 1)[0]
    assert '<form method="post" action="/console/applications/' in page
    assert not re.search(r'<form[^>]*data-event="(extend|submit|withdraw)"', page)  # not the clerk's
    assert 'name="reason"' in event_form(page, "refuse") and "<select" in event_form(page, "redirect")
    assert page.count('name="item_name"') == 16  # 14 fields + 2 attachments

    page = html(approver.get(f"/console/applications/{app_['id']}"))
    extend = event_form(page, "extend")
    assert "disabled" in extend and "当前状态“已提交”下不能延长审查期限" in extend
    assert "当前状态“已提交”下不能撤销登记" in event_form(page, "revoke")

    api.fire(app_["id"], "accept", "clerk_daoli")
    api.fire(app_["id"], "extend", "approver_daoli", {"reason": "需要现场核查"})
    page = html(approver.get(f"/console/applications/{app_['id']}"))
    assert "审查期限只能延长一次" in event_form(page, "extend")  # a guard's reason


def test_correction_with_an_empty_list_is_refused_with_a_clear_message(login, api):
    app_ = api.submitted()
    clerk = login("clerk_daoli")
    page = html(clerk.get(f"/console/applications/{app_['id']}"))
    names = re.findall(r'name="item_name" value="([a-z_]+)"', page)
    r = fire(clerk, "console", app_["id"], "request_correction", item_name=names, item_reason=[""] * len(names))
    page = html(clerk.get(r.headers["Location"]))
    assert "补正事项：必填，不得为空" in page and "已提交" in page
    r = fire(
        clerk,
        "console",
        app_["id"],
        "request_correction",
        item_name=names,
        item_on=["business_scope"],
        item_reason=[""] * len(names),
    )
    assert "请写明需要补正的原因" in html(clerk.get(r.headers["Location"]))


def test_refuse_needs_a_reason_then_prints_the_notice(login, api):
    app_ = api.submitted()
    clerk = login("clerk_daoli")
    r = fire(clerk, "console", app_["id"], "refuse", reason="")
    assert "理由：必填" in html(clerk.get(r.headers["Location"]))
    r = fire(clerk, "console", app_["id"], "refuse", reason="经营场所不在本区")
    page = html(clerk.get(r.headers["Location"]))
    assert "已办理：不予登记" in page and "不予登记通知书" in page and "经营场所不在本区" in page
    doc = re.search(r'href="(/console/documents/\d+\.pdf)"', page).group(1)
    assert clerk.get(doc).data.startswith(b"%PDF")


def test_redirect_takes_a_division(login, api):
    app_ = api.submitted()
    clerk = login("clerk_daoli")
    r = fire(clerk, "console", app_["id"], "redirect", authority="230103")
    assert "已办理：告知向有权机关申请" in html(clerk.get(r.headers["Location"]))


def test_two_clerks_at_once_one_gets_a_conflict(login, api):
    app_ = api.submitted()
    clerk = login("clerk_daoli")
    page = html(clerk.get(f"/console/applications/{app_['id']}"))
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    assert (
        clerk.post(
            f"/console/applications/{app_['id']}/events", data={"event": "accept", "version": version}
        ).status_code
        == 303
    )
    r = clerk.post(
        f"/console/applications/{app_['id']}/events",
        data={"event": "register", "version": version},
        follow_redirects=True,
    )
    assert "申请已被他人修改" in html(r)


def test_scoping_other_authority_and_drafts_are_404(login, api):
    submitted, draft = api.submitted(), api.draft()
    assert login("clerk_nangang").get(f"/console/applications/{submitted['id']}").status_code == 404
    assert (
        login("clerk_nangang")
        .post(f"/console/applications/{submitted['id']}/events", data={"event": "register", "version": "2"})
        .status_code
        == 404
    )
    assert submitted["number"] not in html(login("clerk_nangang").get("/console/"))
    clerk = login("clerk_daoli")
    assert clerk.get(f"/console/applications/{draft['id']}").status_code == 404
    assert clerk.get("/console/applications/99999999999999999999").status_code == 404
    att = api.get(f"/api/v1/applications/{submitted['id']}/attachments", "alice").get_json()["items"][0]
    assert (
        login("clerk_nangang").get(f"/console/applications/{submitted['id']}/attachments/{att['id']}").status_code
        == 404
    )


def test_console_is_for_staff_only(login, client):
    assert client.get("/console/").status_code == 302
    assert login("alice").get("/console/").status_code == 403
    assert login("admin").get("/console/preview/receipt").status_code == 403


@pytest.mark.parametrize("kind", ["registration_notice", "correction_notice"])
def test_document_previews(login, kind):
    r = login("clerk_daoli").get(f"/console/preview/{kind}")
    assert r.status_code == 200 and r.mimetype == "application/pdf" and r.data.startswith(b"%PDF")
    assert r.headers["Content-Disposition"].startswith("inline")


def test_unknown_preview_is_404(login):
    assert login("clerk_daoli").get("/console/preview/nonsense").status_code == 404


def test_land_transition_through_the_console(login, land):
    """Department opinions (是/否 + text), the clerk's three review answers, the government's approval."""
    app_id = land()
    nr_clerk = login("nr_clerk")
    assert fire(nr_clerk, "console", app_id, "accept").status_code == 303
    page = html(nr_clerk.get(f"/console/applications/{app_id}"))
    assert "部门意见" in page and "待出具" in page and "哈尔滨市道里区民政局" in page

    civil = login("civil_reviewer")
    form = event_form(html(civil.get(f"/console/applications/{app_id}")), "give_opinion")
    assert 'type="checkbox"' not in form and 'name="opinion"' in form
    radios = re.findall(r'<input type="radio"[^>]*name="agree"[^>]*>', form)
    assert [re.search(r'value="(\w+)"', r).group(1) for r in radios] == ["yes", "no"]
    assert not any("checked" in r for r in radios)  # no default answer
    assert fire(civil, "console", app_id, "give_opinion", agree="yes", opinion="同意，符合布局").status_code == 303
    page = html(civil.get(f"/console/applications/{app_id}"))
    assert "同意，符合布局" in page and "disabled" in event_form(page, "give_opinion")  # once per department
    fire(login("housing_reviewer"), "console", app_id, "give_opinion", agree="no", opinion="房屋安全鉴定未通过")
    page = html(nr_clerk.get(f"/console/applications/{app_id}"))
    assert "规划审查" in page and "不同意" in page

    form = event_form(page, "issue_review_opinion")
    assert form.count('type="radio"') == 6 and "checked" not in form
    r = fire(
        nr_clerk,
        "console",
        app_id,
        "issue_review_opinion",
        expropriation_plan="no",
        soil_ok="yes",
        use_change_allowed="yes",
    )
    assert "已办理：" in html(nr_clerk.get(r.headers["Location"]))
    approver = login("gov_approver")
    page = html(approver.get(f"/console/applications/{app_id}"))
    assert "审查意见" in page and "期满后是否可改变用途" in page
    approve = re.search(r'<details class="event-details decision" id="do-approve">.*?</details>', page, re.S).group(0)
    assert "审批意见" in approve and re.search(r'<textarea[^>]*name="comment"[^>]*required', approve)
    r = fire(approver, "console", app_id, "approve")  # without the opinion a government's approval is refused
    assert "审批意见" in html(approver.get(r.headers["Location"]))
    assert fire(approver, "console", app_id, "approve", comment="同意五年过渡期").status_code == 303
    page = html(approver.get(f"/console/applications/{app_id}"))
    assert "过渡期" in page and "2031年11月25日" in page and "同意五年过渡期" in page


@pytest.mark.parametrize(
    "given, missing",
    [
        ({"soil_ok": "yes", "use_change_allowed": "no"}, "是否有征收计划"),
        ({"expropriation_plan": "no", "soil_ok": "no"}, "期满后是否可改变用途"),
        ({}, "土壤环境是否符合要求"),
    ],
)
def test_an_unanswered_yes_no_question_is_refused_not_taken_as_no(login, land, given, missing):
    app_id = land()
    nr_clerk = login("nr_clerk")
    fire(nr_clerk, "console", app_id, "accept")
    fire(login("civil_reviewer"), "console", app_id, "give_opinion", agree="yes", opinion="同意")
    fire(login("housing_reviewer"), "console", app_id, "give_opinion", agree="yes", opinion="同意")
    r = fire(nr_clerk, "console", app_id, "issue_review_opinion", **given)
    page = html(nr_clerk.get(r.headers["Location"]))
    assert f"{missing}：必填，不得为空" in page and "规划审查" in page  # still in planning review


def test_an_unanswered_opinion_is_refused(login, land):
    app_id = land()
    fire(login("nr_clerk"), "console", app_id, "accept")
    civil = login("civil_reviewer")
    r = fire(civil, "console", app_id, "give_opinion", opinion="原则同意")
    page = html(civil.get(r.headers["Location"]))
    assert "是否同意：必填，不得为空" in page
    assert "disabled" not in event_form(page, "give_opinion").split("<button", 1)[1].split(">", 1)[0]
    r = fire(civil, "console", app_id, "give_opinion", agree="maybe", opinion="原则同意")
    assert "是否同意：应为是或否" in html(civil.get(r.headers["Location"]))
