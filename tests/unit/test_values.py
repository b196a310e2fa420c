"""Checking field values and event data (workflows.values) without a database or a request."""

from __future__ import annotations

import pytest

from workflows.definition import DataField, Field
from workflows.registry import PROCEDURES
from workflows.values import clean_data, clean_fields, clean_value, missing_required, normalise_address

PROC = PROCEDURES["premise_addition"]
TEXT = Field("name", "text", "名称", "name", max_length=5)
NUMBER = Field("area", "decimal", "面积", "area")
WHOLE = Field("count", "int", "数量", "count")
DAY = Field("day", "date", "日期", "day")


def ok(f, value):
    clean, reason = clean_value(f, value)
    assert reason is None, reason
    return clean


def rule(f, value):
    clean, reason = clean_value(f, value)
    assert clean is None and reason is not None and reason.field == f.name
    return reason.rule


@pytest.mark.parametrize(
    "f, value, clean",
    [
        (TEXT, "  便民  ", "便民"),
        (TEXT, "12345", "12345"),
        (TEXT, "", None),
        (TEXT, None, None),
        (PROC.field("credit_code"), "91330100716105852f", "91330100716105852F"),
        (PROC.field("premise_division"), "230102", "230102"),
        (PROC.field("service_category"), "elderly_care", "elderly_care"),
        (PROC.field("needs_prior_licence"), False, False),
        (NUMBER, "300", 300.0),
        (NUMBER, 299.5, 299.5),
        (NUMBER, 0, 0.0),
        (WHOLE, "300000", 300000),
        (WHOLE, 300000.0, 300000),
        (DAY, "2026-11-25", "2026-11-25"),
    ],
    ids=lambda v: repr(v) if not isinstance(v, Field) else v.name,
)
def test_clean_values(f, value, clean):
    assert ok(f, value) == clean


@pytest.mark.parametrize(
    "f, value, expected",
    [
        (TEXT, "123456", "max_length"),
        (TEXT, 5, "type"),
        (TEXT, "a\x00b", "type"),
        (TEXT, ["a"], "type"),
        (PROC.field("credit_code"), "91330100716105852A", "credit_code"),
        (PROC.field("premise_division"), "999999", "division"),
        (PROC.field("premise_division"), "230100", "division"),
        (PROC.field("service_category"), "spaceship", "choice"),
        (PROC.field("needs_prior_licence"), "yes", "type"),
        (PROC.field("needs_prior_licence"), 1, "type"),
        (NUMBER, "abc", "type"),
        (NUMBER, True, "type"),
        (NUMBER, "NaN", "range"),
        (NUMBER, "Infinity", "range"),
        (NUMBER, -1, "range"),
        (NUMBER, "1e400", "range"),
        (NUMBER, {"v": 1}, "type"),
        (WHOLE, "1.5", "type"),
        (DAY, "2026-02-30", "type"),
        (DAY, "tomorrow", "type"),
        (DAY, 20261125, "type"),
    ],
    ids=lambda v: repr(v) if not isinstance(v, Field) else v.name,
)
def test_refused_values_name_the_field_and_rule(f, value, expected):
    assert rule(f, value) == expected


def test_clean_fields_reports_every_problem_and_keeps_the_rest():
    clean, reasons = clean_fields(
        PROC, {"enterprise_name": " 便民 ", "shoe_size": 42, "premise_division": "999999", "needs_prior_licence": "no"}
    )
    assert clean == {"enterprise_name": "便民"}
    assert [(r.field, r.rule) for r in reasons] == [
        ("shoe_size", "unknown_field"),
        ("premise_division", "division"),
        ("needs_prior_licence", "type"),
    ]


@pytest.mark.parametrize("values", [None, [], "fields", 3], ids=repr)
def test_clean_fields_needs_an_object(values):
    assert [r.field for r in clean_fields(PROC, values)[1]] == ["fields"]


def test_missing_required_lists_fields_and_attachments():
    reasons = missing_required(PROC, {"enterprise_name": "便民"}, set())
    names = [r.field for r in reasons]
    assert names[0] == "credit_code" and "enterprise_name" not in names
    assert names[-1] == "premise_use_document" and "power_of_attorney" not in names
    with_agent = missing_required(PROC, {"filed_by_agent": True}, {"premise_use_document"})
    assert "power_of_attorney" in [r.field for r in with_agent]


SCHEMA = {
    "reason": DataField("str"),
    "agree": DataField("bool", required=False),
    "authority": DataField("division", required=False),
    "on": DataField("date", required=False),
}


@pytest.mark.parametrize(
    "data, clean, fields",
    [
        ({"reason": " 理由 "}, {"reason": "理由"}, []),
        (
            {"reason": "x", "agree": False, "authority": "230103", "on": "2026-11-25"},
            {"reason": "x", "agree": False, "authority": "230103", "on": "2026-11-25"},
            [],
        ),
        (None, {}, ["data.reason"]),
        ({"reason": "   "}, {}, ["data.reason"]),
        ({"reason": "x" * 2001}, {}, ["data.reason"]),
        ({"reason": "x", "agree": "yes"}, {"reason": "x"}, ["data.agree"]),
        ({"reason": "x", "authority": "110101"}, {"reason": "x"}, ["data.authority"]),
        ({"reason": "x", "on": "2026-13-01"}, {"reason": "x"}, ["data.on"]),
        ({"reason": "x", "extra": 1}, {"reason": "x"}, ["data.extra"]),
    ],
    ids=[
        "trimmed",
        "every type",
        "no data",
        "blank",
        "too long",
        "bool as text",
        "not Harbin",
        "bad date",
        "unknown key",
    ],
)
def test_clean_event_data(data, clean, fields):
    out, reasons = clean_data(SCHEMA, data, PROC)
    assert (out, [r.field for r in reasons]) == (clean, fields)


def test_event_data_must_be_an_object():
    assert [r.field for r in clean_data(SCHEMA, ["reason"], PROC)[1]] == ["data"]


def test_correction_items_accept_fields_and_attachment_kinds():
    items = [
        {"field": "premise_address", "reason": " 门牌号不清 "},
        {"field": "premise_use_document", "reason": "缺签章"},
    ]
    out, reasons = clean_data({"items": DataField("items")}, {"items": items}, PROC)
    assert reasons == [] and out["items"] == [
        {"field": "premise_address", "reason": "门牌号不清"},
        {"field": "premise_use_document", "reason": "缺签章"},
    ]


@pytest.mark.parametrize(
    "a, b",
    [
        ("经纬街２６６号院　1号楼101室", "经纬街266号院1号楼101室"),
        ("  经纬街 266 号院\t1号楼\n101室 ", "经纬街266号院1号楼101室"),
        ("Ａ座１０１", "a座101"),
    ],
    ids=["full-width digits and ideographic space", "ASCII whitespace", "full-width letters, case"],
)
def test_addresses_compare_after_normalising(a, b):
    assert normalise_address(a) == normalise_address(b)


@pytest.mark.parametrize("a, b", [("经纬街266号", "经纬街267号"), ("1号楼101室", "1号楼1010室")])
def test_different_addresses_stay_different(a, b):
    assert normalise_address(a) != normalise_address(b)


def test_normalise_address_of_nothing():
    assert normalise_address(None) == normalise_address("") == normalise_address(" \u3000 ") == ""
