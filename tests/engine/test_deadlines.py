"""Time limits (DOMAIN.md §0, §1): the 3-working-day decision limit, extension, correction, the calendar API."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.conftest import FIXED_TODAY
from tests.engine.spec import ITEMS

EXAMPLE_2027 = Path(__file__).resolve().parents[2] / "docs" / "holidays-2027.example.csv"


def deadline(api, app_id, user="alice"):
    return api.get(f"/api/v1/applications/{app_id}", user).get_json()["deadline"]


def fire_ok(api, app_id, event, user, data=None) -> dict:
    r = api.fire(app_id, event, user, data)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_submit_starts_the_limit_and_records_how(api, fast_pdf):
    app = api.submitted()
    assert FIXED_TODAY == date(2026, 11, 25)
    assert app["deadline"]["due"] == "2026-11-30" and app["deadline"]["provisional"] is False
    assert app["deadline"]["basis"] == {
        "due": "2026-11-30",
        "provisional": False,
        "start": "2026-11-25",
        "days": 3,
        "source": "chinesecalendar",
    }
    assert deadline(api, app["id"], "clerk_daoli")["due"] == "2026-11-30"


def test_accept_keeps_the_deadline_and_extend_adds_three_working_days_once(api, fast_pdf):
    app = api.submitted()
    accepted = fire_ok(api, app["id"], "accept", "clerk_daoli")
    assert accepted["deadline"]["due"] == "2026-11-30"

    extended = fire_ok(api, app["id"], "extend", "approver_daoli", {"reason": "需现场核查"})
    assert extended["deadline"]["due"] == "2026-12-03"  # Mon 30 Nov + Tue, Wed, Thu
    assert extended["deadline"]["basis"]["start"] == "2026-11-30"

    again = api.fire(app["id"], "extend", "approver_daoli", {"reason": "再次延期"})
    assert again.status_code == 422
    assert [d["rule"] for d in again.get_json()["error"]["details"]] == ["extend_once"]
    assert deadline(api, app["id"])["due"] == "2026-12-03"

    trail = api.get(f"/api/v1/applications/{app['id']}/events", "alice").get_json()
    extension = [e for e in trail if e["event"] == "extend"]
    assert len(extension) == 1
    assert extension[0]["data"]["reason"] == "需现场核查"
    assert extension[0]["data"]["deadline"]["due"] == "2026-12-03"


@pytest.mark.parametrize(
    "data", [None, {}, {"reason": ""}, {"reason": "   "}], ids=["no data", "empty data", "empty reason", "blank reason"]
)
def test_extend_needs_a_reason(api, fast_pdf, data):
    app = api.submitted()
    fire_ok(api, app["id"], "accept", "clerk_daoli")
    r = api.fire(app["id"], "extend", "approver_daoli", data)
    assert r.status_code == 422
    assert [d["field"] for d in r.get_json()["error"]["details"]] == ["data.reason"]


def test_correction_clears_the_deadline_and_resubmit_restarts_it(app, api, fast_pdf):
    submitted = api.submitted()
    corrected = fire_ok(api, submitted["id"], "request_correction", "clerk_daoli", ITEMS)
    assert corrected["deadline"] is None
    assert corrected["correction_items"] == [{**i, "answered": False} for i in ITEMS["items"]]

    app.config["TODAY"] = date(2026, 12, 2)  # the applicant takes a week
    assert api.upload(submitted["id"]).status_code == 201  # the item answered by a new file
    resubmitted = fire_ok(api, submitted["id"], "resubmit", "alice")
    assert resubmitted["deadline"]["due"] == "2026-12-07"  # Wed 2 Dec + Thu, Fri, Mon
    assert resubmitted["deadline"]["basis"]["start"] == "2026-12-02"
    assert resubmitted["correction_items"] == []


@pytest.mark.parametrize(
    "event, data",
    [
        ("register", None),
        ("refuse", {"reason": "不符合条件"}),
        ("redirect", {"authority": "230103"}),
        ("withdraw", None),
    ],
)
def test_a_decision_stops_the_clock(api, fast_pdf, event, data):
    app = api.submitted()
    user = "alice" if event == "withdraw" else "clerk_daoli"
    assert fire_ok(api, app["id"], event, user, data)["deadline"] is None


def test_overdue_filter_lists_what_is_past_its_deadline(app, api):
    late = api.submitted()
    app.config["TODAY"] = date(2026, 12, 1)
    fresh = api.submitted(premise_address="尚志大街3号")  # due 2026-12-04
    listing = api.get("/api/v1/applications?overdue=true", "clerk_daoli").get_json()
    assert [a["id"] for a in listing["items"]] == [late["id"]] and listing["total"] == 1
    assert fresh["deadline"]["due"] == "2026-12-04"


# ---- into a year the calendar package does not know ------------------------------------------


def test_deadline_into_unknown_year_is_provisional_until_the_holidays_are_loaded(app, api, runner):
    app.config["TODAY"] = date(2026, 12, 30)
    before = api.submitted()
    # 31 Dec, then 1 Jan off (元旦, fixed by law even while 2027 is unknown), 4 and 5 Jan
    assert before["deadline"] == {"due": "2027-01-05", "provisional": True, "basis": before["deadline"]["basis"]}
    assert "weekdays_provisional" in before["deadline"]["basis"]["source"]
    assert api.get("/api/v1/calendar/add-working-days?from=2026-12-30&days=3").get_json()["provisional"] is True

    result = runner.invoke(args=["holidays", "load", str(EXAMPLE_2027)])
    assert result.exit_code == 0, result.output

    computed = api.get("/api/v1/calendar/add-working-days?from=2026-12-30&days=3").get_json()
    assert (computed["due"], computed["provisional"]) == ("2027-01-05", False)  # 1–3 Jan are holidays in the file
    after = api.submitted(premise_address="果戈里大街5号")
    assert after["deadline"]["due"] == "2027-01-05" and after["deadline"]["provisional"] is False
    assert after["deadline"]["basis"]["source"] == "chinesecalendar+holiday_table"


# ---- the public calendar endpoints -------------------------------------------------------------


@pytest.mark.parametrize(
    "start, days, due",
    [
        ("2022-09-29", 3, "2022-10-09"),  # DOMAIN §0: a make-up Sunday counts
        ("2022-10-01", 3, "2022-10-10"),  # DOMAIN §0: received on a holiday
        ("2026-11-25", 3, "2026-11-30"),
        ("2026-11-25", 0, "2026-11-25"),
    ],
    ids=lambda v: str(v),
)
def test_add_working_days(client, start, days, due):
    r = client.get(f"/api/v1/calendar/add-working-days?from={start}&days={days}")
    assert r.status_code == 200
    assert (r.get_json()["due"], r.get_json()["provisional"]) == (due, False)


@pytest.mark.parametrize(
    "start, years, first, last",
    [
        ("2026-12-01", 5, "2026-12-02", "2031-12-01"),  # DOMAIN §0
        ("2028-02-29", 5, "2028-03-01", "2033-02-28"),  # no 29 Feb in 2033: the last day of February
        ("2028-02-29", 4, "2028-03-01", "2032-02-29"),
    ],
    ids=lambda v: str(v),
)
def test_period_end(client, start, years, first, last):
    r = client.get(f"/api/v1/calendar/period-end?from={start}&years={years}")
    assert r.status_code == 200
    assert r.get_json() == {"first_day": first, "last_day": last}


@pytest.mark.parametrize(
    "query",
    [
        "add-working-days?from=2026-13-01&days=3",
        "add-working-days?from=yesterday&days=3",
        "add-working-days?days=3",
        "add-working-days?from=2026-11-25",
        "add-working-days?from=2026-11-25&days=-1",
        "add-working-days?from=2026-11-25&days=3651",
        "add-working-days?from=2026-11-25&days=1.5",
        "add-working-days?from=2026-11-25&days=three",
        "add-working-days?from=9999-12-31&days=1",
        "period-end?from=2026-12-01&years=0",
        "period-end?from=2026-12-01&years=101",
        "period-end?from=2026-12-01",
        "period-end?from=31/12/2026&years=5",
        "period-end?from=9999-06-01&years=1",
    ],
)
def test_bad_calendar_parameters_are_422(client, query):
    r = client.get(f"/api/v1/calendar/{query}")
    assert r.status_code == 422, r.get_json()
    error = r.get_json()["error"]
    assert set(error) == {"code", "message", "details"} and error["details"]
    assert error["details"][0]["field"] in ("from", "days", "years")


def test_the_api_counts_an_unknown_year_less_its_fixed_holidays(client):
    """DOMAIN §0's example through the public endpoint: 1 Jan 2027 is skipped although 2027 is unknown."""
    r = client.get("/api/v1/calendar/add-working-days?from=2026-12-28&days=10")
    assert r.status_code == 200
    assert (r.get_json()["due"], r.get_json()["provisional"]) == ("2027-01-12", True)
    spring = client.get("/api/v1/calendar/add-working-days?from=2027-02-04&days=1").get_json()
    assert spring["due"] == "2027-02-09"  # 除夕 5 Feb to 初三 8 Feb (Fri, then Mon) skipped
