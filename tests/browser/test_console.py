"""Staff pages: the inbox filters and a bulk action, the diagram, the statistics dashboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from models import AuditEntry, db
from tests.browser.conftest import shot

pytestmark = pytest.mark.browser
ADDRESSES = ("索菲亚小区3号楼1单元102室", "经纬街266号院3号楼102室", "友谊路101号1层", "中央大街88号2层")


def test_inbox_filters_and_bulk_register(people, server, api, app):
    """Four filings (one already accepted): filtering by state and by handler narrows the list; ticking
    every row and 准予登记 registers each one separately, with one audit entry each."""
    filed = [api.submitted("alice", premise_address=a) for a in ADDRESSES]
    assert api.fire(filed[3]["id"], "accept", "clerk_daoli").status_code == 200  # under review

    clerk = people.login("clerk_daoli")
    expect(clerk.locator("[data-total]")).to_have_attribute("data-total", "4")
    clerk.select_option("#f-state", "submitted")
    clerk.click("form.filters button[type=submit]")
    clerk.wait_for_url(re.compile(r".*state=submitted.*"))
    expect(clerk.locator("[data-total]")).to_have_attribute("data-total", "3")
    expect(clerk.locator("table.inbox")).not_to_contain_text(filed[3]["number"])

    # claim one, then "mine" shows just that one and "unclaimed" the other two
    clerk.locator(f"tr[data-app='{filed[0]['id']}'] button[formaction$='/claim']").click()
    expect(clerk.locator(".flash").first).to_contain_text("已认领")
    clerk.select_option("#f-claimed", "me")
    clerk.click("form.filters button[type=submit]")
    expect(clerk.locator("[data-total]")).to_have_attribute("data-total", "1")
    clerk.select_option("#f-claimed", "none")
    clerk.click("form.filters button[type=submit]")
    expect(clerk.locator("[data-total]")).to_have_attribute("data-total", "2")
    clerk.select_option("#f-claimed", "")
    clerk.click("form.filters button[type=submit]")
    expect(clerk.locator("[data-total]")).to_have_attribute("data-total", "3")
    shot(clerk, "inbox-01-filtered")

    clerk.check("input.pick-all")  # app.js ticks every row
    assert all(box.is_checked() for box in clerk.locator("input[name=pick]").all())
    clerk.select_option("#bulk-event", "register")
    clerk.click(".bulk-bar button[type=submit]")
    expect(clerk.locator(".flash").first).to_contain_text("已办理 3 件")
    expect(clerk.locator("[data-total]")).to_have_attribute("data-total", "0")  # the filter is kept
    shot(clerk, "inbox-02-bulk-done")
    clerk.select_option("#f-state", "registered")
    clerk.click("form.filters button[type=submit]")
    expect(clerk.locator("[data-total]")).to_have_attribute("data-total", "3")
    expect(clerk.locator("table.inbox .badge.state-registered")).to_have_count(3)
    shot(clerk, "inbox-03-registered")

    with app.app_context():
        rows = db.session.execute(
            db.select(AuditEntry.application_id, AuditEntry.actor).where(AuditEntry.event == "register")
        ).all()
    assert sorted(r.application_id for r in rows) == sorted(a["id"] for a in filed[:3])
    assert {r.actor for r in rows} == {"clerk_daoli"}


def svg_node_fill(svg: str, state: str) -> str:
    """The fill of a state's box in the Graphviz SVG."""
    node = re.search(rf"<title>{state}</title>.*?fill=\"([^\"]+)\"", svg, re.S)
    return node.group(1) if node else ""


def test_diagram_on_the_guide_and_the_application(people, server, api):
    """The service guide shows the whole machine; the application page the same drawing with its
    current state highlighted."""
    submitted = api.submitted("alice")
    page = people.page()
    page.goto(f"{server}/guides/premise_addition")
    img = page.locator("figure.diagram img")
    img.scroll_into_view_if_needed()
    expect(img).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())
    svg = page.request.get(server + img.get_attribute("src")).text()
    assert svg.lstrip().startswith(("<?xml", "<svg")) and "<title>registered</title>" in svg
    shot(page, "diagram-01-guide")

    alice = people.login("alice")
    alice.goto(f"{server}/my/applications/{submitted['id']}")
    expect(alice.locator("ol.progress li[aria-current=step]")).to_have_attribute("data-state", "submitted")
    alice.click("details#diagram summary")
    img = alice.locator("details#diagram img")
    expect(img).to_be_visible()
    alice.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())
    assert "已提交" in img.get_attribute("alt")  # 当前环节：已提交
    response = alice.request.get(server + img.get_attribute("src"))
    assert response.headers["content-type"].startswith("image/svg+xml")
    svg = response.text()
    assert svg_node_fill(svg, "submitted") == "#c8102e"  # the current state, in red
    assert svg_node_fill(svg, "registered") != "#c8102e"
    img.scroll_into_view_if_needed()
    shot(alice, "diagram-02-application")


def test_statistics_dashboard(people, server, api):
    """A clerk opens 统计 from the header: totals, decided, the per-state chart; a procedure filter."""
    done = api.submitted("alice")
    assert api.fire(done["id"], "register", "clerk_daoli").status_code == 200
    api.submitted("alice", premise_address="经纬街266号院3号楼102室")
    assert api.post(
        f"/api/v1/applications/{done['id']}/evaluation", "alice", json={"score": 4, "comment": "办理很快"}
    ).status_code in (200, 201)

    clerk = people.login("clerk_daoli")
    clerk.click("header.site nav a[href$='/stats']")
    clerk.wait_for_url(re.compile(r".*/stats$"))
    expect(clerk.locator("[data-figure=total]")).to_have_text("2")
    expect(clerk.locator("[data-figure=decided]")).to_have_text("1")
    expect(clerk.locator("[data-figure=mean_score]")).to_have_text(re.compile(r"^4"))
    expect(clerk.locator("#per-state svg.chart, #per-state table").first).to_be_visible()
    expect(clerk.locator("tr[data-state='premise_addition:registered']")).to_contain_text("1")
    shot(clerk, "dashboard-01")
    clerk.select_option("#s-procedure", "fire_filing")
    clerk.click("form.filters button[type=submit]")
    expect(clerk.locator("[data-figure=total]")).to_have_text("0")
    shot(clerk, "dashboard-02-filtered")
