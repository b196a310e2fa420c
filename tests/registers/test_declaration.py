"""A register works by declaration alone: a procedure that declares one — here childcare_filing's `childcare`
register (DOMAIN §4, §6) — gets its entries, dates, published finding, audit snapshot, rebuild and public view from
the generic code, replayed here without a database."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

from workflows import childcare_filing
from workflows.ledger import expected, from_snapshot, snapshot, values
from workflows.register_search import item
from workflows.registers import Source

CHILDCARE = childcare_filing.REGISTER


FIELDS = {
    "institution_name": "哈尔滨市道里区小星星托育中心有限公司",
    "credit_code": "91350200776049653A",
    "division": "230102",
    "street": "230102019",
    "address": "群力第五大道1号",
    "places": 40,
    "care_types": ["full_day", "hourly"],
    "registration_kind": "enterprise",
    "legal_representative": "王某",
    "contact_phone": "13900000000",
}
TRAIL = [
    ("submit", "submitted", None, {}),
    ("file", "filed", "哈道卫健托备字〔2026〕1号", {}),
    ("record_verification", "explanation_required", None, {"compliant": False, "findings": "保育人员不足"}),
    ("explain", "explanation_submitted", None, {}),
    ("conclude", "noncompliant", None, {"compliant": False, "findings": "保育人员与婴幼儿比例低于1:5"}),
    ("amend", "noncompliant", None, {"fields": {"places": 30}}),
]


def replay(fields: dict) -> list[dict]:
    """The entry after each step, as the engine applies it (ledger.values on the entry before)."""
    out, current, day = [], None, date(2026, 11, 25)
    for event, dest, document, data in TRAIL:
        change = CHILDCARE.change(event, dest)
        if change is None or (current is None and not change.opens):
            continue
        src = Source(fields={**fields, **data.get("fields", {})}, deadline=date(2026, 12, 16))
        current = values(CHILDCARE, change, current, src, day, data, document)
        out.append(current)
    return out


def test_each_event_does_what_the_declaration_says():
    steps = replay(FIELDS)
    assert [(s["status"], s["in_force"], s["due_kind"]) for s in steps] == [
        ("filed", True, "verification"),
        ("filed", True, "explanation"),
        ("filed", True, "conclusion"),
        ("noncompliant", True, None),
        ("noncompliant", True, None),
    ]
    filed, *_rest, concluded, amended = steps
    assert filed["document_number"] == amended["document_number"] == "哈道卫健托备字〔2026〕1号"
    assert filed["address"] == "道里区群力街道群力第五大道1号" and filed["street"] == "230102019"
    assert concluded["facts"]["finding"] == "保育人员与婴幼儿比例低于1:5"
    assert amended["facts"] == {
        "places": 30,
        "care_types": ["full_day", "hourly"],
        "registration_kind": "enterprise",
        "finding": "保育人员与婴幼儿比例低于1:5",
    }


def test_the_rebuild_from_the_audit_trail_agrees_with_the_engine():
    final = replay(FIELDS)[-1]
    at = datetime(2026, 11, 24, 17, 0, tzinfo=UTC)  # 2026-11-25 in Harbin
    trail = [{"event": e, "to_state": d, "at": at, "data": data} for e, d, _doc, data in TRAIL]
    src = Source(fields={**FIELDS, "places": 30}, deadline=date(2026, 12, 16))
    rebuilt = expected(CHILDCARE, src, trail, [("childcare_receipt", "哈道卫健托备字〔2026〕1号")])
    assert rebuilt == final
    recorded = [
        {**step, "data": {**step["data"], "register": snapshot(final)}} if step["event"] == "amend" else step
        for step in trail
    ]
    assert expected(CHILDCARE, src, recorded, []) == from_snapshot(snapshot(final)) == final


def test_the_public_sees_the_finding_and_no_person():
    final = replay(FIELDS)[-1]
    row = SimpleNamespace(
        id=7,
        **{
            k: final[k]
            for k in (
                "register",
                "status",
                "in_force",
                "since",
                "until",
                "name",
                "holder",
                "credit_code",
                "division",
                "street",
                "address",
                "changed_on",
                "facts",
            )
        },
    )
    public = item(CHILDCARE, row)
    assert public["status_title"] == {"zh": "经核查不符合要求", "en": "non-compliant"}
    assert public["facts"] == {
        "places": 30,
        "care_types": ["full_day", "hourly"],
        "registration_kind": "enterprise",
        "finding": "保育人员与婴幼儿比例低于1:5",
    }
    assert "王某" not in str(public) and "13900000000" not in str(public)


def test_the_declaration_lists_its_schema():
    listed = CHILDCARE.as_dict()
    assert [s["name"] for s in listed["statuses"] if s["in_force"]] == ["filed", "verified", "noncompliant"]
    fields = {f["name"]: f for f in listed["fields"]}
    assert fields["care_types"] == {
        "name": "care_types",
        "type": "array",
        "choices": ["full_day", "half_day", "hourly", "occasional"],
        "title": {"zh": "托育服务类型", "en": "care types"},
    }
