"""Each procedure's main path done only through the pages, by every role involved, and a correction
round-trip. Preconditions other than the path under test may be set up through the API."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from models import AuditEntry, db
from tests.browser.conftest import ARTIFACTS, shot
from tests.browser.steps import (
    FIRE_FIELDS,
    FIRE_KINDS,
    LAND_FIELDS,
    LAND_KINDS,
    PREMISE_FIELDS,
    fire,
    new_application,
    number_of,
    open_from_inbox,
    state_is,
    upload,
)

pytestmark = pytest.mark.browser


def test_premise_addition_file_register_download(people, server, real_pdf):
    """A new applicant registers and files a premise addition; clerk_daoli registers it from the inbox;
    the applicant downloads the notice."""
    alice = people.page(accept_downloads=True)
    alice.goto(f"{server}/register")
    alice.fill("#username", "carol")
    alice.fill("#display_name", "哈尔滨市便民家政服务有限公司")
    alice.fill("#password", "carol-password-1")
    alice.fill("#confirm", "carol-password-1")
    alice.click("form button[type=submit].primary")
    alice.wait_for_url(re.compile(r".*/my/$"))
    url = new_application(alice, server, "premise_addition", PREMISE_FIELDS)
    assert alice.locator("form[data-event=submit] button[type=submit]").is_disabled()  # no premise document yet
    shot(alice, "premise-01-draft")
    upload(alice, "premise_use_document", "房屋租赁合同.pdf", real_pdf)
    expect(alice.locator("form[data-event=submit] button[type=submit]")).to_be_enabled()
    fire(alice, "submit")
    state_is(alice, "submitted")
    expect(alice.locator(".next-step")).to_contain_text("2026年11月30日")  # 3 working days
    number = number_of(alice)
    shot(alice, "premise-02-submitted")

    clerk = people.login("clerk_daoli")
    expect(clerk.locator("table.inbox")).to_contain_text(number)
    shot(clerk, "premise-03-inbox")
    open_from_inbox(clerk, server, number)
    expect(clerk.locator("#attachments")).to_contain_text("房屋租赁合同.pdf")
    fire(clerk, "register")
    state_is(clerk, "registered")
    shot(clerk, "premise-04-registered")

    alice.goto(url)
    state_is(alice, "registered")
    with alice.expect_download() as info:
        alice.click("li.doc[data-kind=registration_notice] a[download]")
    target = ARTIFACTS / "registration_notice.pdf"
    info.value.save_as(target)
    assert target.read_bytes().startswith(b"%PDF") and info.value.suggested_filename.endswith(".pdf")
    alice.goto(f"{server}/my/")
    expect(alice.locator(".notifications")).to_contain_text("经营场所已登记")
    shot(alice, "premise-05-home")


def test_land_transition_opinions_review_approval(people, server, real_pdf):
    """The applicant files; the natural-resources clerk accepts; the civil-affairs and housing reviewers
    give their opinions (the last moves it on by itself); the clerk issues the review opinion; the
    district government approves; the applicant sees the 5-year period and the approval."""
    alice = people.login("alice")
    url = new_application(alice, server, "land_transition", LAND_FIELDS)
    for kind in LAND_KINDS:
        upload(alice, kind, f"{kind}.pdf", real_pdf)
    fire(alice, "submit")
    state_is(alice, "submitted")
    number = number_of(alice)

    nr = people.login("nr_clerk_daoli")
    open_from_inbox(nr, server, number)
    fire(nr, "accept")
    state_is(nr, "department_review")
    shot(nr, "land-01-accepted")

    for reviewer, text in (
        ("reviewer_civil_daoli", "同意，符合养老服务设施布局"),
        ("reviewer_housing_daoli", "房屋安全鉴定为A级，同意"),
    ):
        page = people.login(reviewer)
        expect(page.locator("nav.tabs a.current")).to_have_attribute("data-tab", "opinions")
        open_from_inbox(page, server, number, tab="opinions")

        def agree(p, text=text):
            p.check("#give_opinion-agree-yes")
            p.fill("#give_opinion-opinion", text)

        fire(page, "give_opinion", agree)
        shot(page, f"land-02-opinion-{reviewer}")
    state_is(page, "planning_review")  # moved on by itself with the last opinion

    nr.reload()
    state_is(nr, "planning_review")

    def review(p):
        p.check("#issue_review_opinion-expropriation_plan-no")
        p.check("#issue_review_opinion-soil_ok-yes")
        p.check("#issue_review_opinion-use_change_allowed-yes")

    fire(nr, "issue_review_opinion", review)
    state_is(nr, "government_approval")

    gov = people.login("gov_approver_daoli")
    open_from_inbox(gov, server, number)
    fire(gov, "approve")
    state_is(gov, "in_transition")
    shot(gov, "land-03-approved")

    alice.goto(url)
    state_is(alice, "in_transition")
    expect(alice.locator("li.doc[data-kind=transition_approval]")).to_be_visible()
    expect(alice.locator("ul.opinions")).to_contain_text("同意，符合养老服务设施布局")
    expect(alice.locator("main")).to_contain_text("2031年11月25日")  # last day of the 5 years
    shot(alice, "land-04-applicant")


def test_fire_filing_file_draw_inspect(people, server, real_pdf):
    """A standard-route filing, late: the applicant files, the housing clerk files it (receipt) and runs
    the draw (a late filing is always drawn), the assigned inspector records a pass, the applicant sees it."""
    alice = people.login("alice")
    url = new_application(alice, server, "fire_filing", FIRE_FIELDS)
    for kind in FIRE_KINDS:
        upload(alice, kind, f"{kind}.pdf", real_pdf)
    fire(alice, "submit")
    state_is(alice, "submitted")
    expect(alice.locator(".page-head [data-late=true]")).to_be_visible()
    number = number_of(alice)

    clerk = people.login("housing_clerk_daoli")
    open_from_inbox(clerk, server, number)
    fire(clerk, "file")
    state_is(clerk, "filed")
    expect(clerk.locator("li.doc[data-kind=filing_receipt]")).to_be_visible()
    clerk.goto(f"{server}/console/")
    clerk.click("form.draw-form button[type=submit]")  # confirms (the dialog is accepted)
    clerk.wait_for_url(re.compile(r".*/draws/\d+$"))
    expect(clerk.locator("main")).to_contain_text(number)
    shot(clerk, "fire-01-draw")

    inspector = people.login("inspector_daoli")
    expect(inspector.locator("table.inbox")).to_contain_text(number)  # the "assigned" tab
    open_from_inbox(inspector, server, number, tab="assigned")
    state_is(inspector, "selected")

    def passed(p):
        p.check("#record_inspection-passed-yes")
        p.fill("#record_inspection-findings", "消防设施完好，疏散通道畅通")

    fire(inspector, "record_inspection", passed)
    state_is(inspector, "passed")
    shot(inspector, "fire-02-inspected")

    alice.goto(url)
    state_is(alice, "passed")
    shot(alice, "fire-03-applicant")


def test_correction_round_trip(people, server, api, app, real_pdf):
    """The clerk lists two items at once; the applicant sees each beside its field or attachment,
    fixes both, resubmits; the clerk sees it back in the queue and registers it."""
    submitted = api.submitted("alice")
    number, app_id = submitted["number"], submitted["id"]

    clerk = people.login("clerk_daoli")
    open_from_inbox(clerk, server, number)

    def items(p):
        p.fill("input.item-reason[data-item=item-premise_address]", "门牌号与不动产权证书记载不一致")
        p.fill("input.item-reason[data-item=item-premise_use_document]", "租赁合同已过期，请提交有效合同")
        assert p.is_checked("#item-premise_address")  # typing a reason ticks its row
        shot(p, "correction-01-list")

    fire(clerk, "request_correction", items)
    state_is(clerk, "correction_required")
    expect(clerk.locator("li.doc[data-kind=correction_notice]")).to_be_visible()

    alice = people.login("alice")
    alice.goto(f"{server}/my/applications/{app_id}")
    state_is(alice, "correction_required")
    field, attachment = alice.locator("#f-premise_address"), alice.locator("#a-premise_use_document")
    expect(field).to_have_class(re.compile("needs-correction"))
    expect(field.locator(".correction-note")).to_contain_text("门牌号与不动产权证书记载不一致")
    expect(attachment).to_have_class(re.compile("needs-correction"))
    expect(attachment.locator(".correction-note")).to_contain_text("租赁合同已过期")
    shot(alice, "correction-02-applicant")
    alice.fill("#premise_address", "经纬街266号院3号楼102室")
    alice.click("#fields button[type=submit]")
    expect(alice.locator(".flash").first).to_contain_text("已保存")
    upload(alice, "premise_use_document", "新租赁合同.pdf", real_pdf)
    fire(alice, "resubmit")
    state_is(alice, "submitted")
    expect(alice.locator("#f-premise_address")).to_contain_text("经纬街266号院3号楼102室")

    clerk.reload()
    state_is(clerk, "submitted")
    fire(clerk, "register")
    state_is(clerk, "registered")
    with app.app_context():
        events = (
            db.session.execute(
                db.select(AuditEntry.event).where(AuditEntry.application_id == app_id).order_by(AuditEntry.seq)
            )
            .scalars()
            .all()
        )
    assert events[-4:] == ["submit", "request_correction", "resubmit", "register"], events
