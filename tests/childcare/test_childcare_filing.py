"""childcare_filing (DOMAIN §4) through the API: the paths, the class checks at their limits, who fires what, the time
limits on the as-of date, and the fire-safety proof that a fire-filing receipt in force at the same address replaces."""

from __future__ import annotations

import pytest

from models import Notification, db
from tests.childcare.conftest import CHILDCARE, KINDS, NONCOMPLIANT, fields_named
from tests.conftest import PDF_BYTES
from tests.fire.test_fire_filing import ALL_KINDS, FIRE_FIELDS

INSPECTOR, CLERK, APPLICANT = "health_inspector", "health_clerk", "alice"
COMPLIANT = {"compliant": True, "findings": "符合要求"}
EXPLANATION = {"explanation": "已新聘两名持证保育人员"}
SUBMIT = ("submit", APPLICANT, None)
FILE = ("file", CLERK, None)
ASK = ("record_verification", INSPECTOR, NONCOMPLIANT)
EXPLAIN = ("explain", APPLICANT, EXPLANATION)

# (steps, state, the documents' kinds and statuses, the deadline: due date and its limit) — FIXED_TODAY 2026-11-25
PATHS = {
    "submitted": ([SUBMIT], "submitted", [], ("2026-12-02", 5)),
    "withdrawn": ([SUBMIT, ("withdraw", APPLICANT, None)], "withdrawn", [], None),
    "correction": (
        [SUBMIT, ("request_correction", CLERK, {"items": [{"field": "health_evaluation", "reason": "报告无结论"}]})],
        "correction_required",
        [("correction_notice", "valid")],
        None,
    ),
    "resubmitted": (
        [
            SUBMIT,
            ("request_correction", CLERK, {"items": [{"field": "health_evaluation", "reason": "报告无结论"}]}),
            ("resubmit", APPLICANT, {"answers": {"health_evaluation": "报告结论页已补盖公章，结论为合格"}}),
        ],
        "submitted",
        [("correction_notice", "superseded")],
        ("2026-12-02", 5),
    ),
    "filed": ([SUBMIT, FILE], "filed", [("childcare_receipt", "valid")], ("2026-12-16", 15)),
    "verified": (
        [SUBMIT, FILE, ("record_verification", INSPECTOR, COMPLIANT)],
        "verified",
        [("childcare_receipt", "valid")],
        None,
    ),
    "verified-by-the-clerk": (
        [SUBMIT, FILE, ("record_verification", CLERK, {"compliant": True})],
        "verified",
        [("childcare_receipt", "valid")],
        None,
    ),
    "explanation_required": (
        [SUBMIT, FILE, ASK],
        "explanation_required",
        [("childcare_receipt", "valid"), ("explanation_notice", "valid")],
        ("2026-12-09", 10),
    ),
    "explanation_submitted": (
        [SUBMIT, FILE, ASK, EXPLAIN],
        "explanation_submitted",
        [("childcare_receipt", "valid"), ("explanation_notice", "superseded")],
        ("2026-12-09", 10),
    ),
    "concluded-compliant": (
        [SUBMIT, FILE, ASK, EXPLAIN, ("conclude", CLERK, COMPLIANT)],
        "verified",
        [("childcare_receipt", "valid"), ("explanation_notice", "superseded")],
        None,
    ),
    "noncompliant": (
        [SUBMIT, FILE, ASK, EXPLAIN, ("conclude", CLERK, NONCOMPLIANT)],
        "noncompliant",
        [("childcare_receipt", "valid"), ("explanation_notice", "superseded"), ("noncompliance_notice", "valid")],
        None,
    ),
    "amended": (
        [SUBMIT, FILE, ("amend", APPLICANT, {"fields": {"places": 45, "care_types": ["full_day"]}})],
        "filed",
        [("childcare_receipt", "superseded"), ("childcare_receipt", "valid")],
        ("2026-12-16", 15),
    ),
    "cancelled-after-filing": (
        [SUBMIT, FILE, ("cancel", APPLICANT, None)],
        "cancelled",
        [("childcare_receipt", "cancelled")],
        None,
    ),
    "cancelled-while-explaining": (
        [SUBMIT, FILE, ASK, ("cancel", APPLICANT, None)],
        "cancelled",
        [("childcare_receipt", "cancelled"), ("explanation_notice", "valid")],
        None,
    ),
    "cancelled-when-noncompliant": (
        [SUBMIT, FILE, ASK, EXPLAIN, ("conclude", CLERK, NONCOMPLIANT), ("cancel", APPLICANT, None)],
        "cancelled",
        [("childcare_receipt", "cancelled"), ("explanation_notice", "superseded"), ("noncompliance_notice", "valid")],
        None,
    ),
}


@pytest.mark.parametrize("name", list(PATHS))
def test_paths_through_the_procedure(childcare, name):
    steps, state, documents, deadline = PATHS[name]
    body = childcare.complete()
    for event, user, data in steps:
        body = childcare.ok(body["id"], event, user, data)
    body = childcare.get(body["id"])
    assert body["state"] == state
    assert [(d["kind"], d["status"]) for d in body["documents"]] == documents
    assert (deadline and (body["deadline"]["due"], body["deadline"]["basis"]["days"])) == deadline


def test_the_audit_trail_names_every_step(childcare, api):
    body = childcare.complete()
    for event, user, data in (SUBMIT, FILE, ASK, EXPLAIN, ("conclude", CLERK, NONCOMPLIANT)):
        body = childcare.ok(body["id"], event, user, data)
    trail = api.get(f"/api/v1/applications/{body['id']}/events", APPLICANT).get_json()
    assert [(e["event"], e["from_state"], e["to_state"]) for e in trail] == [
        ("create", None, "draft"),
        ("submit", "draft", "submitted"),
        ("file", "submitted", "filed"),
        ("record_verification", "filed", "explanation_required"),
        ("explain", "explanation_required", "explanation_submitted"),
        ("conclude", "explanation_submitted", "noncompliant"),
    ]
    assert trail[3]["data"]["findings"] == NONCOMPLIANT["findings"] and trail[3]["role"] == "inspector"
    assert trail[4]["data"]["explanation"] == EXPLANATION["explanation"]
    assert body["verification"]["compliant"] is False and body["explanation"] == EXPLANATION["explanation"]
    assert body["children_total"] == 20


# --- eligibility: the class sizes and ratios exactly at the limit, and one over -------------------------------

CLASS_EDGES = [
    # (age group, children, caregivers, the field named, or None when eligible)
    ("infant", 10, 4, None),  # 10 children: the most an infant class may have
    ("infant", 9, 3, None),  # exactly 1:3
    ("infant", 11, 4, "children"),
    ("infant", 10, 3, "caregivers"),  # 10 > 3 × 3
    ("toddler", 15, 3, None),
    ("toddler", 16, 4, "children"),
    ("toddler", 11, 2, "caregivers"),
    ("older", 20, 3, None),
    ("older", 14, 2, None),  # exactly 1:7
    ("older", 21, 4, "children"),
    ("older", 15, 2, "caregivers"),
    ("mixed", 18, 4, None),
    ("mixed", 15, 3, None),  # exactly 1:5, its youngest group's ratio
    ("mixed", 19, 4, "children"),
    ("mixed", 16, 3, "caregivers"),
]


@pytest.mark.parametrize("age, children, caregivers, named", CLASS_EDGES)
def test_class_size_and_caregiver_ratio_at_and_over_the_limit(api, age, children, caregivers, named):
    classes = [
        {"age_group": "older", "children": 7, "caregivers": 1},
        {"age_group": age, "children": children, "caregivers": caregivers},
    ]
    r = api.post("/api/v1/eligibility/childcare_filing", json={"fields": {**CHILDCARE, "classes": classes}})
    body = r.get_json()
    assert r.status_code == 200
    assert body["eligible"] is (named is None) and body["route"] == (None if named else "filing")
    assert [d["field"] for d in body["details"]] == ([f"classes[1].{named}"] if named else [])
    if named:
        assert body["reasons"] and ("1:" in body["reasons"][0] or "上限" in body["reasons"][0])


def test_every_problem_is_named_at_once(api):
    fields = {
        **CHILDCARE,
        "registered_scope": "家政服务；养老服务",
        "places": 20,
        "classes": [
            {"age_group": "infant", "children": 12, "caregivers": 2},
            {"age_group": "toddler", "children": 10, "caregivers": 2},
        ],
    }
    body = api.post("/api/v1/eligibility/childcare_filing", json={"fields": fields}).get_json()
    assert [d["field"] for d in body["details"]] == [
        "registered_scope",
        "classes[0].children",
        "classes[0].caregivers",
        "places",  # 22 children in 20 places
    ]
    assert "托育" in body["reasons"][0]
    english = api.post(
        "/api/v1/eligibility/childcare_filing", json={"fields": fields}, headers={"Accept-Language": "en"}
    ).get_json()
    assert "childcare" in english["reasons"][0]


@pytest.mark.parametrize(
    "scope, eligible", [("托育服务", True), ("普惠托育服务；家政服务", True), ("幼儿园教育", False)]
)
def test_the_registered_scope_names_childcare(api, scope, eligible):
    body = api.post(
        "/api/v1/eligibility/childcare_filing", json={"fields": {**CHILDCARE, "registered_scope": scope}}
    ).get_json()
    assert body["eligible"] is eligible


def test_a_draft_is_kept_and_submit_enforces_the_checks(childcare):
    over = [{"age_group": "infant", "children": 11, "caregivers": 3}]
    draft = childcare.complete(classes=over)  # a draft never fails on eligibility
    assert draft["eligibility"]["eligible"] is False
    r = childcare.fire(draft["id"], "submit", APPLICANT)
    assert r.status_code == 422 and fields_named(r) == {"classes[0].children", "classes[0].caregivers"}


def test_malformed_values_are_refused_with_their_place(api):
    r = api.post(
        "/api/v1/applications",
        "alice",
        json={
            "procedure": "childcare_filing",
            "fields": {
                **CHILDCARE,
                "places": 0,
                "care_types": ["full_day", "overnight"],
                "registration_kind": "company",
                "classes": [{"age_group": "infant", "children": "many", "caregivers": 1, "nurses": 2}],
            },
        },
    )
    assert r.status_code == 422
    assert fields_named(r) == {
        "places",
        "care_types",
        "registration_kind",
        "classes[0].children",
        "classes[0].nurses",
    }


def test_submit_names_every_missing_field_and_material(childcare):
    draft = childcare.draft(legal_representative=None, classes=[{"age_group": "toddler", "children": 6}])
    r = childcare.fire(draft["id"], "submit", APPLICANT)
    assert r.status_code == 422
    assert fields_named(r) == {"legal_representative", "classes[0].caregivers", *KINDS}


# --- who may fire each event -----------------------------------------------------------------------------------


def test_roles_of_each_event(childcare):
    submitted = childcare.submitted()
    assert childcare.fire(submitted["id"], "file", INSPECTOR).status_code == 403  # an inspector does not file
    assert childcare.fire(submitted["id"], "file", APPLICANT).status_code == 403
    assert childcare.fire(submitted["id"], "file", "housing_clerk").status_code == 404  # not its authority
    assert childcare.fire(submitted["id"], "file", "health_clerk_nangang").status_code == 404  # not its division
    assert childcare.fire(submitted["id"], "file", "health_approver").status_code == 403
    assert "file" in childcare.get(submitted["id"], CLERK)["available_events"]
    filed = childcare.ok(submitted["id"], "file", CLERK)
    assert set(childcare.get(filed["id"], INSPECTOR)["available_events"]) == {"record_verification"}
    assert set(childcare.get(filed["id"], CLERK)["available_events"]) == {"record_verification"}
    assert set(childcare.get(filed["id"], APPLICANT)["available_events"]) == {"amend", "cancel"}
    assert childcare.fire(filed["id"], "record_verification", APPLICANT, COMPLIANT).status_code == 403
    asked = childcare.ok(filed["id"], "record_verification", INSPECTOR, NONCOMPLIANT)
    assert childcare.fire(asked["id"], "explain", CLERK, EXPLANATION).status_code == 403
    assert childcare.fire(asked["id"], "explain", "bob", EXPLANATION).status_code == 404  # another applicant
    explained = childcare.ok(asked["id"], "explain", APPLICANT, EXPLANATION)
    assert childcare.fire(explained["id"], "conclude", INSPECTOR, COMPLIANT).status_code == 403  # the clerk concludes
    assert childcare.fire(explained["id"], "conclude", APPLICANT, COMPLIANT).status_code == 403
    assert childcare.ok(explained["id"], "conclude", CLERK, COMPLIANT)["state"] == "verified"


@pytest.mark.parametrize(
    "event, state, data, named",
    [
        ("record_verification", "filed", {"compliant": False}, "data.findings"),
        ("record_verification", "filed", {"findings": "无"}, "data.compliant"),
        ("explain", "explanation_required", {"explanation": "  "}, "data.explanation"),
    ],
)
def test_event_data_is_checked(childcare, event, state, data, named):
    body = childcare.filed() if state == "filed" else childcare.asked()
    r = childcare.fire(body["id"], event, APPLICANT if event == "explain" else INSPECTOR, data)
    assert r.status_code == 422 and fields_named(r) == {named}


def test_events_not_allowed_in_the_state_are_409(childcare):
    submitted = childcare.submitted()
    assert childcare.fire(submitted["id"], "record_verification", INSPECTOR, COMPLIANT).status_code == 409
    assert childcare.fire(submitted["id"], "cancel", APPLICANT).status_code == 409
    assert childcare.fire(submitted["id"], "amend", APPLICANT, {"fields": {"places": 41}}).status_code == 409
    filed = childcare.ok(submitted["id"], "file", CLERK)
    assert childcare.fire(filed["id"], "withdraw", APPLICANT).status_code == 409  # filed: decided
    assert childcare.fire(filed["id"], "conclude", CLERK, COMPLIANT).status_code == 409


# --- amendments (变更备案): the same checks, a new receipt, not the address ---------------------------------------


def test_an_amendment_is_checked_like_a_filing(childcare):
    filed = childcare.filed()
    moved = childcare.fire(filed["id"], "amend", APPLICANT, {"fields": {"address": "别处1号"}})
    assert moved.status_code == 422 and fields_named(moved) == {"data.fields.address"}  # a new address: a new filing
    crowded = {"classes": [{"age_group": "older", "children": 15, "caregivers": 2}]}
    r = childcare.fire(filed["id"], "amend", APPLICANT, {"fields": crowded})
    assert r.status_code == 422 and fields_named(r) == {"data.fields.classes[0].caregivers"}
    small = childcare.fire(filed["id"], "amend", APPLICANT, {"fields": {"places": 10}})
    assert small.status_code == 422 and fields_named(small) == {"data.fields.places"}  # 20 children in 10 places
    done = childcare.ok(filed["id"], "amend", APPLICANT, {"fields": {"contact_phone": "13800000000"}})
    assert done["fields"]["contact_phone"] == "13800000000" and done["state"] == "filed"
    receipts = [d for d in done["documents"] if d["kind"] == "childcare_receipt"]
    assert [d["status"] for d in receipts] == ["superseded", "valid"]
    assert receipts[0]["superseded_by"] == receipts[1]["number"]


# --- the fire-safety proof: an upload, or this system's fire-filing receipt in force at the same address ----------


@pytest.fixture
def fire_receipt(api, childcare):
    """A fire filing in force (the commitment route files on submission) at the childcare institution's address."""
    fields = {**FIRE_FIELDS, "site_address": CHILDCARE["address"], "site_division": CHILDCARE["division"]}
    r = api.post("/api/v1/applications", "bob", json={"procedure": "fire_filing", "fields": fields})
    fire = r.get_json()
    for kind in ALL_KINDS:
        assert api.upload(fire["id"], kind=kind, user="bob", data=PDF_BYTES).status_code == 201
    fire = api.fire(fire["id"], "submit", "bob").get_json()
    assert fire["state"] == "filed"
    return fire, next(d["number"] for d in fire["documents"] if d["kind"] == "filing_receipt")


WITHOUT_PROOF = tuple(k for k in KINDS if k != "fire_safety_proof")


def test_a_receipt_in_force_at_the_same_address_replaces_the_upload(childcare, fire_receipt):
    _fire, number = fire_receipt
    draft = childcare.complete(
        kinds=WITHOUT_PROOF, fire_receipt_number=number, address=" 群力第五大道１６８８号2号楼1层"
    )
    body = childcare.ok(draft["id"], "submit", APPLICANT)  # the address compared normalised
    assert body["state"] == "submitted"
    filed = childcare.ok(body["id"], "file", CLERK)
    assert filed["state"] == "filed"


@pytest.mark.parametrize(
    "number, fields",
    [
        ("哈道住建消备字〔2026〕99号", {}),  # no such receipt
        (None, {"address": "群力第五大道1688号3号楼1层"}),  # the receipt of another address
        (None, {"division": "230103"}),  # the same words in another division
    ],
    ids=["wrong-number", "other-address", "other-division"],
)
def test_a_wrong_number_or_address_still_needs_the_upload(childcare, fire_receipt, number, fields):
    draft = childcare.complete(kinds=WITHOUT_PROOF, fire_receipt_number=number or fire_receipt[1], **fields)
    r = childcare.fire(draft["id"], "submit", APPLICANT)
    assert r.status_code == 422 and fields_named(r) == {"fire_safety_proof"}
    assert childcare.api.upload(draft["id"], kind="fire_safety_proof", data=PDF_BYTES).status_code == 201
    assert childcare.ok(draft["id"], "submit", APPLICANT)["state"] == "submitted"


def test_a_receipt_no_longer_in_force_does_not_replace_it(childcare, fire_receipt, api):
    fire, number = fire_receipt
    correction = {"items": [{"field": "filing_form", "reason": "未盖章"}]}
    assert api.fire(fire["id"], "request_correction", "clerk_daoli_housing", correction).status_code == 200
    draft = childcare.complete(kinds=WITHOUT_PROOF, fire_receipt_number=number)
    r = childcare.fire(draft["id"], "submit", APPLICANT)
    assert r.status_code == 422 and fields_named(r) == {"fire_safety_proof"}


def test_the_materials_list_says_when_the_proof_is_needed(api):
    listing = {p["name"]: p for p in api.get("/api/v1/procedures").get_json()}["childcare_filing"]
    materials = {a["kind"]: a for a in listing["required_attachments"]}
    assert (
        materials["fire_safety_proof"]["required"] is False
        and "消防验收备案凭证" in (materials["fire_safety_proof"]["condition"]["zh"])
    )
    assert all(materials[k]["required"] for k in WITHOUT_PROOF)
    fields = {f["name"]: f for f in listing["fields"]}
    assert fields["care_types"]["type"] == "multichoice"
    assert fields["care_types"]["choices"] == ["full_day", "half_day", "hourly", "occasional"]
    assert [c["name"] for c in fields["classes"]["fields"]] == ["age_group", "children", "caregivers"]
    assert fields["places"]["minimum"] == 1 and fields["fire_receipt_number"]["required"] is False
    assert listing["time_limits"]["verification"]["days"] == 15
    assert listing["time_limits"]["explanation"]["days"] == 10 and listing["time_limits"]["decision"]["days"] == 5


# --- time limits on the as-of date (jobs run --as-of) -----------------------------------------------------------


def notices(app, app_id, user=None) -> list[str]:
    with app.app_context():
        query = db.select(Notification.kind).where(Notification.application_id == app_id)
        return list(db.session.execute(query).scalars())


def test_the_filing_limit_is_flagged_when_overdue(childcare, app, runner):
    submitted = childcare.submitted()  # due 2026-12-02 (5 working days)
    runner.invoke(args=["jobs", "run", "--as-of", "2026-11-30"])
    assert "overdue" not in notices(app, submitted["id"]) and "due_soon" not in notices(app, submitted["id"])
    runner.invoke(args=["jobs", "run", "--as-of", "2026-12-01"])
    assert "due_soon" in notices(app, submitted["id"])
    runner.invoke(args=["jobs", "run", "--as-of", "2026-12-03"])
    assert "overdue" in notices(app, submitted["id"])
    listed = childcare.api.get("/api/v1/applications?procedure=childcare_filing&overdue=true", CLERK).get_json()
    assert listed["total"] == 0  # the machine's today (2026-11-25) is before the date


def test_the_verification_limit_is_flagged_when_overdue(childcare, app, runner):
    filed = childcare.filed()  # due 2026-12-16 (15 working days)
    runner.invoke(args=["jobs", "run", "--as-of", "2026-12-16"])
    assert "overdue" not in notices(app, filed["id"])
    runner.invoke(args=["jobs", "run", "--as-of", "2026-12-17"])
    assert "overdue" in notices(app, filed["id"])


def test_the_explanation_is_reminded_once_the_day_before(childcare, app, runner):
    asked = childcare.asked()  # 10 working days: 2026-12-09
    assert asked["deadline"]["due"] == "2026-12-09"
    assert "0 explanation reminders" in runner.invoke(args=["jobs", "run", "--as-of", "2026-12-07"]).output
    assert "1 explanation reminders" in runner.invoke(args=["jobs", "run", "--as-of", "2026-12-08"]).output
    assert "0 explanation reminders" in runner.invoke(args=["jobs", "run", "--as-of", "2026-12-08"]).output  # once
    assert notices(app, asked["id"]).count("explain") == 2  # the notice when asked, and the reminder
    explained = childcare.ok(asked["id"], "explain", APPLICANT, EXPLANATION)
    assert explained["deadline"]["due"] == "2026-12-09"  # the conclusion: 10 working days from the explanation


def test_explanation_materials_may_follow_the_notice(childcare):
    filed = childcare.filed()
    assert childcare.api.upload(filed["id"], kind="explanation_materials", data=PDF_BYTES).status_code == 409
    asked = childcare.ok(filed["id"], "record_verification", INSPECTOR, NONCOMPLIANT)
    assert childcare.api.upload(asked["id"], kind="explanation_materials", data=PDF_BYTES).status_code == 201
    assert childcare.api.upload(asked["id"], kind="premises_proof", data=PDF_BYTES).status_code == 409
    childcare.ok(asked["id"], "explain", APPLICANT, EXPLANATION)
    assert childcare.api.upload(asked["id"], kind="explanation_materials", data=PDF_BYTES).status_code == 409
