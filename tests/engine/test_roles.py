"""Who may fire what (DOMAIN.md §0 Roles, §1): a role × event table generated from the definition."""

from __future__ import annotations

import pytest

from tests.engine.spec import PREMISE_EVENTS, VALID_DATA
from workflows.registry import PROCEDURES

PROC = PROCEDURES["premise_addition"]
HOME = "230102:market_regulation"  # the authority of the fixtures' domicile (道里区)

# label: (username, role, authority or None, owns the application)
ACTORS = {
    "applicant-owner": ("alice", "applicant", None, True),
    "other applicant": ("bob", "applicant", None, False),
    "clerk same authority": ("clerk_daoli", "clerk", HOME, False),
    "clerk other authority (230103)": ("clerk_nangang", "clerk", "230103:market_regulation", False),
    "approver same authority": ("approver_daoli", "approver", HOME, False),
    "approver other authority": ("approver_nangang", "approver", "230103:market_regulation", False),
    "reviewer": ("reviewer_daoli", "reviewer", "230102:civil_affairs", False),
    "inspector": ("inspector_daoli", "inspector", "230102:housing", False),
    "admin": ("admin", "admin", None, False),
    "auditor": ("auditor", "auditor", None, False),
}


def sees(actor: str, state: str) -> bool:
    """DOMAIN §0: the applicant, staff of the handling authority (never drafts), auditors read all; admins
    nothing (separation of duties: 404, as if it did not exist)."""
    _user, role, authority, owner = ACTORS[actor]
    if role == "applicant":
        return owner
    if role in ("admin", "auditor"):
        return role == "auditor"
    return authority == HOME and state != "draft"


def may_fire(actor: str, event) -> bool:
    _user, role, authority, owner = ACTORS[actor]
    if role not in event.roles:
        return False
    return owner if role == "applicant" else authority == HOME


def expected(actor: str, event, state: str) -> int:
    if not sees(actor, state):
        return 404
    return 200 if may_fire(actor, event) else 403


TABLE = [
    pytest.param(
        event.name,
        event.sources[0],
        actor,
        expected(actor, event, event.sources[0]),
        id=f"{event.name} from {event.sources[0]} by {actor}",
    )
    for event in PROC.events
    for actor in ACTORS
]


@pytest.mark.parametrize("event, state, actor, status", TABLE)
def test_role_event(api, bring, fast_pdf, event, state, actor, status):
    app = bring(state)
    username = ACTORS[actor][0]
    r = api.post(
        f"/api/v1/applications/{app['id']}/events",
        username,
        json={
            "event": event,
            "version": app["version"],
            **({"data": VALID_DATA[event]} if VALID_DATA[event] is not None else {}),
        },
    )
    assert r.status_code == status, r.get_json()
    body = r.get_json()
    if status == 200:
        assert body["state"] == PROC.event(event).dests[0]
        return
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == {403: "forbidden", 404: "not_found"}[status]
    after = api.get(f"/api/v1/applications/{app['id']}", "alice").get_json()
    assert (after["state"], after["version"]) == (state, app["version"])


def test_the_table_allows_exactly_what_domain_md_says():
    """Each event has one allowed actor: the owner for applicant events, the home authority's staff else."""
    allowed = {e.name: sorted(a for a in ACTORS if expected(a, e, e.sources[0]) == 200) for e in PROC.events}
    want = {
        name: ["applicant-owner"]
        if roles == ("applicant",)
        else ["clerk same authority"]
        if roles == ("clerk",)
        else ["approver same authority"]
        for name, (_s, _d, roles) in PREMISE_EVENTS.items()
    }
    assert allowed == want


@pytest.mark.parametrize("state", ["draft", "submitted", "under_review", "correction_required", "registered"])
@pytest.mark.parametrize("actor", ["admin", "auditor"])
def test_admin_and_auditor_never_have_business_events(api, bring, fast_pdf, actor, state):
    app = bring(state)
    seen = api.get(f"/api/v1/applications/{app['id']}", ACTORS[actor][0])
    if actor == "admin":  # sees nothing at all: every event is a 404
        assert seen.status_code == 404
    else:
        assert seen.status_code == 200 and seen.get_json()["available_events"] == []
    for event in PROC.events:
        r = api.fire(app["id"], event.name, ACTORS[actor][0], VALID_DATA[event.name], version=app["version"])
        assert r.status_code in ((404,) if actor == "admin" else (403, 409)), (event.name, r.get_json())


@pytest.mark.parametrize(
    "state, actor, events",
    [
        ("draft", "applicant-owner", ["submit"]),
        ("submitted", "applicant-owner", ["withdraw"]),
        ("submitted", "clerk same authority", ["register", "accept", "request_correction", "refuse", "redirect"]),
        ("submitted", "approver same authority", []),
        ("under_review", "approver same authority", ["extend"]),
        ("under_review", "clerk same authority", ["register", "request_correction", "refuse"]),
        ("correction_required", "applicant-owner", ["resubmit", "withdraw"]),
        ("registered", "applicant-owner", ["cancel"]),
        ("registered", "approver same authority", ["revoke"]),
    ],
    ids=lambda v: v if isinstance(v, str) else ",".join(v) or "nothing",
)
def test_available_events_are_what_the_caller_may_fire_now(api, bring, fast_pdf, state, actor, events):
    app = bring(state)
    assert api.get(f"/api/v1/applications/{app['id']}", ACTORS[actor][0]).get_json()["available_events"] == events


def test_nobody_decides_on_an_application_they_submitted(app, api, fast_pdf):
    """A clerk who files for their own business may not register it (DOMAIN §0 Roles)."""
    from models import Application, User, db

    submitted = api.submitted()
    with app.app_context():
        row = db.session.get(Application, submitted["id"])
        row.applicant_id = db.session.execute(db.select(User.id).where(User.username == "clerk_daoli")).scalar()
        db.session.commit()
    r = api.fire(submitted["id"], "register", "clerk_daoli")
    assert r.status_code == 403
    assert [d["rule"] for d in r.get_json()["error"]["details"]] == ["own_application"]
