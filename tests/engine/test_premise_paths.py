"""Paths through premise_addition (DOMAIN.md §1), as a table: events, final state, documents, audit trail."""

from __future__ import annotations

import re
from collections import deque

import pytest

from tests.engine.spec import ANSWERS, ITEMS, PREMISE_EVENTS, PREMISE_FINAL, PREMISE_STATES, REASON
from workflows.registry import MACHINES, PROCEDURES

PROC = PROCEDURES["premise_addition"]
ALICE, CLERK, APPROVER = "alice", "clerk_daoli", "approver_daoli"

SUBMIT = ("submit", ALICE, None)
ACCEPT = ("accept", CLERK, None)
REGISTER = ("register", CLERK, None)
CORRECT = ("request_correction", CLERK, ITEMS)

# id: (steps as (event, actor, data), final state, documents as (kind, status) in issuing order)
PATHS = {
    "submit→register on the spot": ([SUBMIT, REGISTER], "registered", [("registration_notice", "valid")]),
    "submit→accept→extend→register": (
        [SUBMIT, ACCEPT, ("extend", APPROVER, {"reason": "需现场核查"}), REGISTER],
        "registered",
        [("receipt", "valid"), ("registration_notice", "valid")],
    ),
    "submit→request_correction→resubmit→accept→register": (
        [SUBMIT, CORRECT, ("resubmit", ALICE, ANSWERS), ACCEPT, REGISTER],
        "registered",
        [("correction_notice", "superseded"), ("receipt", "valid"), ("registration_notice", "valid")],
    ),
    "submit→accept→request_correction→resubmit→register": (
        [SUBMIT, ACCEPT, CORRECT, ("resubmit", ALICE, ANSWERS), REGISTER],
        "registered",
        [("receipt", "valid"), ("correction_notice", "superseded"), ("registration_notice", "valid")],
    ),
    "submit→refuse": ([SUBMIT, ("refuse", CLERK, REASON)], "refused", [("refusal_notice", "valid")]),
    "submit→accept→refuse": (
        [SUBMIT, ACCEPT, ("refuse", CLERK, REASON)],
        "refused",
        [("receipt", "valid"), ("refusal_notice", "valid")],
    ),
    "submit→redirect": ([SUBMIT, ("redirect", CLERK, {"authority": "230103"})], "redirected", []),
    "submit→withdraw": ([SUBMIT, ("withdraw", ALICE, None)], "withdrawn", []),
    "correction→withdraw": (
        [SUBMIT, CORRECT, ("withdraw", ALICE, None)],
        "withdrawn",
        [("correction_notice", "valid")],
    ),
    "under_review→withdraw": ([SUBMIT, ACCEPT, ("withdraw", ALICE, None)], "withdrawn", [("receipt", "valid")]),
    "register→cancel": (
        [SUBMIT, REGISTER, ("cancel", ALICE, {"closed_on": "2026-11-25"})],
        "cancelled",
        [("registration_notice", "expired")],
    ),
    "register→revoke": (
        [SUBMIT, REGISTER, ("revoke", APPROVER, REASON)],
        "revoked",
        [("registration_notice", "revoked"), ("revocation_decision", "valid")],
    ),
}

DOCUMENT_KEYS = {"number", "kind", "status", "url", "verify_url"}
AUDIT_KEYS = {"seq", "event", "from_state", "to_state", "actor", "role", "at", "comment", "data", "hash"}


@pytest.mark.parametrize("steps, final, documents", list(PATHS.values()), ids=list(PATHS))
def test_path(api, steps, final, documents):
    app = api.draft()
    assert api.upload(app["id"]).status_code == 201
    for event, actor, data in steps:
        r = api.fire(app["id"], event, actor, data)
        assert r.status_code == 200, (event, r.get_json())
        app = r.get_json()
    assert app["state"] == final

    assert [(d["kind"], d["status"]) for d in app["documents"]] == documents
    for doc in app["documents"]:
        assert DOCUMENT_KEYS <= set(doc)
        assert doc["number"].startswith("哈道市监") and re.search(r"〔2026〕[1-9]\d*号$", doc["number"])
        public = api.get("/api/v1/verify/" + doc["verify_url"].rsplit("/", 1)[1]).get_json()
        assert (public["number"], public["kind"], public["status"]) == (doc["number"], doc["kind"], doc["status"])

    trail = api.get(f"/api/v1/applications/{app['id']}/events", ALICE).get_json()
    assert len(trail) == len(steps) + 1
    assert [e["event"] for e in trail] == ["create"] + [event for event, _a, _d in steps]
    assert [(e["actor"], e["seq"]) for e in trail] == [(ALICE, 1)] + [(a, i + 2) for i, (_e, a, _d) in enumerate(steps)]
    assert all(set(e) >= AUDIT_KEYS for e in trail)
    assert trail[0]["from_state"] is None and trail[0]["to_state"] == "draft"
    for before, after in zip(trail, trail[1:], strict=False):
        assert after["from_state"] == before["to_state"]
    assert trail[-1]["to_state"] == final
    assert len({e["hash"] for e in trail}) == len(trail)


@pytest.mark.parametrize("final", sorted(PREMISE_FINAL))
def test_nobody_can_fire_anything_in_a_final_state(api, final):
    path = next(steps for steps, state, _docs in PATHS.values() if state == final)
    app = api.draft()
    api.upload(app["id"])
    for event, actor, data in path:
        app = api.fire(app["id"], event, actor, data).get_json()
    for user in (ALICE, CLERK, APPROVER):
        assert api.get(f"/api/v1/applications/{app['id']}", user).get_json()["available_events"] == []


def test_every_event_of_the_definition_appears_in_the_table():
    used = {event for steps, _f, _d in PATHS.values() for event, _a, _d2 in steps}
    assert used == {e.name for e in PROC.events}


def test_every_final_state_appears_in_the_table():
    assert {final for _s, final, _d in PATHS.values()} >= PREMISE_FINAL


# ---- the definition itself ------------------------------------------------------------------


def test_definition_matches_domain_table():
    assert tuple(PROC.states) == PREMISE_STATES
    assert PROC.initial == "draft"
    assert {e.name: (tuple(e.sources), e.dest, tuple(e.roles)) for e in PROC.events} == PREMISE_EVENTS
    assert set(PROC.final_states) == PREMISE_FINAL


def _reachable(start: str) -> set[str]:
    seen, todo = {start}, deque([start])
    while todo:
        state = todo.popleft()
        for event in PROC.events:
            if state in event.sources:
                for dest in set(event.dests) - seen:
                    seen.add(dest)
                    todo.append(dest)
    return seen


@pytest.mark.parametrize("state", PREMISE_STATES)
def test_every_state_is_reachable_from_draft(state):
    assert state in _reachable(PROC.initial)


@pytest.mark.parametrize("state", sorted(set(PREMISE_STATES) - PREMISE_FINAL))
def test_every_non_final_state_has_a_way_out(state):
    leaving = [e.name for e in PROC.events if state in e.sources and set(e.dests) != {state}]
    assert leaving, f"{state} has no event leaving it"
    assert _reachable(state) & PREMISE_FINAL, f"no final state is reachable from {state}"


def test_machine_is_built_from_the_definition():
    machine = MACHINES["premise_addition"]
    assert list(machine.states) == list(PROC.states)
    assert set(machine.events) == {e.name for e in PROC.events}  # no to_<state>() back doors
    for event in PROC.events:
        transitions = machine.events[event.name].transitions
        assert set(transitions) == set(event.sources), event.name
        for source in event.sources:
            assert [t.dest for t in transitions[source]] == list(event.dests), (event.name, source)


def test_api_procedure_listing_is_the_definition(client):
    listing = next(p for p in client.get("/api/v1/procedures").get_json() if p["name"] == "premise_addition")
    assert listing["states"] == list(PREMISE_STATES)
    assert {e["name"]: (tuple(e["sources"]), e["dest"], tuple(e["roles"])) for e in listing["events"]} == PREMISE_EVENTS
    assert {f["name"] for f in listing["fields"]} >= {
        "enterprise_name",
        "credit_code",
        "domicile_address",
        "domicile_division",
        "service_category",
        "premise_address",
        "premise_division",
        "premise_street",
        "business_scope",
        "needs_prior_licence",
    }
    assert {"kind": "premise_use_document", "required": True} in [
        {"kind": a["kind"], "required": a["required"]} for a in listing["required_attachments"]
    ]
