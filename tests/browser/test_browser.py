"""The demo path in a real browser against a real server (CSRF on): register, draft, upload,
submit; a clerk asks for two corrections, the applicant fixes them and resubmits; the clerk
registers it; the applicant downloads the notice and verifies it."""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

from tests.conftest import PASSWORD, PDF_BYTES

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is not installed")


@pytest.fixture
def server(app, users):
    """The test app served over HTTP in a thread, CSRF protection on, documents pointing at it."""
    app.config["WTF_CSRF_ENABLED"] = True
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{httpd.server_port}"
    app.config["BASE_URL"] = base
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield base
    httpd.shutdown()
    thread.join(5)


@pytest.fixture
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def fill_draft(page) -> None:
    page.fill("#enterprise_name", "哈尔滨市便民家政服务有限公司")
    page.fill("#credit_code", "91330100716105852F")
    page.fill("#domicile_address", "哈尔滨市道里区经纬街266号院1号楼101室")
    page.select_option("#domicile_division", "230102")
    page.select_option("#service_category", "housekeeping")
    page.fill("#premise_address", "索菲亚小区3号楼1单元102室")
    page.select_option("#premise_division", "230102")
    page.fill("#premise_street", "兆麟街道")
    page.fill("#business_scope", "家政服务")
    page.select_option("#needs_prior_licence", "no")


def test_register_file_decide_download_verify(server, browser):
    applicant = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = applicant.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(f"{server}/register")
    page.fill("#username", "carol")
    page.fill("#display_name", "哈尔滨市便民家政服务有限公司")
    page.fill("#password", "carol-password-1")
    page.fill("#confirm", "carol-password-1")
    page.click("button[type=submit].primary")
    page.wait_for_url("**/my/")
    page.click("a.button.primary:has-text('新建申请')")

    fill_draft(page)
    page.click("button[value=check]")
    expect(page.locator(".precheck .eligibility")).to_contain_text("符合条件")
    shot(page, "01-new-draft")
    page.click("button[value=save]")
    expect(page.locator(".flash").first).to_contain_text("草稿已保存")
    assert page.locator("button:has-text('提交申请')").is_disabled()   # no premise use document yet

    page.select_option("#upload-kind", "premise_use_document")
    page.set_input_files("#upload-file", files=[{"name": "房屋租赁合同.pdf", "mimeType": "application/pdf",
                                                  "buffer": PDF_BYTES}])
    page.click("form.upload button[type=submit]")
    expect(page.locator(".flash").first).to_contain_text("已上传")
    page.click("button:has-text('提交申请')")
    expect(page.locator(".flash").first).to_contain_text("已办理：提交申请")
    expect(page.locator(".next-step")).to_contain_text("2026年11月30日")
    shot(page, "02-submitted")
    app_url = page.url

    clerk = browser.new_context(viewport={"width": 1280, "height": 900})
    cpage = clerk.new_page()
    cpage.goto(f"{server}/login")
    cpage.fill("#username", "clerk_daoli")
    cpage.fill("#password", PASSWORD)
    cpage.click("button[type=submit].primary")
    cpage.wait_for_url("**/console/")
    shot(cpage, "03-console-inbox")
    cpage.click("table.inbox a")
    cpage.wait_for_url("**/console/applications/*")
    shot(cpage, "04-console-application")

    cpage.click("#do-request_correction summary")
    cpage.fill("input.item-reason[data-item=item-premise_address]", "门牌号与不动产权证书记载不一致")
    cpage.fill("input.item-reason[data-item=item-premise_use_document]", "租赁合同已过期，请提交有效合同")
    assert cpage.is_checked("#item-premise_address")                 # app.js ticks the row as you type
    shot(cpage, "05-console-correction-form")
    cpage.click("form[data-event=request_correction] button[type=submit]")
    expect(cpage.locator(".flash").first.first).to_contain_text("已办理：一次性告知补正")

    page.goto(app_url)
    assert "门牌号与不动产权证书记载不一致" in page.inner_text("#f-premise_address")
    assert "租赁合同已过期" in page.inner_text("#a-premise_use_document")
    shot(page, "06-applicant-correction")
    page.fill("#premise_address", "经纬街266号院3号楼102室")
    page.click("#fields button[type=submit]")
    expect(page.locator(".flash").first).to_contain_text("已保存")
    page.set_input_files("#upload-file", files=[{"name": "新租赁合同.pdf", "mimeType": "application/pdf",
                                                  "buffer": PDF_BYTES}])
    page.click("form.upload button[type=submit]")
    expect(page.locator(".flash").first).to_contain_text("已上传")
    page.click("button:has-text('补正后重新提交')")
    expect(page.locator(".flash").first).to_contain_text("已办理：补正后重新提交")

    cpage.reload()
    cpage.click("form[data-event=register] button[type=submit]")
    expect(cpage.locator(".flash").first.first).to_contain_text("已办理：准予登记")
    shot(cpage, "07-console-registered")
    clerk.close()

    page.goto(app_url)
    assert "已登记" in page.inner_text(".page-head")
    shot(page, "08-registered")
    with page.expect_download() as info:
        page.click("li.doc[data-kind=registration_notice] a:has-text('下载')")
    target = ARTIFACTS / "registration_notice.pdf"
    info.value.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")
    assert info.value.suggested_filename.endswith(".pdf")

    verify_url = page.get_attribute("li.doc[data-kind=registration_notice] a:has-text('核验')", "href")
    assert verify_url.startswith(server)
    page.goto(verify_url)
    expect(page.locator("p.status")).to_contain_text("有效")
    assert "经营场所登记通知书" in page.inner_text("h1")
    shot(page, "09-verify")

    page.goto(f"{server}/my/")
    assert "经营场所已登记" in page.inner_text(".notifications")      # unread notifications
    shot(page, "11-home")

    mobile = browser.new_context(viewport={"width": 390, "height": 844}, storage_state=applicant.storage_state())
    mpage = mobile.new_page()
    mpage.goto(app_url)
    shot(mpage, "10-mobile-application")
    mobile.close()
    applicant.close()
    assert not errors, errors
