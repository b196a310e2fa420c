"""Issue 17 as a newcomer meets it in Chromium: the progress lookup from the home page, verification by number, a
superseded receipt pointing at the current one, the materials of a fire filing with one upload per material, and
the public draw at phone width — in Chinese, in English and at 390 px, each step screenshot and audited (axe)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from models import db
from tests.browser.conftest import shot
from tests.conftest import PDF_BYTES
from workflows import accounts

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
CODE = "91330100716105852F"
FIRE = {
    "facility_name": "兆麟社区老年食堂",
    "credit_code": "91230102MA1D0XG5LR",
    "site_address": "兆麟街12号",
    "site_division": "230102",
    "facility_type": "community_catering",
    "special_construction": False,
    "crowded_place": False,
    "floor_area_m2": 120,
    "total_investment_yuan": 150000,
    "completion_date": "2026-11-02",
    "builder_name": "哈尔滨市兆麟建设有限公司",
}


def english(page, server):
    page.context.add_cookies([{"name": "bianmin_lang", "value": "en", "url": server}])


def no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} is {width} px wide"


@pytest.mark.parametrize("lang, viewport", [("zh", None), ("en", None), ("zh", PHONE)], ids=["zh", "en", "zh-phone"])
def test_progress_lookup_from_the_home_page(people, server, api, lang, viewport):
    submitted = api.submitted()
    page = people.page(viewport)
    if lang == "en":
        english(page, server)
    page.goto(f"{server}/")
    page.click("main a[href='/progress']")
    expect(page.locator("main h1")).to_contain_text("办件进度查询" if lang == "zh" else "Progress lookup")
    page.fill("#number", submitted["number"])
    page.fill("#credit_code", "914403001922038216")  # someone else's code
    page.click("form.lookup button[type=submit]")
    expect(page.locator("main .status-unknown")).to_be_visible()
    shot(page, f"progress-01-wrong-pair-{lang}{'-phone' if viewport else ''}")
    page.fill("#credit_code", CODE.lower())
    page.click("form.lookup button[type=submit]")
    result = page.locator(".progress-result")
    expect(result).to_have_attribute("data-state", "submitted")
    expect(result.locator("td.next")).to_contain_text("准予登记" if lang == "zh" else "register")
    expect(result.locator("td.deadline")).to_contain_text("2026年11月30日" if lang == "zh" else "30 Nov 2026")
    if viewport:
        no_sideways_scroll(page)
    shot(page, f"progress-02-found-{lang}{'-phone' if viewport else ''}")
    expect(page.locator("header.site a[href='/progress']")).to_be_visible()


def test_a_provisional_deadline_says_it_may_move(people, server, api, app):
    from datetime import date

    app.config["TODAY"] = date(2026, 12, 29)
    submitted = api.submitted()
    page = people.page()
    page.goto(f"{server}/progress?number={submitted['number']}&credit_code={CODE}")
    expect(page.locator(".progress-result td.deadline")).to_contain_text("节假日安排公布后可能调整")
    shot(page, "progress-03-provisional")


def test_verify_by_number_and_a_superseded_receipt_names_the_current_one(people, server, api, app):
    with app.app_context():
        accounts.create_user("housing_clerk", "correct-horse-9", "clerk", "230102:housing", display_name="赵文")
        db.session.commit()
    app_id = api.post("/api/v1/applications", "alice", json={"procedure": "fire_filing", "fields": FIRE}).get_json()[
        "id"
    ]
    for kind in ("filing_form", "commitment_letter"):
        api.upload(app_id, kind=kind, data=PDF_BYTES)
    old = api.fire(app_id, "submit", "alice").get_json()["documents"][0]
    api.fire(
        app_id, "request_correction", "housing_clerk", {"items": [{"field": "floor_area_m2", "reason": "面积有误"}]}
    )
    api.patch(f"/api/v1/applications/{app_id}", "alice", json={"fields": {"floor_area_m2": 126}})
    api.fire(app_id, "resubmit", "alice")
    new = [
        d for d in api.fire(app_id, "file", "housing_clerk").get_json()["documents"] if d["kind"] == "filing_receipt"
    ][-1]

    page = people.page()
    page.goto(f"{server}/verify")
    page.fill("#doc-number", old["number"])
    page.fill("#doc-credit-code", FIRE["credit_code"])
    page.click("form.by-number button[type=submit]")
    expect(page.locator("p.status")).to_have_attribute("data-status", "superseded")
    expect(page.locator(".superseded-by a")).to_have_text(new["number"])
    shot(page, "verify-01-superseded")
    page.click(".superseded-by a")
    expect(page.locator("p.status")).to_have_attribute("data-status", "valid")
    expect(page.locator("table.facts")).to_contain_text("126平方米")
    shot(page, "verify-02-current")


def test_fire_materials_one_upload_each_several_pages(people, server, api):
    app = api.post("/api/v1/applications", "alice", json={"procedure": "fire_filing", "fields": FIRE}).get_json()
    page = people.login("alice")
    page.goto(f"{server}/my/applications/{app['id']}")
    expect(page.locator("#a-commitment_letter")).to_have_attribute("data-status", "required")
    expect(page.locator("#a-completion_report")).to_have_attribute("data-status", "not_needed")
    shot(page, "materials-01-fire-draft")
    page.set_input_files(
        "#file-filing_form",
        files=[
            {"name": "备案表第1页.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES},
            {"name": "备案表第2页.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES},
        ],
    )
    page.click("#a-filing_form form.material-upload button[type=submit]")
    expect(page.locator("#a-filing_form ul.files")).to_contain_text("备案表第2页.pdf")
    page.set_input_files(
        "#file-commitment_letter", files=[{"name": "承诺书.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    page.click("#a-commitment_letter form.material-upload button[type=submit]")
    expect(page.locator("#a-commitment_letter ul.files")).to_contain_text("承诺书.pdf")
    expect(page.locator("form[data-event=submit] button[type=submit]")).to_be_enabled()
    shot(page, "materials-02-fire-uploaded")
    phone = people.login("alice", PHONE)
    phone.goto(f"{server}/my/applications/{app['id']}")
    no_sideways_scroll(phone)
    shot(phone, "materials-03-fire-phone")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_public_draw_at_phone_width(people, server, api, app, lang):
    with app.app_context():
        accounts.create_user("housing_clerk", "correct-horse-9", "clerk", "230102:housing", display_name="赵文")
        accounts.create_user("inspector_ma", "correct-horse-9", "inspector", "230102:housing", display_name="马骏")
        db.session.commit()
    for completion in ("2026-11-02", "2026-11-24"):
        app_id = api.post(
            "/api/v1/applications",
            "alice",
            json={"procedure": "fire_filing", "fields": {**FIRE, "completion_date": completion}},
        ).get_json()["id"]
        for kind in ("filing_form", "commitment_letter"):
            api.upload(app_id, kind=kind, data=PDF_BYTES)
        api.fire(app_id, "submit", "alice")
    draw = api.post("/api/v1/draws", "housing_clerk", json={"ratios": {"simplified": 0}}).get_json()

    page = people.page(PHONE)
    if lang == "en":
        english(page, server)
    page.goto(f"{server}/")
    page.click("main a[href='/draws']")
    page.click(f"a[href='/draws/{draw['id']}']")
    body = page.locator("main").inner_text()
    assert "inspector_ma" not in body and "inspector_daoli" not in body
    if lang == "en":
        expect(page.locator("table.draw-results")).to_contain_text("not selected")
    no_sideways_scroll(page)
    shot(page, f"draw-01-phone-{lang}")
    page.click("#reproduce button[type=submit]")
    answer = page.locator("#reproduce [data-reproduced]")
    expect(answer).to_have_attribute("data-reproduced", "true")
    expect(answer).to_contain_text("一致" if lang == "zh" else "matches the published draw")
    no_sideways_scroll(page)
    shot(page, f"draw-02-reproduced-{lang}")
