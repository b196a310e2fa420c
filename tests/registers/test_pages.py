"""The registers' and enterprises' pages: the public register pages (search, entry, exports, bad input as a page),
links to them, the enterprise pages, the prefilled new application and the console's panel."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest

from tests.conftest import PDF_BYTES
from tests.reliability.world import CLERK

CODE = "91330100716105852F"


def text(r) -> str:
    return unescape(r.get_data(as_text=True))


@pytest.fixture
def filled(world):
    premise = world.bring(
        "premise_addition", "registered", premise_address="索菲亚小区3号楼", premise_street="230102001"
    )
    land = world.bring(
        "land_transition", "in_transition", credit_code=CODE, operator_name="哈尔滨市便民家政服务有限公司"
    )
    fire = world.bring("fire_filing", "rectifying", credit_code=CODE)
    return {"premise": premise, "land": land, "fire": fire}


def test_the_registers_are_linked_from_the_home_page_and_the_header(client):
    page = text(client.get("/"))
    assert page.count('href="/registers/"') >= 2  # the header and the home page's card


def test_the_register_index_and_a_register_page(client, filled):
    index = text(client.get("/registers/"))
    assert "经营场所登记台账" in index and "/api/v1/registers/premises.csv" in index
    page = client.get("/registers/premises?q=便民&street=230102001")
    assert page.status_code == 200
    body = text(page)
    assert "索菲亚小区3号楼" in body and "哈尔滨市便民家政服务有限公司" in body and 'data-status="in_force"' in body
    entry = re.search(r'href="/registers/premises/(\d+)"', body).group(1)
    detail = text(client.get(f"/registers/premises/{entry}"))
    assert "道里区兆麟街道索菲亚小区3号楼" in detail and "家政服务" in detail and CODE in detail
    assert client.get("/registers/premises/99999").status_code == 404
    assert client.get("/registers/nothing").status_code == 404


def test_a_published_finding_is_shown_with_the_entry(client, filled):
    body = text(client.get("/registers/fire_filings"))
    assert "疏散通道堵塞" in body and 'data-status="rectifying"' in body


def test_bad_search_input_is_a_page_naming_the_field_in_each_language(client):
    zh = client.get("/registers/premises?division=110101&status=x")
    assert zh.status_code == 422
    assert "division：不是哈尔滨市的县级行政区划代码" in text(zh) and "status：须为" in text(zh)
    client.set_cookie("bianmin_lang", "en")
    en = client.get("/registers/premises?division=110101")
    assert en.status_code == 422 and "division: not a Harbin county-level division code" in text(en)
    assert "不是哈尔滨市" not in text(en)


def test_the_register_page_in_english(client, filled):
    client.set_cookie("bianmin_lang", "en")
    body = text(client.get("/registers/transitions"))
    assert "Register of transition periods for existing buildings" in body and "in force" in body
    assert "公示台账" not in body


def test_the_enterprise_page_shows_entries_from_three_registers(login, filled):
    alice = login("alice")
    mine = text(alice.get("/enterprises/"))
    assert CODE in mine and "本企业" in mine
    page = text(alice.get(f"/enterprises/{CODE}"))
    assert set(re.findall(r'data-register="(\w+)"', page)) == {"premises", "transitions", "fire_filings"} - {
        "fire_filings"
    }  # a filing under rectification is not in force
    assert "2031年5月29日" in page and "届满前180日提醒" in page
    assert filled["premise"]["documents"][-1]["number"] in page
    assert login("bob").get(f"/enterprises/{CODE}").status_code == 404
    assert login(CLERK["premise_addition"]).get(f"/enterprises/{CODE}").status_code == 200
    assert login(CLERK["premise_addition"]).get("/enterprises/").status_code == 403


def test_adding_an_enterprise_and_filing_a_power_of_attorney_through_the_pages(login, filled):
    bob = login("bob")
    r = bob.post("/enterprises/", data={"credit_code": "91330100716105852X", "capacity": "agent"})
    assert r.status_code == 422 and "credit_code：统一社会信用代码校验位错误" in text(r)
    r = bob.post("/enterprises/", data={"credit_code": CODE, "capacity": "agent"})
    assert r.status_code == 303
    assert bob.get(f"/enterprises/{CODE}").status_code == 404
    r = bob.post(
        f"/enterprises/{CODE}/power-of-attorney",
        data={"file": (io.BytesIO(b"hello"), "a.txt")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 415
    r = bob.post(
        f"/enterprises/{CODE}/power-of-attorney",
        data={"file": (io.BytesIO(PDF_BYTES), "poa.pdf")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 303
    assert "已备案" in text(bob.get("/enterprises/")) and bob.get(f"/enterprises/{CODE}").status_code == 200


def test_a_new_application_prefills_from_the_chosen_enterprise(login, filled):
    alice = login("alice")
    page = text(alice.get(f"/my/new/premise_addition?enterprise={CODE}"))
    assert re.search(r'id="enterprise_name"[^>]*value="哈尔滨市便民家政服务有限公司"', page)
    assert re.search(r'id="credit_code"[^>]*value="91330100716105852F"', page)
    assert 'id="prefill-enterprise"' in page
    bad = alice.get("/my/new/premise_addition?enterprise=91350200776049653A")
    assert bad.status_code == 422 and "enterprise：您尚未代表该企业办理" in text(bad)


def test_the_console_shows_the_enterprises_other_entries(world, login, filled):
    submitted = world.bring("premise_addition", "submitted", credit_code=CODE)
    page = text(login(CLERK["premise_addition"]).get(f"/console/applications/{submitted['id']}"))
    panel = page.split('id="enterprise-entries"', 1)[1].split("</section>", 1)[0]
    assert set(re.findall(r'data-register="(\w+)"', panel)) == {"premises", "transitions"}
    assert "索菲亚小区3号楼" in panel
