"""Issue 17 items 2, 6, 7 and 10 as people meet them in Chromium — the one-time notice enforced, the declaration and
the decision dialog, the result first, and the words — in Chinese, in English and at 390 px, each step screenshot
and audited (axe)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from models import AuditEntry, db
from tests.browser.conftest import shot
from tests.browser.steps import LAND_FIELDS, LAND_KINDS, enhanced, fire, open_from_inbox, state_is
from tests.conftest import PDF_BYTES
from workflows.registry import PROCEDURES

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
VIEWS = [("zh", None), ("en", None), ("zh", PHONE)]
IDS = ["zh", "en", "zh-phone"]
ITEMS = {
    "items": [
        {"field": "premise_use_document", "reason": "租赁合同缺少出租方签章页"},
        {"field": "business_scope", "reason": "请具体写明经营范围"},
        {"field": "contact_phone", "reason": "请核对联系电话"},
    ]
}
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
    "completion_date": "2026-11-20",
    "builder_name": "哈尔滨市兆麟建设有限公司",
}


def english(page, server):
    page.context.add_cookies([{"name": "bianmin_lang", "value": "en", "url": server}])


def person(people, server, username, lang="zh", viewport=None):
    page = people.page(viewport)
    if lang == "en":
        english(page, server)
    page.goto(f"{server}/login")
    page.fill("#username", username)
    page.fill("#password", "correct-horse-9")
    page.click("form button[type=submit].primary")
    expect(page.locator("header.site .who")).to_be_visible()
    return page


def tag(lang, viewport):
    return f"{lang}{'-phone' if viewport else ''}"


@pytest.mark.parametrize("lang, viewport", VIEWS, ids=IDS)
def test_the_one_time_notice_is_answered_item_by_item(people, server, api, app, lang, viewport):
    """The applicant sees which items are still open, answers each (a change, a new file, an explanation); a
    resubmission leaving one unanswered is refused naming it; the clerk sees old → new per item, and a second
    list naming something new is refused."""
    submitted = api.submitted(contact_phone="0451-84600000", agent_name="王五")
    app_id = submitted["id"]
    assert api.fire(app_id, "request_correction", "clerk_daoli", ITEMS).status_code == 200

    alice = person(people, server, "alice", lang, viewport)
    alice.goto(f"{server}/my/applications/{app_id}")
    status = alice.locator("section.standing ul.correction-status")
    expect(status.locator("li[data-answered=false]")).to_have_count(3)
    shot(alice, f"onetime-01-open-items-{tag(lang, viewport)}")

    alice.fill("#business_scope", "家政服务；保洁服务")
    alice.click("#fields button[type=submit]")
    alice.set_input_files(
        "#upload-file", files=[{"name": "补签合同.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    alice.select_option("#upload-kind", "premise_use_document")
    alice.click("form.general-upload button[type=submit]")
    expect(alice.locator("#a-premise_use_document ul.files")).to_contain_text("补签合同.pdf")
    alice.reload()
    expect(status.locator("li[data-answered=true]")).to_have_count(2)
    expect(status.locator("li[data-item=contact_phone]")).to_have_attribute("data-answered", "false")

    # resubmitting with the phone neither changed nor explained: refused, naming it
    form = alice.locator("form[data-event=resubmit]")
    expect(form.locator("#answer-contact_phone")).to_be_visible()
    form.locator("input[name=declare]").check()
    with alice.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(alice.locator(".flash").first).to_contain_text("联系电话" if lang == "zh" else "contact phone")
    state_is(alice, "correction_required")
    shot(alice, f"onetime-02-refused-{tag(lang, viewport)}")

    alice.fill("#answer-contact_phone", "电话无误，为企业总机")
    shot(alice, f"onetime-03-explained-{tag(lang, viewport)}")
    fire(alice, "resubmit")
    state_is(alice, "submitted")

    clerk = person(people, server, "clerk_daoli", lang, viewport)
    clerk.goto(f"{server}/console/applications/{app_id}")
    answers = clerk.locator("#corrections table.correction-answers")
    expect(answers.locator("tr[data-item=business_scope]")).to_contain_text("家政服务；保洁服务")
    expect(answers.locator("tr[data-item=business_scope] del")).to_contain_text("家政服务")
    expect(answers.locator("tr[data-item=premise_use_document]")).to_contain_text("补签合同.pdf")
    expect(answers.locator("tr[data-item=contact_phone]")).to_have_attribute("data-how", "explanation")
    shot(clerk, f"onetime-04-clerk-sees-answers-{tag(lang, viewport)}")

    # a second list naming something new is refused with the rule
    r = api.fire(app_id, "request_correction", "clerk_daoli", {"items": [{"field": "agent_name", "reason": "请核对"}]})
    assert r.status_code == 422 and r.get_json()["error"]["details"][0]["rule"] == "one_time_notice"


@pytest.mark.parametrize("lang, viewport", VIEWS, ids=IDS)
def test_declaration_decision_dialog_and_the_result_first(people, server, api, app, lang, viewport):
    """Submitting shows the 承诺 to tick (kept in the audit entry); registering asks in a dialog with the opinion;
    the applicant's page then opens with the result and the notice to download, within the first screen on a
    phone; documents current first, the superseded notice folded."""
    draft = api.draft()
    api.upload(draft["id"])
    alice = person(people, server, "alice", lang, viewport)
    alice.goto(f"{server}/my/applications/{draft['id']}")
    declare = alice.locator("form[data-event=submit] .declaration")
    expect(declare).to_contain_text("承诺" if lang == "zh" else "declares")
    shot(alice, f"decide-01-declaration-{tag(lang, viewport)}")
    fire(alice, "submit")
    state_is(alice, "submitted")
    with app.app_context():
        data = db.session.execute(
            db.select(AuditEntry.data).where(AuditEntry.application_id == draft["id"], AuditEntry.event == "submit")
        ).scalar()
    assert "真实" in data["declaration"]

    # a correction round first, so that a superseded notice exists
    api.fire(
        draft["id"],
        "request_correction",
        "clerk_daoli",
        {"items": [{"field": "premise_use_document", "reason": "缺页"}]},
    )
    api.upload(draft["id"])
    assert api.fire(draft["id"], "resubmit", "alice").status_code == 200

    clerk = person(people, server, "clerk_daoli", lang, viewport)
    open_from_inbox(clerk, server, draft["number"])
    clerk.locator("#do-register summary").click()
    dialog = clerk.locator("dialog.decision-dialog[open]")
    expect(dialog).to_be_visible()
    expect(dialog.locator("textarea[name=comment]")).to_be_visible()
    shot(clerk, f"decide-02-dialog-{tag(lang, viewport)}")
    dialog.locator("button.cancel").click()
    expect(dialog).to_have_count(0)
    fire(clerk, "register", opinion="材料齐全，准予登记")
    state_is(clerk, "registered")
    expect(clerk.locator("#timeline")).to_contain_text("材料齐全，准予登记")

    alice.reload()
    result = alice.locator("section.result")
    expect(result).to_contain_text("已登记" if lang == "zh" else "registered")
    download = result.locator("a.button.primary")
    expect(download).to_contain_text(
        "经营场所登记通知书" if lang == "zh" else "Notice of business premise registration"
    )
    box = download.bounding_box()
    height = (viewport or {"height": 900})["height"]
    assert box and box["y"] + box["height"] <= height, f"the certificate is at {box} on a {height} px screen"
    # progress complete, documents current first and the superseded notice folded
    steps = alice.locator("ol.progress li.step")
    expect(steps.last).to_have_class(re.compile("done"))
    assert steps.count() == alice.locator("ol.progress li.step.done").count()
    first_doc = alice.locator("#documents ul.doc-list li.doc").first
    expect(first_doc).to_have_attribute("data-kind", "registration_notice")
    expect(alice.locator("#documents details.docs-superseded")).not_to_have_attribute("open", "")
    expect(alice.locator("#documents details.docs-superseded li.doc[data-kind=correction_notice]")).to_be_hidden()
    shot(alice, f"decide-03-result-first-{tag(lang, viewport)}")


def test_a_closed_fire_filing_shows_a_complete_progress_bar(people, server, api, app):
    with app.app_context():
        from workflows import accounts

        accounts.create_user("housing_clerk", "correct-horse-9", "clerk", "230102:housing", display_name="赵文")
        db.session.commit()
    app_id = api.post("/api/v1/applications", "alice", json={"procedure": "fire_filing", "fields": FIRE}).get_json()[
        "id"
    ]
    for kind in ("filing_form", "commitment_letter"):
        api.upload(app_id, kind=kind, data=PDF_BYTES)
    assert api.fire(app_id, "submit", "alice").get_json()["state"] == "filed"
    r = api.post("/api/v1/draws", "housing_clerk", json={"ratios": {"simplified": 0}})
    assert r.status_code == 201 and app_id in r.get_json()["closed"]
    alice = person(people, server, "alice")
    alice.goto(f"{server}/my/applications/{app_id}")
    steps = alice.locator("ol.progress li.step")
    assert steps.count() == alice.locator("ol.progress li.step.done").count() >= 3
    expect(steps.last).to_have_attribute("data-state", "closed")
    expect(alice.locator("section.result a.button.primary")).to_contain_text("消防验收备案凭证")
    shot(alice, "decide-04-fire-closed")


def test_a_government_approval_takes_an_opinion(people, server, api, app):
    """The land transition at government approval: the next step names the government, and its approval cannot
    go without the opinion (the dialog's textarea is required; the engine says so too)."""
    with app.app_context():
        from workflows import accounts

        for name, role, authority in [
            ("nr", "clerk", "230102:natural_resources"),
            ("civil", "reviewer", "230102:civil_affairs"),
            ("housing_r", "reviewer", "230102:housing"),
            ("gov", "approver", "230102:government"),
        ]:
            accounts.create_user(name, "correct-horse-9", role, authority, display_name=name)
        db.session.commit()
    fields = {**LAND_FIELDS, "floor_area_m2": 860}
    app_id = api.post(
        "/api/v1/applications", "alice", json={"procedure": "land_transition", "fields": fields}
    ).get_json()["id"]
    for kind in LAND_KINDS:
        api.upload(app_id, kind=kind, data=PDF_BYTES)
    api.fire(app_id, "submit", "alice")
    api.fire(app_id, "accept", "nr")
    api.fire(app_id, "give_opinion", "civil", {"agree": True, "opinion": "同意"})
    api.fire(app_id, "give_opinion", "housing_r", {"agree": True, "opinion": "同意"})
    review = {"expropriation_plan": False, "soil_ok": True, "use_change_allowed": True}
    assert api.fire(app_id, "issue_review_opinion", "nr", review).get_json()["state"] == "government_approval"
    number = api.get(f"/api/v1/applications/{app_id}", "alice").get_json()["number"]
    progress = api.get(f"/api/v1/progress?number={number}&credit_code={fields['credit_code']}").get_json()
    assert "人民政府" in progress["next_step"]["zh"] and "自然资源" not in progress["next_step"]["zh"]

    alice = person(people, server, "alice")
    alice.goto(f"{server}/my/applications/{app_id}")
    expect(alice.locator(".next-step")).to_contain_text("哈尔滨市道里区人民政府")

    gov = person(people, server, "gov", "en")
    gov.goto(f"{server}/console/applications/{app_id}")
    enhanced(gov)
    gov.locator("#do-approve summary").click()
    dialog = gov.locator("dialog.decision-dialog[open]")
    expect(dialog.locator("textarea[name=comment][required]")).to_be_visible()
    expect(dialog).to_contain_text("Opinion")
    shot(gov, "decide-05-government-dialog-en")
    fire(gov, "approve", opinion="Approved for five years")
    state_is(gov, "in_transition")


@pytest.mark.parametrize("lang, viewport", VIEWS, ids=IDS)
def test_words(people, server, api, app, lang, viewport):
    """The header's guide index lists every procedure; each guide states its own remedies; the fire inbox shows
    the builder; "Done: Submit" in one language; numbers as written (120, not 120.0)."""
    page = people.page(viewport)
    if lang == "en":
        english(page, server)
    page.goto(f"{server}/")
    if viewport:
        page.goto(f"{server}/guides")
    else:
        page.click("header.site a[href='/guides']")
    links = page.locator("main .guide-index li a[href^='/guides/']")
    expect(links).to_have_count(len(PROCEDURES))  # every procedure of the registry
    shot(page, f"words-01-guide-index-{tag(lang, viewport)}")
    remedies = {}
    for name in PROCEDURES:  # each its own remedies (or the common default), never another procedure's
        page.goto(f"{server}/guides/{name}")
        remedies[name] = page.locator("article.guide > p").last.inner_text()
    assert len(set(remedies.values())) == len(PROCEDURES), remedies
    assert ("对不予登记" in remedies["premise_addition"]) == (lang == "zh")
    assert "不予登记" not in remedies["land_transition"] and "不予登记" not in remedies["fire_filing"]
    shot(page, f"words-02-fire-guide-{tag(lang, viewport)}")

    fire_app = api.post("/api/v1/applications", "alice", json={"procedure": "fire_filing", "fields": FIRE}).get_json()
    alice = person(people, server, "alice", lang, viewport)
    alice.goto(f"{server}/my/applications/{fire_app['id']}")
    expect(alice.locator("#floor_area_m2")).to_have_value("120")
    expect(alice.locator("#total_investment_yuan")).to_have_value("150000")
    for kind in ("filing_form", "commitment_letter"):
        api.upload(fire_app["id"], kind=kind, data=PDF_BYTES)
    alice.reload()
    fire(alice, "submit")
    flash = alice.locator(".flash").first
    if lang == "en":
        expect(flash).to_have_text(re.compile(r"^\s*Done: Submit\s*$"))
    else:
        expect(flash).to_contain_text("已办理：提交申请")
        expect(flash.locator("small")).to_have_text("Done: Submit")
    shot(alice, f"words-03-done-{tag(lang, viewport)}")

    with app.app_context():
        from workflows import accounts

        accounts.create_user("housing_clerk", "correct-horse-9", "clerk", "230102:housing", display_name="赵文")
        db.session.commit()
    clerk = person(people, server, "housing_clerk", lang, viewport)
    clerk.goto(f"{server}/console/?tab=all")
    row = clerk.locator(f"table.inbox tr[data-app='{fire_app['id']}']")
    expect(row).to_contain_text("哈尔滨市兆麟建设有限公司")
    shot(clerk, f"words-04-fire-inbox-{tag(lang, viewport)}")
