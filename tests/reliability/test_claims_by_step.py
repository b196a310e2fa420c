"""Issue 14 item 8: only staff who may act on an application's current state claim it. The probe: the
civil-affairs reviewer, the government approver and the housing reviewer each claimed a land transition
held by natural resources, whose own clerk could then neither claim nor release it."""

from __future__ import annotations

from sqlalchemy import select, update

from models import Application, SecurityEvent, User, db
from tests.reliability.world import VALID_DATA, staff

NR_CLERK = staff("clerk", "natural_resources")
CIVIL, HOUSING, GOVERNMENT = (
    staff("reviewer", "civil_affairs"),
    staff("reviewer", "housing"),
    staff("approver", "government"),
)


def _claim(world, app_id, who, method="POST"):
    return world.client.open(f"/api/v1/applications/{app_id}/claim", method=method, headers=world.headers(who))


def test_parties_cannot_claim_what_the_handling_authority_holds(world):
    body = world.bring("land_transition", "submitted")
    for who in (CIVIL, HOUSING, GOVERNMENT, staff("approver", "natural_resources")):
        r = _claim(world, body["id"], who)
        assert r.status_code == 403, (who, r.get_json())
        assert r.get_json()["error"]["code"] == "not_your_step"
    assert _claim(world, body["id"], NR_CLERK).get_json() == {"id": body["id"], "claimed_by": NR_CLERK}
    assert _claim(world, body["id"], NR_CLERK, "DELETE").status_code == 200


def test_the_page_refuses_too_and_offers_no_claim_button(world, app):
    body = world.bring("land_transition", "submitted")
    browser = app.test_client()
    assert browser.post("/login", data={"username": GOVERNMENT, "password": "correct-horse-9"}).status_code == 302
    page = browser.get(f"/console/applications/{body['id']}").get_data(as_text=True)
    assert 'class="small">认领' not in page and "尚未认领" in page
    assert browser.post(f"/console/applications/{body['id']}/claim").status_code == 403
    with app.app_context():
        assert db.session.get(Application, body["id"]).claimed_by_id is None


def test_each_step_is_claimed_by_who_acts_on_it_and_a_moved_on_holder_does_not_block(world, app):
    body = world.bring("land_transition", "submitted")
    assert world.fire(body["id"], "accept", NR_CLERK).status_code == 200  # → department_review
    assert _claim(world, body["id"], NR_CLERK).status_code == 403  # nothing for it to do now
    assert _claim(world, body["id"], CIVIL).status_code == 200  # an opinion is asked of it
    assert _claim(world, body["id"], GOVERNMENT).status_code == 403
    for who in (CIVIL, HOUSING):
        assert world.fire(body["id"], "give_opinion", who, VALID_DATA["give_opinion"]).status_code == 200
    assert world.app_json(body["id"])["state"] == "planning_review"
    assert _claim(world, body["id"], NR_CLERK).status_code == 200, "the reviewer's claim no longer blocks"
    assert _claim(world, body["id"], CIVIL).status_code == 403
    with app.app_context():
        entries = db.session.execute(
            select(SecurityEvent.actor, SecurityEvent.action, SecurityEvent.data).order_by(SecurityEvent.seq)
        ).all()
    assert [(a, act) for a, act, _d in entries] == [(CIVIL, "application_claimed"), (NR_CLERK, "application_claimed")]
    assert entries[-1].data["taken_from"] == CIVIL


def test_a_claim_made_before_the_rule_is_taken_over_by_the_own_clerk(world, app):
    """The probe's state: the government's approver holds a submitted application."""
    body = world.bring("land_transition", "submitted")
    with app.app_context():
        holder = db.session.execute(select(User.id).where(User.username == GOVERNMENT)).scalar_one()
        db.session.execute(update(Application).where(Application.id == body["id"]).values(claimed_by_id=holder))
        db.session.commit()
    assert _claim(world, body["id"], NR_CLERK).status_code == 200
    assert _claim(world, body["id"], NR_CLERK, "DELETE").status_code == 200
