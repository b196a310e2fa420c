"""The applicant's pages: autosaved drafts, drag-and-drop upload with progress, the evaluation, the
verification page from a document's QR link, the home page at phone width, keyboard-only login."""

from __future__ import annotations

import base64
import re
import subprocess

import pytest
from playwright.sync_api import expect

from models import Application, db
from tests.browser.conftest import ARTIFACTS, shot

pytestmark = pytest.mark.browser

DROP = """async ([b64, name, type]) => {
  const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
  const data = new DataTransfer();
  data.items.add(new File([bytes], name, {type}));
  const zone = document.querySelector("#drop-zone");
  for (const kind of ["dragenter", "dragover", "drop"]) {
    zone.dispatchEvent(new DragEvent(kind, {dataTransfer: data, bubbles: true, cancelable: true}));
  }
}"""


def stored_fields(app, app_id) -> dict:
    with app.app_context():
        db.session.expire_all()
        return dict(db.session.get(Application, app_id).fields)


def test_autosave_of_the_draft(people, server, api, app):
    """Typing saves ~1 s later with "已自动保存 HH:MM"; a malformed value gets its message beside the
    field while the other edits are saved; leaving the page saves what was just typed; reload shows it."""
    draft = api.draft("alice")
    alice = people.login("alice")
    alice.goto(f"{server}/my/applications/{draft['id']}")
    status = alice.locator("#autosave-status")
    expect(status).to_contain_text("自动保存")

    alice.locator("#premise_address").fill("经纬街266号院3号楼102室")
    expect(status).to_have_attribute("data-state", "pending")
    expect(status).to_have_text(re.compile(r"已自动保存 \d\d:\d\d"))
    assert stored_fields(app, draft["id"])["premise_address"] == "经纬街266号院3号楼102室"
    shot(alice, "autosave-01-saved")

    alice.locator("#business_scope").fill("家政服务、养老服务")
    alice.locator("#credit_code").fill("91330100716105852X")  # wrong check character
    expect(status).to_have_attribute("data-state", "invalid")
    expect(alice.locator("#f-credit_code .error-text")).to_contain_text("校验")
    expect(alice.locator("#f-credit_code")).to_have_class(re.compile("has-error"))
    expect(alice.locator("#credit_code")).to_have_value("91330100716105852X")  # nothing typed is lost
    fields = stored_fields(app, draft["id"])
    assert fields["business_scope"] == "家政服务、养老服务" and fields["credit_code"] == "91330100716105852F"
    shot(alice, "autosave-02-invalid")
    alice.locator("#credit_code").fill("91330100716105852F")
    expect(status).to_have_attribute("data-state", "saved")
    expect(alice.locator("#f-credit_code .error-text")).to_have_count(0)

    alice.locator("#premise_street").fill("群力街道")  # and leave at once (no 1 s wait)
    alice.goto(f"{server}/my/")
    for _ in range(50):  # the keepalive request lands
        if stored_fields(app, draft["id"]).get("premise_street") in ("230102019", "群力街道"):
            break
        alice.wait_for_timeout(100)
    alice.goto(f"{server}/my/applications/{draft['id']}")
    expect(alice.locator("#premise_street")).to_have_value("群力街道")
    expect(alice.locator("#premise_address")).to_have_value("经纬街266号院3号楼102室")
    expect(alice.locator("#business_scope")).to_have_value("家政服务、养老服务")


def test_drag_and_drop_upload_with_progress(people, server, api, app, real_pdf):
    """A PDF dropped on the zone is sent with a progress bar and the list refreshes in place (and the
    submit button comes alive); a file of the wrong type is refused beside the zone; the zone also
    opens the file chooser from the keyboard."""
    draft = api.draft("alice")
    alice = people.login("alice")
    choosers = []
    alice.on(
        "filechooser", lambda chooser: choosers.append(chooser)
    )  # listening from the start: no race with the key press
    alice.goto(f"{server}/my/applications/{draft['id']}#attachments")
    zone = alice.locator("#drop-zone")
    expect(zone).to_be_visible()
    submit = alice.locator("form[data-event=submit] button[type=submit]")
    expect(submit).to_be_disabled()

    alice.select_option("#upload-kind", "premise_use_document")
    alice.evaluate(DROP, [base64.b64encode(real_pdf).decode(), "房屋租赁合同.pdf", "application/pdf"])
    expect(zone.locator(".upload-status")).to_contain_text("已上传")
    expect(zone.locator("progress")).to_have_js_property("value", 100)
    expect(alice.locator("#a-premise_use_document ul.files")).to_contain_text("房屋租赁合同.pdf")
    expect(submit).to_be_enabled()  # the standing part refreshed
    shot(alice, "upload-01-dropped")

    alice.evaluate(DROP, [base64.b64encode(b"just some text").decode(), "说明.pdf", "application/pdf"])
    expect(alice.locator("form.general-upload .upload-error")).to_contain_text("只接受PDF、PNG、JPEG文件")
    expect(alice.locator("#a-premise_use_document ul.files li")).to_have_count(1)
    shot(alice, "upload-02-refused")

    # too big: refused in the browser before sending (the limit the page was given), and by the server
    # when the browser's limit is out of date (the server's message shown beside the zone just the same)
    app.config["UPLOAD_MAX_BYTES"] = 1024
    alice.reload()
    alice.evaluate(DROP, [base64.b64encode(real_pdf).decode(), "大文件.pdf", "application/pdf"])
    expect(alice.locator("form.general-upload .upload-error")).to_contain_text("超过 1 KiB 上限")
    alice.evaluate("document.querySelector('form.general-upload').dataset.maxBytes = '99999999'")
    alice.evaluate(DROP, [base64.b64encode(real_pdf).decode(), "大文件.pdf", "application/pdf"])
    expect(alice.locator("form.general-upload .upload-error")).to_contain_text("文件超过")
    expect(alice.locator("#a-premise_use_document ul.files li")).to_have_count(1)
    shot(alice, "upload-03-too-big")
    app.config["UPLOAD_MAX_BYTES"] = 10 * 1024 * 1024
    alice.reload()

    zone = alice.locator("#drop-zone")
    zone.focus()
    alice.keyboard.press("Enter")
    alice.wait_for_timeout(100)
    for _ in range(50):
        if choosers:
            break
        alice.wait_for_timeout(100)
    assert choosers, "Enter on the drop zone opens the file chooser"
    choosers[0].set_files(files=[{"name": "营业执照.pdf", "mimeType": "application/pdf", "buffer": real_pdf}])
    expect(alice.locator("#a-premise_use_document ul.files")).to_contain_text("营业执照.pdf")
    expect(alice.locator("form.general-upload .upload-error")).to_be_hidden()

    # without JavaScript the zone stays hidden and the plain form posts as before
    plain = people.page(java_script_enabled=False)
    plain.goto(f"{server}/login")
    plain.fill("#username", "alice")
    plain.fill("#password", "correct-horse-9")
    plain.click("form button[type=submit].primary")
    plain.goto(f"{server}/my/applications/{draft['id']}")
    expect(plain.locator("#drop-zone")).to_be_hidden()
    plain.set_input_files(
        "#upload-file", files=[{"name": "无脚本.pdf", "mimeType": "application/pdf", "buffer": real_pdf}]
    )
    plain.click("form.general-upload button[type=submit]")
    expect(plain.locator(".flash").first).to_contain_text("已上传")
    expect(plain.locator("#a-premise_use_document ul.files")).to_contain_text("无脚本.pdf")


def test_evaluation_once_after_the_decision(people, server, api):
    """After registration the applicant rates the service once; the form is then replaced by the score."""
    done = api.submitted("alice")
    alice = people.login("alice")
    alice.goto(f"{server}/my/applications/{done['id']}")
    expect(alice.locator("form.evaluation-form")).to_have_count(0)  # not before a decision
    assert api.fire(done["id"], "register", "clerk_daoli").status_code == 200
    alice.reload()
    form = alice.locator("form.evaluation-form")
    expect(form).to_be_visible()
    alice.check("#score-5")
    alice.fill("#evaluation-comment", "当场登记，非常方便")
    shot(alice, "evaluation-01-form")
    form.locator("button[type=submit]").click()
    expect(alice.locator(".flash").first).to_contain_text("感谢您的评价")
    expect(alice.locator("#evaluation [data-score]")).to_have_attribute("data-score", "5")
    expect(alice.locator("#evaluation")).to_contain_text("当场登记，非常方便")
    expect(alice.locator("form.evaluation-form")).to_have_count(0)
    alice.reload()
    expect(alice.locator("form.evaluation-form")).to_have_count(0)  # once only
    alice.locator("#evaluation").scroll_into_view_if_needed()
    shot(alice, "evaluation-02-rated")


def test_verification_page_from_the_qr_link(people, server, api):
    """The registration notice's QR link, read from the PDF's own text, opens the public verification
    page (no login) and says 有效 / valid."""
    done = api.submitted("alice")
    assert api.fire(done["id"], "register", "clerk_daoli").status_code == 200
    alice = people.login("alice", accept_downloads=True)
    alice.goto(f"{server}/my/applications/{done['id']}")
    with alice.expect_download() as info:
        alice.click("li.doc[data-kind=registration_notice] a[download]")
    target = ARTIFACTS / "verify-registration_notice.pdf"
    info.value.save_as(target)
    text = subprocess.run(["pdftotext", "-layout", str(target), "-"], capture_output=True, text=True, check=True).stdout
    found = re.search(re.escape(server) + r"/verify/[A-Za-z0-9_\-]+", re.sub(r"\s+", "", text))
    assert found, text
    assert found.group(0) == alice.get_attribute("li.doc[data-kind=registration_notice] a[target]", "href")

    anyone = people.page(viewport={"width": 390, "height": 844})
    anyone.goto(found.group(0))
    expect(anyone.locator("p.status")).to_have_attribute("data-status", "valid")
    expect(anyone.locator("p.status")).to_contain_text("有效")
    expect(anyone.locator("h1")).to_contain_text("经营场所登记通知书")
    expect(anyone.locator("table.facts")).to_contain_text(done["number"] and "哈尔滨市便民家政服务有限公司")
    # the signature of the stored file, checked: by whom, and that nothing changed since
    expect(anyone.locator("section.signature-check")).to_have_attribute("data-valid", "true")
    expect(anyone.locator("section.signature-check")).to_contain_text("哈尔滨市道里区市场监督管理局")
    expect(anyone.locator("section.ca-help a[download]")).to_have_attribute("href", "/verify/ca.crt")
    shot(anyone, "verify-01-valid")


def test_applicant_home_at_phone_width(people, server, api):
    """390 px wide: nothing runs off the side, the header, the new-application buttons and the list fit."""
    api.submitted("alice")
    api.draft("alice", premise_address="经纬街266号院3号楼102室")
    alice = people.login("alice", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    alice.goto(f"{server}/my/")
    expect(alice.locator("table.applications tbody tr")).to_have_count(2)
    assert alice.evaluate("document.documentElement.scrollWidth") <= 390
    for button in alice.locator(".new-buttons a.button").all():
        box = button.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
        assert box["height"] >= 32  # big enough to tap
    expect(alice.locator("header.site nav")).to_be_visible()
    for badge in alice.locator("table.applications .badge.state").all():  # no sideways scrolling to see it
        box = badge.bounding_box()
        assert box and box["x"] + box["width"] <= 390, box
    shot(alice, "mobile-01-home")
    alice.click("table.applications tbody tr:first-child a.button")
    # the click starts a navigation: measure the application page once it has loaded, not the page in between
    alice.wait_for_url(re.compile(r"/my/applications/\d+$"))
    alice.wait_for_load_state("load")
    assert alice.evaluate("document.documentElement.scrollWidth") <= 390
    shot(alice, "mobile-02-application")


def test_login_with_the_keyboard_only(people, server):
    """Tab reaches the user name, then the password, then 登录, each with a visible focus ring; Enter
    logs in."""
    page = people.page()
    page.goto(f"{server}/login")
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "username":
            break
    else:
        pytest.fail("Tab never reached the user name")
    page.keyboard.type("alice")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "password"
    page.keyboard.type("correct-horse-9")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", ""), outline  # the focus ring shows
    shot(page, "keyboard-01-login-focus")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")  # Enter in the password box submits
    page.wait_for_url(re.compile(r".*/my/$"))
    expect(page.locator("header.site .who")).to_contain_text("alice")
