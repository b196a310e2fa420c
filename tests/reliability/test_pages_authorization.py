"""The authorization matrix again, through the pages: every event × every state it may be fired from ×
every actor, posted as the event form of the applicant's portal (/my) or the staff console (/console).

Allowed → the event is done (303 back to the application, new state). Everything else → 404 for whoever may
not see the application, 403 for whoever sees it but may not fire the event (staff pages for applicants and
the portal for staff are 403 as a whole); the application, its version and its audit trail stay as they were.
The oracle (`sees`, `may_fire`) is test_authorization's, written from DOMAIN.md.
"""

from __future__ import annotations

import pytest

from tests.reliability.test_authorization import MATRIX, may_fire, sees
from tests.reliability.world import FIELDS, KINDS, OWNER, STAFF_ROLES, VALID_DATA, actors
from workflows.registry import PROCEDURES

PASSWORD = "correct-horse-9"


def changes_form(event, changes: dict, fields: dict) -> dict:
    """Changed fields (an amendment) as the event's page form posts them: every input it offers, filled with the
    current values (what the page shows) and the changes, prefixed with the event's name; rows as name-i-column."""
    names = next(spec.names for spec in event.schema.values() if spec.type == "fields")
    form = {}
    for name, value in {**{n: fields.get(n) for n in names}, **changes}.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            for i, row in enumerate(value):
                form.update({f"{event.name}-{name}-{i}-{column}": str(cell) for column, cell in row.items()})
        elif isinstance(value, list):
            form[f"{event.name}-{name}"] = value
        elif value is not None:
            form[f"{event.name}-{name}"] = str(value)
    return form


def form_of(data: dict | None, event=None, fields: dict | None = None) -> dict:
    """An event's data as its page form posts it (yes/no answers, correction items as parallel lists)."""
    form = {}
    for key, value in (data or {}).items():
        if key == "fields" and event is not None:
            form.update(changes_form(event, value, fields or {}))
        elif key == "items":
            form["item_name"] = [i["field"] for i in value]
            form["item_reason"] = [i["reason"] for i in value]
            form["item_on"] = [i["field"] for i in value]
        elif key == "answers":  # the resubmission's written explanations, one box per item
            form.update({f"answer-{name}": text for name, text in value.items()})
        elif isinstance(value, bool):
            form[key] = "yes" if value else "no"
        else:
            form[key] = str(value)
    return form


def page_for(actor) -> str:
    return "/my" if actor.role == "applicant" else "/console"


def expected(actor, procedure: str, event, state: str) -> int:
    if actor.role in STAFF_ROLES:
        return 404 if not sees(actor, procedure, state) else 303 if may_fire(actor, procedure, event) else 403
    if actor.role == "applicant":
        return 404 if actor != OWNER else 303 if may_fire(actor, procedure, event) else 403
    return 404 if actor.role == "admin" else 403  # an admin is not shown applications; the auditor fires nothing


@pytest.fixture
def sessions(app):
    clients = {}

    def get(actor):
        if actor.username not in clients:
            client = app.test_client()
            r = client.post("/login", data={"username": actor.username, "password": PASSWORD})
            assert r.status_code in (302, 303), (actor.label, r.status_code)
            clients[actor.username] = client
        return clients[actor.username]

    return get


@pytest.mark.parametrize("procedure, event_name, source", MATRIX)
def test_event_matrix_through_the_pages(bare_world, sessions, procedure, event_name, source):
    world = bare_world.populate(KINDS[procedure])
    event = PROCEDURES[procedure].event(event_name)
    body = world.bring(procedure, source)
    trail = len(world.get(f"/api/v1/applications/{body['id']}/events", OWNER.username).get_json())
    data = form_of(VALID_DATA[event_name], event, FIELDS[procedure])
    form = {"event": event_name, "version": str(body["version"]), **data}
    form.update(declare="yes", comment="同意")  # the declaration ticked, the decision's opinion written
    wrong, allowed = [], []
    for actor in actors(procedure):
        want = expected(actor, procedure, event, source)
        if want == 303:
            allowed.append(actor)
            continue
        r = sessions(actor).post(f"{page_for(actor)}/applications/{body['id']}/events", data=form)
        if r.status_code != want:
            wrong.append((actor.label, r.status_code, want))
    assert not wrong, wrong
    after = world.app_json(body["id"])
    assert (after["state"], after["version"]) == (source, body["version"])
    assert len(world.get(f"/api/v1/applications/{body['id']}/events", OWNER.username).get_json()) == trail

    if event.internal or event.roles == ("system",):
        assert not allowed
        return
    assert allowed
    for actor in allowed:  # each allowed actor, on a fresh application, through its page: done
        fresh = world.bring(procedure, source)
        form["version"] = str(fresh["version"])
        r = sessions(actor).post(f"{page_for(actor)}/applications/{fresh['id']}/events", data=form)
        assert r.status_code == 303, (actor.label, r.status_code)
        assert world.app_json(fresh["id"])["state"] in event.dests, (actor.label, "the page said done")
