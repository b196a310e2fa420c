"""What people do on the pages, as small steps the browser tests share."""

from __future__ import annotations

import re

from playwright.sync_api import expect

LAND_FIELDS = {
    "operator_name": "哈尔滨市阳光颐养养老服务有限公司",
    "credit_code": "91230102MA1D0XG5LR",
    "land_holder_name": "哈尔滨市道里区城市建设投资有限公司",
    "property_certificate_no": "黑（2021）哈尔滨市不动产权第0012345号",
    "building_address": "经纬街274号院3号楼",
    "building_division": "230102",
    "floor_area_m2": "860",
    "current_land_use": "工业用地",
    "service_type": "elderly_care",
    "price_commitment": "床位费不高于同区域公办养老机构收费标准",
}
LAND_KINDS = ("property_certificate", "holder_consent", "project_plan", "safety_assessment")
# over 300 m² and over ¥300,000: the standard route, filed by the housing clerk; completed on 2 November,
# so filed late (more than 5 working days before 25 November) and always drawn for inspection
FIRE_FIELDS = {
    "facility_name": "经纬街274号院社区养老服务站",
    "credit_code": "91230102MA1D0XG5LR",
    "site_address": "经纬街274号院1号楼1层",
    "site_division": "230102",
    "facility_type": "elderly_care",
    "special_construction": "no",
    "crowded_place": "no",
    "floor_area_m2": "450",
    "total_investment_yuan": "800000",
    "completion_date": "2026-11-02",
}
FIRE_KINDS = ("filing_form", "commitment_letter", "completion_report", "as_built_drawings")
PREMISE_FIELDS = {
    "enterprise_name": "哈尔滨市便民家政服务有限公司",
    "credit_code": "91330100716105852F",
    "domicile_address": "哈尔滨市道里区经纬街266号院1号楼101室",
    "domicile_division": "230102",
    "service_category": "housekeeping",
    "premise_address": "索菲亚小区3号楼1单元102室",
    "premise_division": "230102",
    "premise_street": "兆麟街道",
    "business_scope": "家政服务",
    "needs_prior_licence": "no",
}


def fill_fields(page, values: dict) -> None:
    """Type into text boxes, choose in selects: the application form, field by field."""
    for name, value in values.items():
        box = page.locator(f"#{name}")
        if box.evaluate("e => e.tagName") == "SELECT":
            box.select_option(value)
        else:
            box.fill(value)


def new_application(page, server, procedure: str, values: dict) -> str:
    """From "我的申请": the new-application button, the form, 保存草稿; returns the draft's URL."""
    page.goto(f"{server}/my/")
    page.click(f"a.button[href$='/my/new/{procedure}']")
    fill_fields(page, values)
    page.click("button[name=action][value=save]")
    page.wait_for_url(re.compile(r".*/my/applications/\d+$"))
    expect(page.locator(".flash").first).to_contain_text("草稿已保存")
    return page.url


def upload(page, kind: str, filename: str, data: bytes) -> None:
    """The upload form: choose the kind and the file, press 上传 (sent with a progress bar, list refreshed)."""
    page.select_option("#upload-kind", kind)
    page.set_input_files("#upload-file", files=[{"name": filename, "mimeType": "application/pdf", "buffer": data}])
    page.click("form.general-upload button[type=submit]")
    expect(page.locator(f"#a-{kind} ul.files")).to_contain_text(filename)


def fire(page, event: str, fill=None, opinion: str | None = None) -> None:
    """Press an event's button; an event with inputs is opened (its <details>) and filled first. A decision
    opens its confirmation dialog, where the opinion (审批意见) is written — always where one is required; a
    submission's declaration (承诺) is ticked."""
    # an upload refreshes the panel (static/app.js) and enables what it allows: act on the refreshed one
    expect(page.locator(f"form[data-event={event}] button[type=submit]")).to_be_enabled()
    enhanced(page)
    details = page.locator(f"#do-{event}")
    dialog_open = page.locator(f"dialog[aria-labelledby=do-{event}-title][open]").count()
    if details.count() and not dialog_open:
        if not details.evaluate("d => d.open"):
            details.locator("summary").click()
        if fill:
            fill(page)
    form = page.locator(f"form[data-event={event}]")
    comment = form.locator("textarea[name=comment]")
    if comment.count():
        expect(page.locator("dialog.decision-dialog[open]")).to_be_visible()
        if opinion or comment.get_attribute("required") is not None:
            comment.fill(opinion or "同意。")
    declare = form.locator("input[name=declare]")
    if declare.count():
        declare.check()
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    try:
        expect(page.locator(".flash").first).to_contain_text(re.compile("已办理|Done"))
    except AssertionError:
        from tests.browser.conftest import shot

        shot(page, f"FAILED-{event}")
        raise


def enhanced(page) -> None:
    """Wait until static/app.js has bound the page's dialogs and forms (a click before that opens a <details>
    without its confirmation dialog)."""
    expect(page.locator("html[data-enhanced]")).to_have_count(1)


def open_from_inbox(page, server, number: str, tab: str | None = None) -> None:
    page.goto(f"{server}/console/" + (f"?tab={tab}" if tab else ""))
    page.click(f"table.inbox a:text-is('{number}')")
    page.wait_for_url(re.compile(r".*/console/applications/\d+$"))
    enhanced(page)


def number_of(page) -> str:
    return page.locator(".page-head h1 small").inner_text().strip()


def state_is(page, state: str) -> None:
    """The state badge in the page head (class state-<identifier>, whatever the language)."""
    expect(page.locator(f".page-head .badge.state-{state}")).to_be_visible()
