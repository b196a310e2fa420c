"""The dashboard (/stats) with server-side SVG charts, and its CSV export (/stats.csv)."""

from __future__ import annotations

import csv
import io

import pytest

from tests.conftest import PASSWORD
from tests.stats.test_figures import six  # noqa: F401  (fixture)


@pytest.fixture
def login(app, users):
    def make(username: str):
        client = app.test_client()
        assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
        return client

    return make


def csv_values(response) -> dict:
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM, so that Excel shows the Chinese"
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["分类 Section", "项目 Item", "代码 Key", "数值 Value"]
    return {key: value for _section, _item, key, value in rows[1:]}


def test_dashboard_renders_svg_charts(login, api, six):
    api.post(f"/api/v1/applications/{six.late['id']}/evaluation", "alice", json={"score": 2, "comment": "办理超期"})
    r = login("clerk_daoli").get("/stats")
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "Content-Security-Policy" in r.headers
    assert page.count("<svg") == 3  # premise states, on time vs late, scores
    assert 'id="chart-states-premise_addition"' in page and 'id="chart-timing"' in page and 'id="chart-scores"' in page
    assert 'data-label="on time" data-value="2"' in page and 'data-label="late" data-value="1"' in page
    assert 'data-figure="median">4.0<' in page and 'data-figure="open_overdue">1<' in page
    assert 'data-state="premise_addition:registered"><td>' in page
    assert "办理超期" in page and "统计分析" in page and "Statistics" in page
    assert "<script" not in page.split("<main>")[1] and "http://" not in page.split("<main>")[1].replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
    assert 'name="authority"' not in page  # staff see their own authority only


def test_dashboard_for_admin_has_an_authority_select(login, six):
    admin = login("admin")
    page = admin.get("/stats").get_data(as_text=True)
    assert '<select id="s-authority" name="authority">' in page and 'value="230102:market_regulation"' in page
    assert 'data-figure="total">6<' in page
    other = admin.get("/stats?authority=230103:market_regulation").get_data(as_text=True)
    assert 'data-figure="total">0<' in other and "暂无申请" in other
    assert 'data-figure="total">0<' in login("clerk_nangang").get("/stats").get_data(as_text=True)
    assert login("auditor").get("/stats?procedure=premise_addition").status_code == 200


def test_dashboard_refusals(app, login, users):
    assert login("alice").get("/stats").status_code == 403
    assert login("alice").get("/stats.csv").status_code == 403
    assert app.test_client().get("/stats").status_code == 302  # to the login page
    assert login("clerk_daoli").get("/stats?from=2026-02-30").status_code == 422
    assert login("clerk_daoli").get("/stats?authority=230103:market_regulation").status_code == 403


def test_csv_export(login, api, six):
    api.post(f"/api/v1/applications/{six.same_day['id']}/evaluation", "alice", json={"score": 5})
    r = login("clerk_daoli").get("/stats.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert r.headers["Content-Disposition"] == 'attachment; filename="bianmin-stats-2026-12-02.csv"'
    values = csv_values(r)
    assert values["total"] == "6" and values["state:premise_addition:registered"] == "3"
    assert values["state:premise_addition:withdrawn"] == "1" and values["state:land_transition:submitted"] == "0"
    assert (values["decided"], values["on_time"], values["late"]) == ("3", "2", "1")
    assert values["median_working_days"] == "4.0" and values["open_overdue"] == "1"
    assert (values["evaluations"], values["mean_score"], values["score:5"]) == ("1", "5.0", "1")
    assert values["authority"] == "哈尔滨市道里区市场监督管理局"
    assert values["from"] == "" and values["today"] == "2026-12-02"


def test_csv_follows_the_filters(login, six):
    values = csv_values(login("admin").get("/stats.csv?procedure=fire_filing&from=2026-11-01"))
    assert values["total"] == "0" and values["procedure"].startswith("建设工程消防验收备案")
    assert values["from"] == "2026-11-01" and values["authority"] == "全部 All"
    assert not any(key.startswith("state:premise_addition") for key in values)
    assert values["median_working_days"] == "" and values["mean_score"] == ""
