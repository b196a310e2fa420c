"""Admin pages: admins only; fire filing modes per housing authority; the holiday table; users."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest

from models import Authority, db
from tests.conftest import FIXED_TODAY, PASSWORD
from tests.fire.test_fire_filing import ALL_KINDS, FIRE_FIELDS
from tests.web.pages import html

PAGES = ("/admin/", "/admin/authorities", "/admin/holidays", "/admin/users")
EXAMPLE = (Path(__file__).resolve().parents[2] / "docs" / "holidays-2027.example.csv").read_bytes()


def housing_id(app, division="230102") -> int:
    with app.app_context():
        return db.session.execute(
            db.select(Authority.id).where(Authority.division_code == division, Authority.kind == "housing")
        ).scalar_one()


@pytest.mark.parametrize("user", ["alice", "clerk_daoli", "approver_daoli", "auditor"])
def test_admin_pages_are_for_admins_only(login, app, user):
    client = login(user)
    for url in PAGES:
        assert client.get(url).status_code == 403, url
    assert client.post(f"/admin/authorities/{housing_id(app)}", data={"fire_mode": "exempt"}).status_code == 403
    assert client.post("/admin/users", data={"username": "x"}).status_code == 403
    assert client.post("/admin/holidays", data={}).status_code == 403
    assert "系统管理" not in html(client.get("/"))


def test_anonymous_is_sent_to_login(client):
    r = client.get("/admin/users")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_overview_and_nav(login):
    admin = login("admin")
    page = html(admin.get("/"))
    assert 'href="/admin/"' in page and "系统管理" in page
    page = html(admin.get("/admin/"))
    assert "用户" in page and "消防验收备案办理方式" in page and "节假日表" in page
    assert 'data-role="clerk"' in page and "2004–2026" in page
    assert 'data-warning="next-year"' in page and "2027年节假日安排尚未载入" in page  # 2026-11-25: autumn


def submit_fire(api) -> dict:
    r = api.post("/api/v1/applications", "alice", json={"procedure": "fire_filing", "fields": FIRE_FIELDS})
    app_id = r.get_json()["id"]
    for kind in ALL_KINDS:
        api.upload(app_id, kind=kind)
    return api.fire(app_id, "submit", "alice").get_json()


def test_fire_mode_change_applies_to_the_next_submission(app, api, login):
    admin, authority = login("admin"), housing_id(app)
    page = html(admin.get("/admin/authorities"))
    assert page.count('data-authority="') == 19  # every housing authority
    row = re.search(rf'<tr id="authority-{authority}".*?</tr>', page, re.S).group(0)
    assert "哈尔滨市道里区住房和城乡建设局" in row and 'data-mode="promise"' in row  # the default
    assert submit_fire(api)["state"] == "filed"  # promise: filed at submit

    r = admin.post(f"/admin/authorities/{authority}", data={"fire_mode": "standard"})
    assert r.status_code == 303
    page = html(admin.get(r.headers["Location"]))
    assert "哈尔滨市道里区住房和城乡建设局：简易程序办理方式改为“一般程序”" in page
    assert 'data-mode="standard"' in re.search(rf'<tr id="authority-{authority}".*?</tr>', page, re.S).group(0)
    assert submit_fire(api)["state"] == "submitted"  # now waits for a clerk

    r = admin.post(f"/admin/authorities/{authority}", data={"fire_mode": "whatever"})
    assert r.status_code == 422 and "办理方式须为：promise、fast_track、exempt、standard" in html(r)
    with app.app_context():
        assert db.session.get(Authority, authority).settings["fire_mode"] == "standard"

    assert admin.post(f"/admin/authorities/{authority}", data={f"a{authority}-fire_mode": "promise"}).status_code == 303
    admin.get("/admin/authorities")  # shows (and so spends) that one's message
    admin.post("/lang", data={"lang": "en", "next": "/admin/authorities"})
    r = admin.post(f"/admin/authorities/{authority}", data={"fire_mode": "promise"})
    page = html(admin.get(r.headers["Location"]))
    assert (
        "Daoli District Housing and Urban-Rural Development Bureau, Harbin" in page and "住房和城乡建设局" not in page
    )
    assert submit_fire(api)["state"] == "filed"
    with app.app_context():  # not a housing authority
        other = (
            db.session.execute(db.select(Authority.id).where(Authority.kind == "market_regulation")).scalars().first()
        )
    assert admin.post(f"/admin/authorities/{other}", data={"fire_mode": "exempt"}).status_code == 404


def test_holiday_upload_recounts_provisional_deadlines(app, api, login):
    app.config["TODAY"] = date(2026, 12, 29)  # 3 working days later lies in 2027: unknown yet
    try:
        late_in_year = api.submitted()
    finally:
        app.config["TODAY"] = FIXED_TODAY
    assert late_in_year["deadline"]["provisional"] is True
    admin = login("admin")
    page = html(admin.get("/admin/holidays"))
    assert 'data-year="2027" data-source="provisional"' in page and 'data-year="2026" data-source="package"' in page
    assert 'data-warning="next-year"' in page and 'data-provisional="1"' in page
    assert 'enctype="multipart/form-data"' in page

    r = admin.post("/admin/holidays", data={"file": (io.BytesIO(EXAMPLE), "holidays-2027.csv")})
    assert r.status_code == 303
    page = html(admin.get(r.headers["Location"]))
    assert "已载入 2027 年节假日" in page and "重新计算暂定期限 1 件" in page
    assert 'data-year="2027" data-source="table"' in page and 'data-warning="next-year"' not in page
    assert 'data-loaded="2027"' in page and 'data-provisional="0"' in page
    body = api.get(f"/api/v1/applications/{late_in_year['id']}", "alice").get_json()
    assert body["deadline"]["provisional"] is False
    trail = api.get(f"/api/v1/applications/{late_in_year['id']}/events", "alice").get_json()
    assert trail[-1]["event"] == "recompute_deadline" and trail[-1]["actor"] == "system"


@pytest.mark.parametrize(
    "content, message",
    [
        (b"date,kind,name\n2027-13-01,holiday,x\n", "line 2: 日期无效 &#39;2027-13-01&#39;"),
        (b"2027-01-01,holiday,New Year\n2027-01-01,holiday,again\n", "line 2: 日期 2027-01-01 重复"),
        (b"2027-01-01,day off,New Year\n", "类型无效"),
        ("2027-01-01,holiday,元旦".encode("gbk"), "文件须为UTF-8编码的文本"),
    ],
)
def test_a_bad_holiday_file_is_refused_with_its_message(login, content, message):
    admin = login("admin")
    r = admin.post("/admin/holidays", data={"file": (io.BytesIO(content), "bad.csv")})
    page = html(r)
    assert r.status_code == 422 and message in page and "文件未载入" in page
    assert 'data-loaded=""' in page  # nothing was loaded


def test_holiday_upload_without_a_file(login):
    r = login("admin").post("/admin/holidays", data={})
    assert r.status_code == 422 and "请选择节假日文件" in html(r)


def test_users_are_listed_and_created_with_problems_shown_inline(login):
    admin = login("admin")
    page = html(admin.get("/admin/users"))
    assert 'data-user="clerk_daoli"' in page and "哈尔滨市道里区市场监督管理局" in page
    assert '<optgroup label="道里区 230102">' in page and 'value="230102:housing"' in page

    r = admin.post(
        "/admin/users", data={"username": "bad name!", "password": "short", "role": "clerk", "authority": ""}
    )
    page = html(r)
    assert r.status_code == 422
    assert "用户名须为1–64位字母、数字、_-." in re.search(r'id="f-username".*?</div>', page, re.S).group(0)
    assert "密码至少8位" in re.search(r'id="f-password".*?</div>', page, re.S).group(0)
    assert "该角色须指定所属机关" in re.search(r'id="f-authority".*?</div>', page, re.S).group(0)
    assert 'value="bad name!"' in page  # what was typed stays

    r = admin.post("/admin/users", data={"username": "clerk_daoli", "password": "long-enough-1", "role": "applicant"})
    assert r.status_code == 422 and "用户名已存在" in html(r)
    r = admin.post(
        "/admin/users",
        data={"username": "auditor2", "password": "long-enough-1", "role": "auditor", "authority": "230102:housing"},
    )
    assert "申请人、管理员、审计员不属于机关" in html(r)

    r = admin.post(
        "/admin/users",
        data={
            "username": "housing_inspector_2",
            "password": PASSWORD,
            "role": "inspector",
            "authority": "230102:housing",
            "display_name": "检查员乙",
        },
    )
    assert r.status_code == 303
    page = html(admin.get("/admin/users?role=inspector"))
    assert 'data-user="housing_inspector_2"' in page and "检查员乙" in page and 'data-user="clerk_daoli"' not in page
    assert login("housing_inspector_2").get("/console/").status_code == 200
