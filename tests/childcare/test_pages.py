"""What users have for childcare_filing besides the events, all read from its declaration: the service guide, the
diagram with the current state, the inbox, the progress lookup, the statistics and the service evaluation."""

from __future__ import annotations

from tests.childcare.conftest import CHILDCARE


def test_the_service_guide_states_conditions_materials_and_time_limits(client):
    page = client.get("/guides/childcare_filing").get_data(as_text=True)
    for words in (
        "托育机构备案",
        "托育机构登记和备案办法（试行）",
        "乳儿班（6—12个月）10人以下",
        "备案承诺书",
        "消防安全证明",
    ):
        assert words in page, words
    for days in ("5个工作日", "15个工作日", "10个工作日"):
        assert days in page, days
    assert "不收费" in page


def test_the_diagram_highlights_the_current_state(childcare, api):
    asked = childcare.asked()
    svg = api.get(f"/api/v1/applications/{asked['id']}/diagram.svg", "alice").get_data(as_text=True)
    assert "<svg" in svg
    for title in ("待说明情况", "已说明情况", "经核查不符合要求", "已注销备案", "注销备案", "作出核查结论"):
        assert title in svg, title
    assert svg.count('fill="#c8102e"') == 1  # the one current state, in the seal's red (workflows/diagram.py)


def test_the_inbox_lists_it_for_the_health_clerk_only(childcare, app):
    submitted = childcare.submitted()
    for username, listed in (("health_clerk", True), ("health_clerk_nangang", False), ("housing_clerk", False)):
        client = app.test_client()
        assert client.post("/login", data={"username": username, "password": "correct-horse-9"}).status_code == 302
        page = client.get("/console/").get_data(as_text=True)
        assert (submitted["number"] in page) is listed, username


def test_the_progress_lookup_names_the_next_step_and_the_date(childcare, client):
    filed = childcare.filed()
    body = client.get(
        "/api/v1/progress", query_string={"number": filed["number"], "credit_code": CHILDCARE["credit_code"]}
    ).get_json()
    assert body["procedure"] == "childcare_filing" and body["state"] == "filed"
    assert body["deadline"]["due"] == "2026-12-16" and body["state_title"]["zh"] == "已备案"
    assert "核查" in body["next_step"]["zh"] or "录入核查结果" in body["next_step"]["zh"]


def test_statistics_and_the_evaluation(childcare, api):
    verified = childcare.ok(childcare.filed()["id"], "record_verification", "health_inspector", {"compliant": True})
    childcare.submitted()
    figures = api.get("/api/v1/stats?procedure=childcare_filing", "health_clerk").get_json()
    assert figures["total"] == 2 and figures["decided"]["total"] == 1 and figures["decided"]["on_time"] == 1
    assert api.get("/api/v1/stats?procedure=childcare_filing", "clerk_daoli").get_json()["total"] == 0
    url = f"/api/v1/applications/{verified['id']}/evaluation"
    r = api.post(url, "alice", json={"score": 5, "comment": "网上备案，一次办好"})
    assert r.status_code == 201, r.get_json()
    assert api.get(url, "health_clerk").get_json()["score"] == 5
    explaining = childcare.asked()
    assert (
        api.post(f"/api/v1/applications/{explaining['id']}/evaluation", "alice", json={"score": 4}).status_code == 409
    )
