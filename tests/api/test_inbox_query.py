"""The staff inbox query (workflows/inbox.py) shared by the console and the API: open rows, deadline order with
undated ones last, a total counted only up to a cap."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from models import Application, Authority, User, db
from workflows import inbox

DUE = {
    "PA-Q-late": date(2026, 12, 3),
    "PA-Q-early": date(2026, 11, 27),
    "PA-Q-none-1": None,
    "PA-Q-same-a": date(2026, 11, 30),
    "PA-Q-same-b": date(2026, 11, 30),
    "PA-Q-none-2": None,
}


@pytest.fixture
def queue(app, users):
    """Six open submitted applications of 道里 market regulation (two undated), one closed, one draft."""
    with app.app_context():
        alice = db.session.execute(select(User).where(User.username == "alice")).scalar_one()
        authority = db.session.execute(
            select(Authority.id).where(Authority.division_code == "230102", Authority.kind == "market_regulation")
        ).scalar_one()

        def row(number, state="submitted", is_open=True, due=None):
            return Application(
                procedure="premise_addition",
                state=state,
                number=number,
                is_open=is_open,
                fields={"enterprise_name": number},
                applicant_id=alice.id,
                authority_id=authority,
                deadline_due=due,
            )

        db.session.add_all(row(n, due=d) for n, d in DUE.items())
        db.session.add_all([row("PA-Q-closed", "registered", is_open=False), row("PA-Q-draft", "draft")])
        db.session.commit()
    return app


def numbers_for(username: str, open_only: bool = True) -> list[str]:
    user = db.session.execute(select(User).where(User.username == username)).scalar_one()
    found = inbox.query(user, open_only).order_by(*inbox.ORDER)
    return [a.number for a in db.session.execute(found).scalars()]


def test_open_rows_by_deadline_then_id_with_undated_ones_last(queue):
    with queue.app_context():
        assert numbers_for("clerk_daoli") == [
            "PA-Q-early",
            "PA-Q-same-a",
            "PA-Q-same-b",
            "PA-Q-late",
            "PA-Q-none-1",
            "PA-Q-none-2",
        ]
        assert numbers_for("clerk_daoli", open_only=False)[-3:] == ["PA-Q-none-1", "PA-Q-none-2", "PA-Q-closed"]
        assert "PA-Q-draft" not in numbers_for("clerk_daoli", open_only=False)  # staff never see drafts
        assert numbers_for("clerk_nangang") == []


def test_the_total_is_counted_up_to_the_cap(queue, monkeypatch):
    monkeypatch.setattr(inbox, "CAP", 4)
    with queue.app_context():
        clerk = db.session.execute(select(User).where(User.username == "clerk_daoli")).scalar_one()
        counted = inbox.capped_count(inbox.query(clerk))
        assert counted == 5  # CAP + 1: "more than 4", not how many more
        assert inbox.shown_total(counted) == "4+" and inbox.shown_total(4) == 4
        monkeypatch.setattr(inbox, "CAP", 6)
        assert inbox.capped_count(inbox.query(clerk)) == 6 and inbox.shown_total(6) == 6


def test_api_total_stays_a_number_and_says_when_it_is_capped(queue, api, monkeypatch):
    body = api.get("/api/v1/applications", "clerk_daoli").get_json()
    assert (body["total"], body["total_capped"]) == (7, False)  # the closed one too (API.md)
    assert [a["number"] for a in body["items"]][:2] == ["PA-Q-early", "PA-Q-same-a"]
    monkeypatch.setattr(inbox, "CAP", 4)
    body = api.get("/api/v1/applications", "clerk_daoli").get_json()
    assert (body["total"], body["total_capped"], len(body["items"])) == (4, True, 7)


def test_console_inbox_shows_open_rows_and_a_capped_total(queue, client, monkeypatch):
    from tests.conftest import PASSWORD

    assert client.post("/login", data={"username": "clerk_daoli", "password": PASSWORD}).status_code == 302
    page = client.get("/console/").get_data(as_text=True)
    assert 'data-total="6"' in page and "PA-Q-closed" not in page
    assert page.index("PA-Q-late") < page.index("PA-Q-none-1") < page.index("PA-Q-none-2")
    assert "PA-Q-closed" in client.get("/console/?state=registered").get_data(as_text=True)  # closed: by state
    monkeypatch.setattr(inbox, "CAP", 4)
    assert 'data-total="4+"' in client.get("/console/").get_data(as_text=True)
