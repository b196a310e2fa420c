"""The public registers' API (API.md "Registers"): search by name, credit code, division, street and status, pages,
whole-register CSV and JSON exports with the documented schema, public facts only, bad input named (zh and en)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.reliability.world import CLERK
from views.api.openapi import document

ALICE_CODE = "91330100716105852F"


@pytest.fixture
def registered(world):
    """Three premises (two streets), a transition period and a fire filing, all of alice's enterprises."""
    a = world.draft(
        "premise_addition",
        premise_address="索菲亚小区3号楼",
        premise_street="230102001",
        contact_phone="0451-88886666",
        filed_by_agent=True,
        agent_name="王小五",
    )
    assert world.upload(a["id"], "power_of_attorney").status_code == 201
    assert world.fire(a["id"], "submit", "alice").status_code == 200
    assert world.fire(a["id"], "register", CLERK["premise_addition"]).status_code == 200
    b = world.bring("premise_addition", "registered", premise_address="群力大道8号", premise_street="230102019")
    c = world.bring(
        "premise_addition",
        "registered",
        premise_address="工程街186号",
        premise_street="工程街道",
        enterprise_name="哈尔滨市百姓维修服务有限公司",
        credit_code="914403001922038216",
    )
    world.bring("land_transition", "in_transition")
    world.bring("fire_filing", "filed")
    return {"a": a, "b": b, "c": c}


def names(r) -> list[str]:
    assert r.status_code == 200, r.get_json()
    return [i["name"] for i in r.get_json()["items"]]


def test_the_register_list_names_each_register_with_its_fields(client):
    body = client.get("/api/v1/registers").get_json()
    by_name = {r["name"]: r for r in body["items"]}
    assert {"premises", "transitions", "fire_filings"} <= set(by_name)
    fields = [f["name"] for f in by_name["transitions"]["fields"]]
    assert fields[:3] == ["id", "register", "status"] and "land_holder" in fields and "until" in fields
    statuses = {s["name"]: s["in_force"] for s in by_name["fire_filings"]["statuses"]}
    assert statuses["filed"] and statuses["closed"] and not statuses["rectifying"] and not statuses["withdrawn"]


def test_search_paths(client, registered):
    assert len(names(client.get("/api/v1/registers/premises"))) == 3
    assert names(client.get("/api/v1/registers/premises?q=百姓维修")) == ["哈尔滨市百姓维修服务有限公司"]
    assert len(names(client.get("/api/v1/registers/premises?q=便民"))) == 2
    assert names(client.get("/api/v1/registers/premises?credit_code=914403001922038216")) == [
        "哈尔滨市百姓维修服务有限公司"
    ]
    assert len(names(client.get(f"/api/v1/registers/premises?credit_code={ALICE_CODE.lower()}"))) == 2
    assert len(names(client.get("/api/v1/registers/premises?division=230102"))) == 3
    assert names(client.get("/api/v1/registers/premises?division=230103")) == []
    body = client.get("/api/v1/registers/premises?street=230102019").get_json()
    assert [i["address"] for i in body["items"]] == ["道里区群力街道群力大道8号"]
    body = client.get("/api/v1/registers/premises?street=230102012").get_json()  # given by name, found by code
    assert [i["street"] for i in body["items"]] == ["230102012"]
    assert len(names(client.get("/api/v1/registers/premises?status=in_force&division=230102&q=哈尔滨"))) == 3
    assert names(client.get("/api/v1/registers/premises?status=revoked")) == []
    assert names(client.get("/api/v1/registers/premises?q=%25")) == []  # a wildcard is a character
    assert len(names(client.get("/api/v1/registers/transitions"))) == 1
    assert len(names(client.get("/api/v1/registers/fire_filings?status=filed"))) == 1


def test_pages_newest_first_and_the_total(client, registered):
    first = client.get("/api/v1/registers/premises?per_page=2").get_json()
    second = client.get("/api/v1/registers/premises?per_page=2&page=2").get_json()
    assert first["total"] == second["total"] == 3 and first["total_capped"] is False
    ids = [i["id"] for i in first["items"] + second["items"]]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 3
    assert client.get("/api/v1/registers/premises?page=9").get_json()["items"] == []


def test_an_entry_shows_public_facts_only(client, registered):
    body = client.get("/api/v1/registers/premises?street=230102001").get_json()["items"][0]
    assert body == client.get(f"/api/v1/registers/premises/{body['id']}").get_json()
    assert body["enterprise"] == {"name": "哈尔滨市便民家政服务有限公司", "credit_code": ALICE_CODE}
    assert body["status_title"] == {"zh": "有效", "en": "in force"} and body["since"] == "2026-11-25"
    assert body["division_name"] == {"zh": "道里区", "en": "Daoli District"} and body["street_name"] == "兆麟街道"
    assert set(body["facts"]) == {"service_category", "business_scope"}
    text = json.dumps(body, ensure_ascii=False)
    assert "0451-88886666" not in text and "王小五" not in text and "premise_use_document" not in text
    assert client.get(f"/api/v1/registers/transitions/{body['id']}").status_code == 404  # another register's
    assert client.get("/api/v1/registers/premises/999999").status_code == 404
    assert client.get("/api/v1/registers/no_such_register").status_code == 404


@pytest.mark.parametrize(
    "query, field, rule",
    [
        ("credit_code=91330100716105852X", "credit_code", "credit_code"),
        ("credit_code=ABC", "credit_code", "credit_code"),
        ("division=110101", "division", "division"),
        ("division=x", "division", "division"),
        ("street=23010200", "street", "street"),
        ("street=110101001", "street", "street"),
        ("status=registered", "status", "choice"),
        ("page=0", "page", "range"),
        ("page=x", "page", "range"),
        ("per_page=101", "per_page", "range"),
        ("q=" + "长" * 101, "q", "max_length"),
        ("q=a%01b", "q", "max_length"),
    ],
)
def test_bad_input_is_named_in_both_languages(client, query, field, rule):
    zh = client.get(f"/api/v1/registers/premises?{query}")
    en = client.get(f"/api/v1/registers/premises?{query}", headers={"Accept-Language": "en"})
    assert zh.status_code == en.status_code == 422
    detail = zh.get_json()["error"]["details"][0]
    assert (detail["field"], detail["rule"]) == (field, rule)
    assert field in zh.get_json()["error"]["message"] and "查询条件有误" in zh.get_json()["error"]["message"]
    assert en.get_json()["error"]["message"].startswith("invalid search") and field in en.get_json()["error"]["message"]


def test_every_bad_parameter_at_once(client):
    r = client.get("/api/v1/registers/premises?division=1&street=2&status=3&page=0")
    assert [d["field"] for d in r.get_json()["error"]["details"]] == ["division", "street", "status", "page"]


def test_csv_export_is_the_whole_register_with_the_documented_columns(client, registered):
    r = client.get("/api/v1/registers/premises.csv")
    assert r.status_code == 200 and r.is_streamed and r.content_type == "text/csv; charset=utf-8"
    assert r.headers["Content-Disposition"] == 'attachment; filename="premises.csv"'
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    fields = [f["name"] for f in client.get("/api/v1/registers").get_json()["items"][0]["fields"]]
    assert list(rows[0]) == fields and len(rows) == 3
    assert [int(row["id"]) for row in rows] == sorted(int(row["id"]) for row in rows)  # id order
    by_street = {row["street"]: row for row in rows}
    assert by_street["230102001"]["in_force"] == "true" and by_street["230102001"]["until"] == ""
    assert by_street["230102001"]["service_category"] == "housekeeping"
    text = r.get_data(as_text=True)
    assert "0451-88886666" not in text and "王小五" not in text


def test_json_export_matches_the_search_items_and_the_schema(client, registered):
    r = client.get("/api/v1/registers/transitions.json")
    assert r.status_code == 200 and r.is_streamed and r.mimetype == "application/json"
    body = json.loads(r.get_data(as_text=True))
    assert body["register"] == "transitions" and [f["name"] for f in body["fields"]][0] == "id"
    assert body["items"] == client.get("/api/v1/registers/transitions").get_json()["items"]
    item = body["items"][0]
    assert item["until"] == "2031-11-25" and item["facts"]["land_holder"] == "哈尔滨市道里区城市建设投资有限公司"
    import jsonschema_rs

    schemas = document()["components"]["schemas"]
    entry = {
        **schemas["RegisterEntry"],
        "properties": {
            **schemas["RegisterEntry"]["properties"],
            "facts": schemas["RegisterEntry_transitions"]["allOf"][1]["properties"]["facts"],
        },
    }
    jsonschema_rs.validate(entry, item)


def test_an_empty_register_exports_a_header_and_an_empty_list(client):
    assert client.get("/api/v1/registers/fire_filings.csv").get_data(as_text=True).startswith("id,register,status,")
    assert json.loads(client.get("/api/v1/registers/fire_filings.json").get_data(as_text=True))["items"] == []


def test_the_openapi_document_describes_the_registers(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in (
        "/api/v1/registers",
        "/api/v1/registers/{name}",
        "/api/v1/registers/{name}.csv",
        "/api/v1/registers/{name}.json",
        "/api/v1/registers/{name}/{entry_id}",
        "/api/v1/enterprises/{credit_code}",
    ):
        assert paths[path]["get"], path
    assert paths["/api/v1/registers/{name}"]["get"]["security"] == []
    assert (
        "enterprise"
        in paths["/api/v1/applications"]["post"]["requestBody"]["content"]["application/json"]["schema"]["properties"]
    )


@pytest.mark.parametrize(
    "q, found", [("abc", True), ("ABC", True), ("Bc", True), ("便", True), ("c便", True), ("xbc", False), ("cb", False)]
)
def test_a_part_of_the_name_of_any_length_and_case(world, client, q, found):
    world.bring("premise_addition", "registered", enterprise_name="哈尔滨市ABC便民服务有限公司")
    assert (names(client.get("/api/v1/registers/premises", query_string={"q": q})) != []) is found
