"""A provisional deadline is counted again, and audited, once the next year's holidays are loaded."""

from datetime import date


def test_loading_holidays_recounts_provisional_deadlines(api, app, runner, tmp_path):
    app.config["TODAY"] = date(2026, 12, 30)
    submitted = api.submitted()
    assert (
        submitted["deadline"]["provisional"] is True and submitted["deadline"]["due"] == "2027-01-05"
    )  # 12-31, 01-04, 01-05: 元旦 skipped
    table = tmp_path / "2027.csv"
    table.write_text("year,2027\n2027-01-01,holiday,元旦\n2027-01-04,holiday,元旦（示例）\n", encoding="utf-8")
    out = runner.invoke(args=["holidays", "load", str(table)]).output
    assert "1 provisional deadlines recounted" in out
    body = api.get(f"/api/v1/applications/{submitted['id']}", "alice").get_json()
    assert body["deadline"]["provisional"] is False and body["deadline"]["due"] == "2027-01-06"  # 12-31, 01-05, 01-06
    assert body["version"] == submitted["version"] + 1
    trail = api.get(f"/api/v1/applications/{submitted['id']}/events", "alice").get_json()
    assert trail[-1]["event"] == "recompute_deadline" and trail[-1]["actor"] == "system"
    assert "audit trail intact" in runner.invoke(args=["audit", "verify"]).output
