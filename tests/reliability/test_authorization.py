"""Who may do what (DOMAIN §0 Roles, Jurisdictions; API.md 403/404), generated from the procedure definitions.

Every event × every state it may be fired from × every actor: the applicant and another applicant,
admin, auditor, and each staff role in each authority kind the procedure involves (plus one it does
not), in the application's division and in another. The oracle below is written from DOMAIN.md;
only the event table (roles, acting authorities) is read from workflows.registry.PROCEDURES.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import Application, Authority, Document, User, db
from tests.reliability.world import (
    ADMIN,
    AUDITOR,
    FIELDS,
    HOME,
    KINDS,
    OWNER,
    PATHS,
    STAFF_ROLES,
    VALID_DATA,
    Actor,
    actors,
    all_events,
)
from workflows.registry import PROCEDURES

NOBODY_ID = 2**31 - 7


# ---- the oracle (DOMAIN.md §0) -----------------------------------------------------------------


def sees(actor: Actor, procedure: str, state: str) -> bool:
    """Its applicant; staff of the handling authority; reviewers of the departments whose opinion it needs and
    approvers of the government that decides it (same division); auditors read everything; admins nothing
    (separation of duties: 404, as if it did not exist)."""
    if actor.role == "applicant":
        return actor == OWNER
    if actor.role == "auditor":
        return True
    if actor.role == "admin":
        return False
    if state == "draft" or actor.division != HOME:
        return False
    proc = PROCEDURES[procedure]
    if actor.kind == proc.authority_kind:
        return True
    if actor.kind in proc.parties(FIELDS[procedure]):
        return (actor.role == "reviewer" and actor.kind != "government") or (
            actor.role == "approver" and actor.kind == "government"
        )
    return False


def may_fire(actor: Actor, procedure: str, event) -> bool:
    """The event's roles, and for staff the acting authority of the application's own division.

    Batch-only events (a draw's step) and the system's events are fired by no user through this API.
    record_inspection: the home housing authority has one inspector, so the draw always assigns that one.
    """
    if event.internal or actor.role not in event.roles:
        return False
    if actor.role == "applicant":
        return actor == OWNER
    kinds = event.acting_kinds(FIELDS[procedure]) or (PROCEDURES[procedure].authority_kind,)
    return actor.kind in kinds and actor.division == HOME


def expected(actor: Actor, procedure: str, event, state: str) -> int:
    if not sees(actor, procedure, state):
        return 404
    return 200 if may_fire(actor, procedure, event) else 403


def error_code(r) -> str:
    body = r.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]["code"]


MATRIX = [
    pytest.param(proc, event.name, source, id=f"{proc}:{event.name} from {source}")
    for proc, event, source in all_events()
]


@pytest.mark.parametrize("procedure, event_name, source", MATRIX)
def test_event_matrix(bare_world, procedure, event_name, source):
    world = bare_world.populate(KINDS[procedure])
    event = PROCEDURES[procedure].event(event_name)
    app = world.bring(procedure, source)
    trail = len(world.get(f"/api/v1/applications/{app['id']}/events", OWNER.username).get_json())
    wrong, allowed = [], []
    for actor in actors(procedure):
        want = expected(actor, procedure, event, source)
        if want == 200:
            allowed.append(actor)
            continue
        r = world.fire(app["id"], event_name, actor.username, VALID_DATA[event_name], version=app["version"])
        if r.status_code != want:
            wrong.append((actor.label, r.status_code, want, r.get_json()))
        else:
            assert error_code(r) in ("forbidden", "batch_only", "not_found")
    assert not wrong, wrong
    after = world.app_json(app["id"])
    assert (after["state"], after["version"]) == (source, app["version"])
    assert len(world.get(f"/api/v1/applications/{app['id']}/events", OWNER.username).get_json()) == trail

    if event.internal or event.roles == ("system",):
        assert allowed == [], "batch-only and system events are fired by nobody through the event API"
        return
    assert allowed, f"DOMAIN.md gives {event_name} to somebody"
    for actor in allowed:  # each allowed actor on a fresh application: the event succeeds
        fresh = world.bring(procedure, source)
        assert event_name in world.app_json(fresh["id"], actor.username)["available_events"]
        r = world.fire(fresh["id"], event_name, actor.username, VALID_DATA[event_name], version=fresh["version"])
        assert r.status_code == 200, (actor.label, r.get_json())
        assert r.get_json()["state"] in event.dests


STATES = [pytest.param(proc, state, id=f"{proc}:{state}") for proc in PATHS for state in PATHS[proc]]


@pytest.mark.parametrize("procedure, state", STATES)
def test_available_events_offer_exactly_what_the_matrix_allows(bare_world, procedure, state):
    """What the pages and the API offer each actor (available_events) is the same rule, state by state."""
    world = bare_world.populate(KINDS[procedure])
    app = world.bring(procedure, state)
    proc, wrong = PROCEDURES[procedure], []
    for actor in actors(procedure):
        if not sees(actor, procedure, state):
            continue
        offered = set(world.app_json(app["id"], actor.username)["available_events"])
        allowed = {e.name for e in proc.events if state in e.sources and may_fire(actor, procedure, e)}
        if offered != allowed:
            wrong.append((actor.label, sorted(offered), sorted(allowed)))
    assert not wrong, wrong


def test_the_states_cover_every_source_state():
    assert {(p, s) for p, _e, s in all_events()} <= {(p, s) for p in PATHS for s in PATHS[p]}


def test_the_matrix_covers_every_event_of_every_procedure():
    covered = {(p, e.name) for p, e, _s in all_events()}
    assert covered == {(p, e.name) for p, proc in PROCEDURES.items() for e in proc.events}
    assert len(MATRIX) == sum(len(e.sources) for proc in PROCEDURES.values() for e in proc.events)


# ---- nobody decides on what they submitted ---------------------------------------------------

DECISIONS = [
    pytest.param(proc, event.name, event.sources[0], id=f"{proc}:{event.name}")
    for proc, event, source in all_events()
    if source == event.sources[0] and not event.internal and set(event.roles) & set(STAFF_ROLES)
]


@pytest.mark.parametrize("procedure, event_name, source", DECISIONS)
def test_nobody_decides_on_what_they_submitted(bare_world, app, procedure, event_name, source):
    world = bare_world.populate(KINDS[procedure])
    event = PROCEDURES[procedure].event(event_name)
    body = world.bring(procedure, source)
    decider = next(a for a in actors(procedure) if a.role in STAFF_ROLES and may_fire(a, procedure, event))
    with app.app_context():  # the decider filed it (a clerk's own business): only possible behind the app's back
        row = db.session.get(Application, body["id"])
        row.applicant_id = db.session.execute(select(User.id).where(User.username == decider.username)).scalar_one()
        db.session.commit()
    r = world.fire(body["id"], event_name, decider.username, VALID_DATA[event_name], version=body["version"])
    assert r.status_code == 403, (decider.label, r.get_json())
    assert "own_application" in {d.get("rule") for d in r.get_json()["error"]["details"]}
    after = world.app_json(body["id"], decider.username)
    assert (after["state"], after["version"]) == (source, body["version"])
    assert event_name not in after["available_events"]


# ---- other users' applications, attachments and documents: 404, as if they did not exist ---------

DECIDED = {
    "premise_addition": "registered",
    "land_transition": "in_transition",
    "fire_filing": "filed",
    "childcare_filing": "filed",
}


def may_download(actor: Actor, issuer_kind: str, procedure: str) -> bool:
    """API.md: to its holder and the issuing authority's staff (and the handling authority's, who issued the rest)."""
    if actor.role == "applicant":
        return actor == OWNER
    return (
        actor.role in STAFF_ROLES
        and actor.division == HOME
        and actor.kind in (issuer_kind, PROCEDURES[procedure].authority_kind)
    )


@pytest.mark.parametrize("procedure", list(PROCEDURES))
def test_objects_of_others_are_404_without_revealing_existence(bare_world, app, procedure):
    world = bare_world.populate(KINDS[procedure])
    body = world.bring(procedure, DECIDED[procedure])
    app_id, att_id = body["id"], body["attachments"][0]["id"]
    with app.app_context():
        docs = [
            (number, kind)
            for number, kind in db.session.execute(
                select(Document.number, Authority.kind)
                .join(Authority, Authority.id == Document.authority_id)
                .where(Document.application_id == app_id)
            )
        ]
    assert docs, "the decided application carries a document"
    reads = [
        "/api/v1/applications/{}",
        "/api/v1/applications/{}/events",
        "/api/v1/applications/{}/attachments",
        "/api/v1/applications/{}/attachments/" + str(att_id),
        "/api/v1/applications/{}/diagram.svg",
    ]
    wrong = []
    for actor in actors(procedure):
        visible = sees(actor, procedure, DECIDED[procedure])
        for url in reads:
            r, absent = world.get(url.format(app_id), actor.username), world.get(url.format(NOBODY_ID), actor.username)
            if r.status_code != (200 if visible else 404):
                wrong.append((actor.label, url, r.status_code))
            elif not visible and r.get_json() != absent.get_json():
                wrong.append((actor.label, url, "404 differs from a missing id's", r.get_json(), absent.get_json()))
        listed = world.get(f"/api/v1/applications?procedure={procedure}&per_page=100", actor.username)
        if (app_id in {a["id"] for a in listed.get_json()["items"]}) != visible:
            wrong.append((actor.label, "list", not visible))
        for number, issuer in docs:
            r = world.get(f"/api/v1/documents/{number}.pdf", actor.username)
            want = 200 if may_download(actor, issuer, procedure) else 404
            if r.status_code != want:
                wrong.append((actor.label, number, r.status_code, want))
            elif (
                want == 404
                and r.get_json()
                != world.get("/api/v1/documents/哈道市监经登字〔2026〕999999号.pdf", actor.username).get_json()
            ):
                wrong.append((actor.label, number, "404 differs from a missing number's"))
        if not visible:  # writing is no way in either
            tries = [
                world.client.patch(
                    f"/api/v1/applications/{app_id}",
                    headers=world.headers(actor.username),
                    json={"fields": {"contact_phone": "0451-1"}},
                ),
                world.upload(app_id, ATTACHMENT_KIND[procedure], actor.username),
                world.client.delete(
                    f"/api/v1/applications/{app_id}/attachments/{att_id}", headers=world.headers(actor.username)
                ),
                world.fire(app_id, "withdraw", actor.username, version=body["version"]),
            ]
            wrong += [
                (actor.label, "write", r.request.method, r.request.path, r.status_code)
                for r in tries
                if r.status_code != 404
            ]
    assert not wrong, wrong
    assert world.app_json(app_id)["version"] == body["version"]


ATTACHMENT_KIND = {
    "premise_addition": "premise_use_document",
    "land_transition": "project_plan",
    "fire_filing": "filing_form",
    "childcare_filing": "commitment_letter",
}


def test_admin_and_auditor_hold_no_business_event_in_any_procedure():
    for proc in PROCEDURES.values():
        for event in proc.events:
            assert not {"admin", "auditor"} & set(event.roles), (proc.name, event.name)
    assert ADMIN.role == "admin" and AUDITOR.role == "auditor"
