"""The public draw results (双随机、一公开, issue 17 item 9): inspectors by display name only, never a login name, in
the API and on the page; 未抽中 is "not selected"; the reproduce check is a button with a plain answer."""

from __future__ import annotations

import re

import pytest

from models import db
from tests.conftest import PDF_BYTES
from workflows import accounts

FIELDS = {
    "facility_name": "兆麟社区老年食堂",
    "credit_code": "91230102MA1D0XG5LR",
    "site_address": "兆麟街12号",
    "site_division": "230102",
    "facility_type": "community_catering",
    "special_construction": False,
    "crowded_place": False,
    "floor_area_m2": 120,
    "total_investment_yuan": 150000,
    "builder_name": "哈尔滨市兆麟建设有限公司",
}


@pytest.fixture
def draw(app, api):
    with app.app_context():
        accounts.create_user("housing_clerk", "correct-horse-9", "clerk", "230102:housing", display_name="赵文")
        accounts.create_user("inspector_li", "correct-horse-9", "inspector", "230102:housing", display_name="李检查")
        db.session.commit()
    ids = []
    for completion in ("2026-11-02", "2026-11-24"):  # the first filed late: always selected
        app_id = api.post(
            "/api/v1/applications",
            "alice",
            json={"procedure": "fire_filing", "fields": {**FIELDS, "completion_date": completion}},
        ).get_json()["id"]
        for kind in ("filing_form", "commitment_letter"):
            api.upload(app_id, kind=kind, data=PDF_BYTES)
        assert api.fire(app_id, "submit", "alice").get_json()["state"] == "filed"
        ids.append(app_id)
    r = api.post("/api/v1/draws", "housing_clerk", json={"ratios": {"simplified": 0}})
    assert r.status_code == 201
    return r.get_json(), ids


def test_the_api_publishes_names_never_logins(api, draw):
    made, (late, on_time) = draw
    logins = {"inspector_li", "inspector_daoli"}  # the pool (tests.conftest has inspector_daoli)
    assert made["inspectors"][str(late)] in logins  # the clerk who drew sees whom to tell
    public = api.get(f"/api/v1/draws/{made['id']}").get_json()
    text = str(public)
    assert not any(login in text for login in logins)
    # inspector_daoli's display name is its login (tests.conftest): published as its place in the pool instead
    assert public["inspectors"][str(late)] in ("李检查", "检查员1")
    rows = {r["id"]: r for r in public["results"]}
    assert rows[late]["selected"] and not rows[on_time]["selected"]
    assert rows[late]["holder"] == "哈尔滨市兆麟建设有限公司" and rows[late]["subject"] == "兆麟社区老年食堂"
    assert api.get(f"/api/v1/draws/{made['id']}/verify").get_json()["reproduced"] is True


def test_an_inspector_without_a_display_name_is_numbered_not_named_by_login(app, api, draw):
    made, (late, _) = draw
    public = api.get(f"/api/v1/draws/{made['id']}").get_json()
    name = public["inspectors"][str(late)]
    assert name in ("李检查", "检查员1")
    with app.app_context():
        from models import User

        for user in db.session.execute(db.select(User).where(User.role == "inspector")).scalars():
            user.display_name = ""
        db.session.commit()
    public = api.get(f"/api/v1/draws/{made['id']}").get_json()
    assert re.fullmatch(r"检查员\d", public["inspectors"][str(late)])


def test_the_page_in_english_says_not_selected_and_answers_the_reproduce_button(client, draw):
    made, (late, on_time) = draw
    client.set_cookie("bianmin_lang", "en")
    page = client.get(f"/draws/{made['id']}").get_data(as_text=True)
    assert "not selected" in page and "/api/v1/draws" not in page
    assert "inspector_li" not in page and "inspector_daoli" not in page
    assert 'name="check" value="1"' in page and "data-reproduced" not in page  # the button, not yet pressed
    answer = client.get(f"/draws/{made['id']}?check=1").get_data(as_text=True)
    assert 'data-reproduced="true"' in answer and "matches the published draw" in answer
    client.set_cookie("bianmin_lang", "zh")
    answer = client.get(f"/draws/{made['id']}?check=1").get_data(as_text=True)
    assert "复算结果与公布的抽查结果一致" in answer


def test_the_draws_are_linked_from_home_header_and_the_fire_guide(client):
    for path in ("/", "/guides/fire_filing", "/guides/premise_addition"):
        page = client.get(path).get_data(as_text=True)
        assert 'href="/draws"' in page, path
    assert page.count('href="/draws"') == 1  # header only on other guides
