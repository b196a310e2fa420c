"""childcare_filing walked end to end through the pages only: the applicant fills the form (care types as
checkboxes, the classes as a repeatable group with a row added), sees a class over its limit named on the draft,
corrects it, uploads the materials and submits; the health bureau's clerk files it from the inbox; the inspector
records the verification; the applicant downloads the receipt."""

from __future__ import annotations

import subprocess

import pytest
from playwright.sync_api import expect

from models import db
from tests.browser.conftest import ARTIFACTS, shot
from tests.browser.steps import fill_fields, fire, number_of, open_from_inbox, state_is, upload
from tests.conftest import PASSWORD
from workflows import accounts

pytestmark = pytest.mark.browser

FIELDS = {
    "institution_name": "哈尔滨市道里区小星星托育服务有限公司",
    "credit_code": "91230102MA1E7TY0X3",
    "registration_kind": "enterprise",
    "registered_scope": "托育服务；婴幼儿早期发展咨询",
    "address": "群力第五大道1688号2号楼1层",
    "division": "230102",
    "street": "群力街道",
    "places": "40",
    "floor_area_m2": "420",
    "legal_representative": "王丽华",
    "contact_phone": "0451-84610000",
}
CLASSES = [("infant", "8", "3"), ("toddler", "16", "4"), ("older", "14", "2")]  # the toddler class: one too many
KINDS = (
    "commitment_letter",
    "registration_certificate",
    "premises_proof",
    "staff_certificates",
    "health_evaluation",
    "fire_safety_proof",
)


@pytest.fixture
def health(app, server):
    with app.app_context():
        for name, role in (("health_clerk_daoli", "clerk"), ("health_inspector_daoli", "inspector")):
            accounts.create_user(name, PASSWORD, role, "230102:health", display_name=name)
        db.session.commit()


def fill_classes(page, rows) -> None:
    for i, (age, children, caregivers) in enumerate(rows):
        if not page.locator(f"#classes-{i}-age_group").count():
            page.click("#f-classes button.group-add")  # a row more than the page offered
        page.select_option(f"#classes-{i}-age_group", age)
        page.fill(f"#classes-{i}-children", children)
        page.fill(f"#classes-{i}-caregivers", caregivers)


def test_childcare_filing_fill_file_verify_download(people, server, real_pdf, health):
    alice = people.login("alice", accept_downloads=True)
    alice.goto(f"{server}/my/")
    alice.click("a.button[href$='/my/new/childcare_filing']")
    fill_fields(alice, FIELDS)
    alice.check("#care_types-0")  # 全日托
    alice.check("#care_types-2")  # 计时托
    fill_classes(alice, CLASSES)
    shot(alice, "childcare-01-form")
    alice.click("button[name=action][value=save]")
    alice.wait_for_url("**/my/applications/*")
    expect(alice.locator(".flash").first).to_contain_text("草稿已保存")
    url = alice.url
    # the pre-check on the draft names the class over its limit
    expect(alice.locator("main")).to_contain_text("第2个班级（托小班）婴幼儿16人，超过15人的上限")
    shot(alice, "childcare-02-draft-over-the-limit")

    alice.fill("#classes-1-children", "15")  # the draft's own form, on its page
    with alice.expect_navigation():
        alice.click("form.application-form button[type=submit]")
    expect(alice.locator("main")).not_to_contain_text("超过15人的上限")
    for kind in KINDS:
        upload(alice, kind, f"{kind}.pdf", real_pdf)
    shot(alice, "childcare-03-materials")
    fire(alice, "submit")
    state_is(alice, "submitted")
    expect(alice.locator(".next-step")).to_contain_text("2026年12月2日")  # 5 working days to file
    number = number_of(alice)

    clerk = people.login("health_clerk_daoli")
    expect(clerk.locator("table.inbox")).to_contain_text(number)
    shot(clerk, "childcare-04-inbox")
    open_from_inbox(clerk, server, number)
    fire(clerk, "file")
    state_is(clerk, "filed")
    expect(clerk.locator("li.doc[data-kind=childcare_receipt]")).to_be_visible()
    shot(clerk, "childcare-05-filed")

    inspector = people.login("health_inspector_daoli")
    open_from_inbox(inspector, server, number, tab="all")  # nobody assigns a verification: the authority's list

    def verification(p):
        p.check("#record_verification-compliant-yes")
        p.fill("#record_verification-findings", "班级设置、保育人员配备与备案一致")

    fire(inspector, "record_verification", verification)
    state_is(inspector, "verified")
    shot(inspector, "childcare-06-verified")

    alice.goto(url)
    state_is(alice, "verified")
    with alice.expect_download() as info:
        alice.click("li.doc[data-kind=childcare_receipt] a[download]")
    target = ARTIFACTS / "childcare_receipt.pdf"
    info.value.save_as(target)
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, check=True, text=True).stdout
    assert "托育机构备案回执" in text and "全日托、计时托" in text.replace(" ", "")
    assert "托小班（婴幼儿15人，保育人员4人）" in "".join(text.split())
    shot(alice, "childcare-07-applicant")
