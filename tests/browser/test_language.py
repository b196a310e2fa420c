"""The header's language switch (中文 | English): the page comes back in English, the choice is kept
across pages and after logging in, and switching back gives Chinese."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shot
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
SWITCH = "header.site :is(form.lang-switch, #lang-switch)"
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_language_switch(people, server, api):
    draft = api.draft("alice")
    page = people.page()
    page.goto(f"{server}/guides/premise_addition")
    expect(page.locator("html")).to_have_attribute("lang", re.compile(r"^zh"))
    zh_title = page.locator("main h1").inner_text()
    shot(page, "language-01-zh")

    page.locator(SWITCH).locator("button[value=en]").click()
    page.wait_for_url(re.compile(r".*/guides/premise_addition$"))  # back on the same page
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(SWITCH).locator("button[value=en]")).to_have_attribute("aria-current", "true")
    expect(page.locator("main h1")).not_to_have_text(zh_title)
    guides = page.locator("header.site nav a[href='/guides']").inner_text()
    assert not CJK.search(guides), guides  # the header is in English
    shot(page, "language-02-en")

    page.goto(f"{server}/login")  # kept on the next pages
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.fill("#username", "alice")
    page.fill("#password", PASSWORD)
    page.click("form button[type=submit].primary")
    page.wait_for_url(re.compile(r".*/my/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert not CJK.search(page.locator("main h1").inner_text())
    shot(page, "language-03-en-home")
    page.goto(f"{server}/my/applications/{draft['id']}")  # app.js speaks English too
    page.locator("#business_scope").fill("家政服务、养老服务")
    expect(page.locator("#autosave-status")).to_have_attribute("data-state", "saved")
    assert not CJK.search(page.locator("#autosave-status").inner_text())
    page.goto(f"{server}/my/")

    page.locator(SWITCH).locator("button[value=zh]").click()
    page.wait_for_url(re.compile(r".*/my/$"))
    expect(page.locator("html")).to_have_attribute("lang", re.compile(r"^zh"))
    expect(page.locator("main h1")).to_contain_text("我的申请")
    expect(page.locator(SWITCH).locator("button[value=zh]")).to_have_attribute("aria-current", "true")
