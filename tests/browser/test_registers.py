"""The public registers and the enterprise page in a browser: anyone searches a register, opens an entry and
downloads the whole register as CSV; the enterprise's own applicant sees its entries of three registers."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shot
from tests.conftest import PDF_BYTES
from tests.engine.conftest import fast_pdf  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser
CODE = "91330100716105852F"
NAME = "哈尔滨市便民家政服务有限公司"
LAND = {
    "operator_name": NAME,
    "credit_code": CODE,
    "land_holder_name": "哈尔滨市道里区城市建设投资有限公司",
    "property_certificate_no": "黑（2021）哈尔滨市不动产权第0012345号",
    "building_address": "经纬街274号院3号楼",
    "building_division": "230102",
    "floor_area_m2": 860,
    "current_land_use": "工业用地",
    "service_type": "elderly_care",
    "price_commitment": "床位费不高于同区域公办养老机构收费标准",
}
FIRE = {
    "facility_name": "经纬街274号院社区养老服务站",
    "credit_code": CODE,
    "builder_name": NAME,
    "site_address": "经纬街274号院1号楼1层",
    "site_division": "230102",
    "facility_type": "elderly_care",
    "special_construction": False,
    "crowded_place": False,
    "floor_area_m2": 450,
    "total_investment_yuan": 800000,
    "completion_date": "2026-11-23",
}


def through(api, procedure: str, fields: dict, kinds, steps) -> None:
    r = api.post("/api/v1/applications", "alice", json={"procedure": procedure, "fields": fields})
    assert r.status_code == 201, r.get_json()
    app_id = r.get_json()["id"]
    for kind in kinds:
        assert api.upload(app_id, kind=kind, data=PDF_BYTES).status_code == 201
    for event, who, data, *comment in steps:
        r = api.fire(app_id, event, who, data, comment=comment[0] if comment else None)
        assert r.status_code == 200, (event, r.get_json())


@pytest.fixture
def entries(api, fast_pdf):
    """alice's enterprise: two premises, a transition period, a fire filing (all through the API)."""
    for address, street in (("索菲亚小区3号楼1单元102室", "230102001"), ("群力大道8号", "230102019")):
        registered = api.submitted(premise_address=address, premise_street=street)
        assert api.fire(registered["id"], "register", "clerk_daoli").status_code == 200
    opinion = {"agree": True, "opinion": "同意"}
    through(
        api,
        "land_transition",
        LAND,
        ("property_certificate", "holder_consent", "project_plan", "safety_assessment"),
        [
            ("submit", "alice", None),
            ("accept", "nr_clerk_daoli", None),
            ("give_opinion", "reviewer_civil_daoli", opinion),
            ("give_opinion", "reviewer_housing_daoli", opinion),
            (
                "issue_review_opinion",
                "nr_clerk_daoli",
                {"expropriation_plan": False, "soil_ok": True, "use_change_allowed": True},
            ),
            ("approve", "gov_approver_daoli", None, "同意"),
        ],
    )
    through(
        api,
        "fire_filing",
        FIRE,
        ("filing_form", "completion_report", "as_built_drawings"),
        [("submit", "alice", None), ("file", "housing_clerk_daoli", None)],
    )


def test_anyone_searches_a_register_opens_an_entry_and_downloads_it(people, server, entries):
    page = people.page()
    page.goto(server + "/")
    page.click("header.site a[href='/registers/']")
    expect(page.locator("h1")).to_contain_text("公示台账")
    shot(page, "registers-01-index")
    page.click("a[href='/registers/premises']")
    expect(page.locator("table.register-entries tbody tr")).to_have_count(2)
    page.fill("#r-q", "便民家政")
    page.select_option("#r-street", "230102019")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r".*street=230102019.*"))
    expect(page.locator("table.register-entries tbody tr")).to_have_count(1)
    expect(page.locator("table.register-entries")).to_contain_text("群力大道8号")
    shot(page, "registers-02-search")
    page.click("table.register-entries tbody a")
    expect(page.locator("table.register-entry")).to_contain_text("道里区群力街道群力大道8号")
    expect(page.locator("table.register-entry")).to_contain_text(CODE)
    shot(page, "registers-03-entry")
    page.go_back()
    with page.expect_download() as info:
        page.click("a.download-csv")
    download = info.value
    assert download.suggested_filename == "premises.csv"
    rows = list(csv.DictReader(io.StringIO(open(download.path(), encoding="utf-8").read())))
    assert sorted(r["street"] for r in rows) == ["230102001", "230102019"] and {r["credit_code"] for r in rows} == {
        CODE
    }
    page.select_option("#r-division", "230103")
    page.click("form.filters button[type=submit]")
    expect(page.locator("p.empty")).to_be_visible()


@pytest.mark.parametrize("lang, width", [("en", 1280), ("zh", 390)])
def test_the_register_pages_in_english_and_on_a_phone(people, server, entries, lang, width):
    page = people.page({"width": width, "height": 844})
    page.goto(server + "/registers/transitions")
    if lang == "en":
        page.locator("header.site form.lang-switch button[value=en]").click()
        page.wait_for_load_state()
        expect(page.locator("h1")).to_contain_text("Register of transition periods")
    expect(page.locator("table.register-entries tbody tr")).to_have_count(1)
    shot(page, f"registers-04-transitions-{lang}-{width}")
    page.click("table.register-entries tbody a")
    shot(page, f"registers-05-entry-{lang}-{width}")


def test_the_enterprise_page_shows_its_entries_of_three_registers(people, server, entries):
    alice = people.login("alice")
    alice.click("header.site a[href='/enterprises/']")
    expect(alice.locator("table.enterprises")).to_contain_text(CODE)
    shot(alice, "enterprise-01-mine")
    alice.click(f"table.enterprises a[href='/enterprises/{CODE}']")
    rows = alice.locator("table.enterprise-entries tbody tr")
    expect(rows).to_have_count(4)
    registers = {rows.nth(i).get_attribute("data-register") for i in range(4)}
    assert registers == {"premises", "transitions", "fire_filings"}
    expect(alice.locator("table.enterprise-entries")).to_contain_text("届满前180日提醒")
    shot(alice, "enterprise-02-page")
    alice.click("a.button[href*='/my/new/premise_addition?enterprise=']")
    expect(alice.locator("#enterprise_name")).to_have_value(NAME)
    expect(alice.locator("#credit_code")).to_have_value(CODE)
    shot(alice, "enterprise-03-prefilled")
    clerk = people.login("clerk_daoli", {"width": 390, "height": 844})
    clerk.goto(f"{server}/enterprises/{CODE}")
    expect(clerk.locator("table.enterprise-entries tbody tr")).to_have_count(4)
    shot(clerk, "enterprise-04-staff-phone")
