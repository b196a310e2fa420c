"""What a procedure can declare, proved with a small one declared here (never registered in production):
repeatable groups and multi-choice fields, an int with a minimum, an attachment that a lookup of another
procedure makes unnecessary, an event that keeps its state and carries changed fields, an event fired by a
clerk or an inspector, timers, a presenter, a document issued again — the engine, forms, pages, API, jobs and
diagram handle it with no change (what DOMAIN §4's childcare filing needs)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from models import Application, AuditEntry, Notification, db
from tests.conftest import PASSWORD, PDF_BYTES
from tests.engine import structure
from tests.fire.test_fire_filing import ALL_KINDS, FIRE_FIELDS
from workflows import accounts, common, registry
from workflows.definition import (
    AttachmentSpec,
    Branch,
    DataField,
    DocumentKind,
    Eligibility,
    Event,
    Field,
    Holder,
    Procedure,
    Reason,
    Text,
    Timer,
)

AGES = (("young", "小班", "young"), ("old", "大班", "old"))
CARE = (("day", "全日托", "full day"), ("hour", "计时托", "hourly"))
ROWS = Field(
    "rows",
    "group",
    "班级",
    "classes",
    columns=(
        Field("age", "choice", "年龄段", "age group", choices=AGES),
        Field("children", "int", "幼儿数", "children"),
        Field("carers", "int", "保育人员数", "caregivers"),
    ),
)


def eligibility(fields: dict, world) -> Eligibility:
    reasons = [
        Reason("ratio", f"第{i + 1}行：保育人员不足", f"row {i + 1}: too few caregivers", f"rows[{i}].carers")
        for i, row in enumerate(fields.get("rows") or ())
        if row.get("children") and row.get("carers") is not None and row["children"] > 3 * row["carers"]
    ]
    return Eligibility(not reasons, None if reasons else "filing", tuple(reasons))


def derived(fields: dict, world) -> dict:
    number = fields.get("fire_receipt")
    ok = bool(number) and world.lookup("fire_receipt_in_force", number, fields.get("address"), fields.get("division"))
    return {"_receipt_ok": ok}


def finding(ctx):
    if ctx.data.get("compliant") is False and not ctx.data.get("findings"):
        return Reason("findings", "不合格时须写明发现的问题", "findings are required", "data.findings")
    return None


def explained(case, on, days_left):
    return f"{case.number} 请于{on.isoformat()}前说明", f"{case.number}: explain by {on.isoformat()}"


STATES = {
    "draft": ("草稿", "draft"),
    "submitted": ("已提交", "submitted"),
    "correction_required": ("待补正", "correction required"),
    "filed": ("已备案", "filed"),
    "verified": ("已核验", "verified"),
    "explanation_required": ("待说明", "explanation required"),
    "lapsed": ("逾期未说明", "lapsed"),
    "withdrawn": ("已撤回", "withdrawn"),
    "closed": ("已注销", "closed"),
}
RECEIPT = DocumentKind("tiny_receipt", "小型备案回执", "Tiny filing receipt", "小备", template="registration_notice")
TINY = Procedure(
    name="tiny_filing",
    zh="小型备案",
    en="Tiny filing",
    authority_kind="health",
    states=STATES,
    initial="draft",
    holders={
        "draft": "applicant",
        "submitted": "authority",
        "correction_required": "applicant",
        "filed": "authority",
        "explanation_required": "applicant",
        "lapsed": "authority",
    },
    events=(
        common.submit_event(),
        common.request_correction_event(("submitted",)),
        common.resubmit_event(),
        common.withdraw_event(("submitted", "correction_required")),
        Event(
            "file",
            ("submitted",),
            "filed",
            ("clerk",),
            "予以备案",
            "File",
            decides=True,
            effects=(common.pause_clock, common.clock("verification"), common.issuing("tiny_receipt")),
        ),
        Event(
            "verify",
            ("filed",),
            (
                Branch("verified", lambda ctx: ctx.data["compliant"], effects=(common.pause_clock,)),
                Branch("explanation_required", lambda ctx: True, effects=(common.clock("explanation"),)),
            ),
            ("clerk", "inspector"),
            "核验",
            "Verify",
            guards=(finding,),
            schema={"compliant": DataField("bool"), "findings": DataField("str", required=False)},
        ),
        Event(
            "lapse",
            ("explanation_required",),
            "lapsed",
            ("system",),
            "逾期未说明",
            "Lapse",
            effects=(common.clock("closing"),),
        ),
        Event("close", ("lapsed",), "closed", ("clerk",), "注销", "Close", effects=(common.pause_clock,)),
        common.amend_event(
            ("filed", "verified"), ("places", "kinds", "rows"), effects=(common.issuing("tiny_receipt"),)
        ),
        Event("cancel", ("filed", "verified", "explanation_required"), "closed", ("applicant",), "注销", "Cancel"),
    ),
    fields=(
        Field("name", "text", "名称", "name"),
        Field("credit_code", "credit_code", "信用代码", "credit code"),
        Field("address", "text", "地址", "address"),
        Field("division", "division", "区县", "division"),
        Field("kinds", "multichoice", "托育类型", "care types", choices=CARE),
        Field("places", "int", "托位数", "places", minimum=1),
        ROWS,
        Field("fire_receipt", "text", "消防备案凭证编号", "fire receipt number", required=False),
    ),
    attachments=(
        AttachmentSpec(
            "proof",
            "消防安全证明",
            "fire-safety proof",
            required=False,
            required_when=lambda f: not f.get("_receipt_ok"),
        ),
    ),
    time_limits={
        "decision": {"days": 5, "unit": "working_days"},
        "verification": {"days": 15, "unit": "working_days"},
        "explanation": {"days": 10, "unit": "working_days"},
        "closing": {"days": 3, "unit": "working_days"},
    },
    guide={
        "time_limits": [
            Text(
                "提交后5个工作日内备案，备案后15个工作日内核验，说明期限10个工作日，逾期后3个工作日内注销",
                "filed within 5 working days, verified within 15 working days, 10 working days to "
                "explain, closed within 3 working days after",
            )
        ]
    },
    eligibility=eligibility,
    authority_division=lambda f: f.get("division"),
    derived=derived,
    holder=Holder("name", place="address"),
    number_prefix="TF",
    documents=(RECEIPT, common.CORRECTION_NOTICE),
    timers=(
        Timer(
            "explanation_reminder",
            ("explanation_required",),
            on=common.deadline,
            remind=(1,),
            message=explained,
            notify=("applicant",),
            notice_kind="explain",
            label="explanation reminders",
        ),
        Timer("lapse", ("explanation_required",), on=common.deadline, fire="lapse", label="lapsed explanations"),
    ),
    present=lambda case: {"children_total": sum(r.get("children", 0) for r in case.fields.get("rows") or ())},
    routes={"filing": Text("备案", "filing")},
)
FIELDS = {
    "name": "河松托育中心",
    "credit_code": "91350200776049653A",
    "address": "河松小区二期6号楼1层",
    "division": "230102",
    "kinds": ["day"],
    "places": 12,
    "rows": [{"age": "young", "children": 6, "carers": 2}],
}
STAFF = [
    ("tiny_clerk", "clerk", "230102:health"),
    ("tiny_inspector", "inspector", "230102:health"),
    ("housing_clerk", "clerk", "230102:housing"),
]


@pytest.fixture
def tiny(app, api, fast_pdf):
    with app.app_context():
        for name, role, authority in STAFF:
            accounts.create_user(name, PASSWORD, role, authority)
        db.session.commit()
    with registry.registered(TINY):
        yield api


def create(api, **fields) -> dict:
    r = api.post("/api/v1/applications", "alice", json={"procedure": "tiny_filing", "fields": {**FIELDS, **fields}})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def fired(api, app_id, event, user, data=None) -> dict:
    r = api.fire(app_id, event, user, data)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def filed(api, **fields) -> dict:
    app = create(api, **fields)
    assert api.upload(app["id"], kind="proof").status_code == 201
    fired(api, app["id"], "submit", "alice")
    return fired(api, app["id"], "file", "tiny_clerk")


def fields_named(response) -> set[str]:
    return {d["field"] for d in response.get_json()["error"]["details"]}


def test_its_shape_is_sound():
    with registry.registered(TINY):
        for check in (
            structure.every_state_reachable,
            structure.every_non_final_state_has_a_way_out,
            structure.every_event_has_a_role,
            structure.diagram_shows_the_declaration,
            structure.guide_limits_are_the_engines,
        ):
            check(TINY)
        structure.machine_equals_declaration(TINY, registry.MACHINES["tiny_filing"])
    assert "tiny_filing" not in registry.PROCEDURES


def test_the_listing_shows_groups_choices_minimums_and_same_state_events(tiny):
    listing = {p["name"]: p for p in tiny.get("/api/v1/procedures").get_json()}["tiny_filing"]
    fields = {f["name"]: f for f in listing["fields"]}
    assert fields["kinds"]["type"] == "multichoice" and fields["kinds"]["choices"] == ["day", "hour"]
    assert fields["places"]["minimum"] == 1
    assert [c["name"] for c in fields["rows"]["fields"]] == ["age", "children", "carers"]
    amend = next(e for e in listing["events"] if e["name"] == "amend")
    assert amend["same_state"] is True and amend["dest"] == ["filed", "verified"]


def test_rows_and_choices_are_checked_each_with_its_place(tiny):
    r = tiny.post(
        "/api/v1/applications",
        "alice",
        json={
            "procedure": "tiny_filing",
            "fields": {
                **FIELDS,
                "kinds": ["day", "weekly"],
                "places": 0,
                "rows": [
                    {"age": "ancient", "children": 2, "carers": 1},
                    {"age": "old", "children": "many", "nurses": 1},
                ],
            },
        },
    )
    assert r.status_code == 422
    assert fields_named(r) == {"kinds", "places", "rows[0].age", "rows[1].children", "rows[1].nurses"}


def test_a_draft_keeps_lists_and_submit_names_what_is_missing(tiny):
    app = create(tiny, rows=[{"age": "old", "children": "4"}], kinds=["hour", "day", "hour"])
    assert app["fields"]["rows"] == [{"age": "old", "children": 4}] and app["fields"]["kinds"] == ["hour", "day"]
    r = tiny.fire(app["id"], "submit", "alice")
    assert r.status_code == 422 and fields_named(r) == {"rows[0].carers", "proof"}


def test_a_fire_receipt_in_force_at_the_same_address_replaces_the_proof(tiny):
    r = tiny.post("/api/v1/applications", "alice", json={"procedure": "fire_filing", "fields": FIRE_FIELDS})
    fire = r.get_json()
    for kind in ALL_KINDS:
        assert tiny.upload(fire["id"], kind=kind, data=PDF_BYTES).status_code == 201
    fire = fired(tiny, fire["id"], "submit", "alice")  # the commitment route files at once
    receipt = next(d["number"] for d in fire["documents"] if d["kind"] == "filing_receipt")
    elsewhere = create(tiny, fire_receipt=receipt, address="另一个地址1号")
    assert fields_named(tiny.fire(elsewhere["id"], "submit", "alice")) == {"proof"}
    here = create(tiny, fire_receipt=receipt, address=" " + FIRE_FIELDS["site_address"])  # compared normalised
    assert fired(tiny, here["id"], "submit", "alice")["state"] == "submitted"


def test_an_event_that_keeps_its_state_changes_checked_fields(tiny, app):
    case = filed(tiny)
    amended = fired(
        tiny,
        case["id"],
        "amend",
        "alice",
        {
            "fields": {
                "places": 20,
                "rows": [{"age": "young", "children": 6, "carers": 2}, {"age": "old", "children": 9, "carers": 3}],
            }
        },
    )
    assert amended["state"] == "filed" and amended["fields"]["places"] == 20 and len(amended["fields"]["rows"]) == 2
    assert [d["kind"] for d in amended["documents"]].count("tiny_receipt") == 2  # a new receipt (superseding: §0)
    with app.app_context():
        entry = db.session.execute(
            select(AuditEntry).where(AuditEntry.application_id == case["id"], AuditEntry.event == "amend")
        ).scalar_one()
        assert (entry.from_state, entry.to_state) == ("filed", "filed") and entry.data["fields_was"]["places"] == 12
    bad = tiny.fire(case["id"], "amend", "alice", {"fields": {"places": 0, "address": "别处"}})
    assert bad.status_code == 422 and fields_named(bad) == {"data.fields.places", "data.fields.address"}
    ratio = tiny.fire(case["id"], "amend", "alice", {"fields": {"rows": [{"age": "old", "children": 9, "carers": 1}]}})
    assert ratio.status_code == 422 and fields_named(ratio) == {"data.fields.rows[0].carers"}
    submitted = create(tiny)
    assert tiny.upload(submitted["id"], kind="proof").status_code == 201
    fired(tiny, submitted["id"], "submit", "alice")
    refused = tiny.fire(submitted["id"], "amend", "alice", {"fields": {"places": 3}})
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "invalid_state"


def test_a_clerk_or_an_inspector_of_the_handling_authority_fires_it(tiny):
    one, two = filed(tiny), filed(tiny)
    assert "verify" in tiny.get(f"/api/v1/applications/{one['id']}", "tiny_inspector").get_json()["available_events"]
    assert fired(tiny, one["id"], "verify", "tiny_inspector", {"compliant": True})["state"] == "verified"
    assert fired(tiny, two["id"], "verify", "tiny_clerk", {"compliant": True})["state"] == "verified"
    three = filed(tiny)
    assert (
        tiny.fire(three["id"], "verify", "inspector_daoli", {"compliant": True}, version=three["version"]).status_code
        == 404
    )  # another authority's inspector: not even visible


def test_declared_timers_run_on_the_as_of_date(tiny, app, runner):
    case = filed(tiny)
    noticed = fired(tiny, case["id"], "verify", "tiny_clerk", {"compliant": False, "findings": "保育人员证书过期"})
    due = date.fromisoformat(noticed["deadline"]["due"])
    assert noticed["state"] == "explanation_required" and noticed["deadline"]["basis"]["days"] == 10
    day_before = date.fromordinal(due.toordinal() - 1).isoformat()
    out = runner.invoke(args=["jobs", "run", "--as-of", day_before]).output
    assert "1 explanation reminders" in out and "0 lapsed explanations" in out
    assert "0 explanation reminders" in runner.invoke(args=["jobs", "run", "--as-of", day_before]).output  # once
    with app.app_context():
        kinds = db.session.execute(select(Notification.kind).where(Notification.application_id == case["id"])).scalars()
        assert "explain" in set(kinds)
    day_after = date.fromordinal(due.toordinal() + 1)
    assert "1 lapsed explanations" in runner.invoke(args=["jobs", "run", "--as-of", day_after.isoformat()]).output
    lapsed = tiny.get(f"/api/v1/applications/{case['id']}", "alice").get_json()
    # the deadline the job's event opened counts from the as-of date, not from the machine's today
    assert lapsed["state"] == "lapsed" and lapsed["deadline"]["basis"]["start"] == day_after.isoformat()


def test_the_presenter_adds_its_keys_and_lists_show_the_holder(tiny):
    case = create(tiny)
    assert case["children_total"] == 6
    listed = tiny.get("/api/v1/applications?procedure=tiny_filing", "alice").get_json()["items"]
    assert listed[0]["holder"] == FIELDS["name"]


def test_the_pages_offer_rows_and_checkboxes_and_read_them_back(tiny, app):
    client = app.test_client()
    assert client.post("/login", data={"username": "alice", "password": PASSWORD}).status_code == 302
    page = client.get("/my/new/tiny_filing").get_data(as_text=True)
    assert 'name="rows-0-age"' in page and 'name="rows-1-carers"' in page  # empty rows without JavaScript
    assert 'type="checkbox"' in page and 'name="kinds"' in page and 'data-group="rows"' in page
    form = {
        "name": "河松托育中心",
        "credit_code": "91350200776049653A",
        "address": "河松小区",
        "division": "230102",
        "kinds": ["day", "hour"],
        "places": "8",
        "rows-0-age": "young",
        "rows-0-children": "3",
        "rows-0-carers": "1",
        "rows-1-age": "",
        "rows-1-children": "",
        "rows-1-carers": "",
        "action": "save",
    }
    r = client.post("/my/new/tiny_filing", data=form)
    assert r.status_code == 303, r.get_data(as_text=True)[:2000]
    with app.app_context():
        stored = db.session.execute(select(Application).where(Application.procedure == "tiny_filing")).scalar_one()
        assert stored.fields["kinds"] == ["day", "hour"] and stored.fields["places"] == 8
        assert stored.fields["rows"] == [{"age": "young", "children": 3, "carers": 1}]
        app_id = stored.id
    shown = client.get(f"/my/applications/{app_id}").get_data(as_text=True)
    assert 'name="rows-0-children" type="text" value="3"' in shown or 'value="3"' in shown


def test_the_openapi_document_describes_its_fields(tiny):
    from views.api.openapi import document

    schemas = document.__wrapped__()["components"]["schemas"]  # built afresh: the cached one predates it
    fields = {name: spec["anyOf"][0] for name, spec in schemas["Fields_tiny_filing"]["properties"].items()}
    assert fields["rows"]["items"]["properties"]["children"]["type"] == "integer"
    assert fields["kinds"]["type"] == "array" and fields["places"]["minimum"] == 1


def test_the_page_offers_the_amendment_with_the_current_values(tiny, app):
    case = filed(tiny)
    client = app.test_client()
    assert client.post("/login", data={"username": "alice", "password": PASSWORD}).status_code == 302
    page = client.get(f"/my/applications/{case['id']}").get_data(as_text=True)
    assert 'name="amend-places"' in page and 'value="12"' in page and 'name="amend-rows-0-age"' in page
    form = {
        "event": "amend",
        "version": str(case["version"]),
        "amend-places": "20",
        "amend-kinds": ["day", "hour"],
        "amend-rows-0-age": "young",
        "amend-rows-0-children": "6",
        "amend-rows-0-carers": "2",
        "amend-rows-1-age": "old",
        "amend-rows-1-children": "9",
        "amend-rows-1-carers": "3",
    }
    assert client.post(f"/my/applications/{case['id']}/events", data=form).status_code == 303
    after = tiny.get(f"/api/v1/applications/{case['id']}", "alice").get_json()
    assert after["state"] == "filed" and after["fields"]["places"] == 20 and after["fields"]["kinds"] == ["day", "hour"]
    assert after["fields"]["rows"][1] == {"age": "old", "children": 9, "carers": 3}
