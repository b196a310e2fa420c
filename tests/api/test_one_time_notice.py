"""The one-time notice enforced (DOMAIN §0, issue 17 item 2) and declarations and decisions (item 6), through the API."""

from __future__ import annotations

ITEMS = {
    "items": [
        {"field": "premise_use_document", "reason": "租赁合同缺少出租方签章页"},
        {"field": "business_scope", "reason": "请具体写明经营范围"},
        {"field": "contact_phone", "reason": "请核对联系电话"},
    ]
}


def corrected(api, **fields):
    app = api.submitted(**fields)
    r = api.fire(app["id"], "request_correction", "clerk_daoli", ITEMS)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def answered(api, app_id, user="alice") -> dict:
    body = api.get(f"/api/v1/applications/{app_id}", user).get_json()
    return {i["field"]: i["answered"] for i in body["correction_items"]}


def test_items_are_answered_by_a_change_or_a_new_file(api, fast_pdf):
    app = corrected(api, contact_phone="0451-84600000")
    assert app["correction_items"] == [{**i, "answered": False} for i in ITEMS["items"]]
    assert (
        api.patch(
            f"/api/v1/applications/{app['id']}", "alice", json={"fields": {"business_scope": "家政服务；保洁服务"}}
        ).status_code
        == 200
    )
    assert answered(api, app["id"]) == {"premise_use_document": False, "business_scope": True, "contact_phone": False}
    assert api.upload(app["id"]).status_code == 201
    assert answered(api, app["id"]) == {"premise_use_document": True, "business_scope": True, "contact_phone": False}
    # the clerk sees the same list (and, in full, what changed)
    clerk = api.get(f"/api/v1/applications/{app['id']}", "clerk_daoli").get_json()
    scope = next(i for i in clerk["correction_answers"] if i["field"] == "business_scope")
    assert scope["old"] == "家政服务" and scope["new"] == "家政服务；保洁服务" and scope["how"] == "changed"


def test_resubmit_names_every_unanswered_item(api, fast_pdf):
    app = corrected(api, contact_phone="0451-84600000")
    r = api.fire(app["id"], "resubmit", "alice")
    assert r.status_code == 422
    error = r.get_json()["error"]
    assert error["code"] == "guard_failed"
    unanswered = [d["field"] for d in error["details"] if d["rule"] == "unanswered"]
    assert unanswered == ["premise_use_document", "business_scope", "contact_phone"]
    assert api.get(f"/api/v1/applications/{app['id']}", "alice").get_json()["state"] == "correction_required"


def test_resubmit_with_changes_files_and_explanations(api, fast_pdf):
    app = corrected(api, contact_phone="0451-84600000")
    api.patch(f"/api/v1/applications/{app['id']}", "alice", json={"fields": {"business_scope": "家政服务；保洁服务"}})
    api.upload(app["id"])
    r = api.fire(app["id"], "resubmit", "alice", {"answers": {"contact_phone": "电话无误，为企业总机"}})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["state"] == "submitted" and body["correction_items"] == []
    how = {i["field"]: (i["how"], i["resolved"]) for i in body["correction_answers"]}
    assert how == {
        "premise_use_document": ("file", True),
        "business_scope": ("changed", True),
        "contact_phone": ("explanation", False),
    }
    trail = api.get(f"/api/v1/applications/{app['id']}/events", "clerk_daoli").get_json()
    resubmit = trail[-1]
    assert resubmit["event"] == "resubmit"
    assert {a["field"]: a["how"] for a in resubmit["data"]["answers"]}["contact_phone"] == "explanation"
    assert resubmit["data"]["answers"][2]["explanation"] == "电话无误，为企业总机"


def test_an_explanation_for_an_item_not_listed_is_refused(api, fast_pdf):
    app = corrected(api)
    r = api.fire(app["id"], "resubmit", "alice", {"answers": {"agent_name": "无"}})
    assert r.status_code == 422
    assert "data.answers.agent_name" in [d["field"] for d in r.get_json()["error"]["details"]]


def test_a_later_list_names_only_open_items_or_changed_content(api, fast_pdf):
    app = corrected(api, contact_phone="0451-84600000", agent_name="王五")
    api.patch(f"/api/v1/applications/{app['id']}", "alice", json={"fields": {"business_scope": "家政服务；保洁服务"}})
    api.upload(app["id"])
    assert api.fire(app["id"], "resubmit", "alice", {"answers": {"contact_phone": "电话无误"}}).status_code == 200

    # a new item (agent_name was neither listed nor changed): refused with the rule, naming the item
    r = api.fire(
        app["id"], "request_correction", "clerk_daoli", {"items": [{"field": "agent_name", "reason": "请核对"}]}
    )
    assert r.status_code == 422
    details = r.get_json()["error"]["details"]
    assert [(d["rule"], d["field"]) for d in details] == [("one_time_notice", "data.items[0]")]

    # an item resolved by a change may not be named again unless it changed: business_scope did change
    ok = {
        "items": [
            {"field": "contact_phone", "reason": "说明不成立，请更正"},  # answered only by an explanation
            {"field": "business_scope", "reason": "变更后的经营范围超出登记范围"},  # changed in the resubmission
            {"field": "premise_use_document", "reason": "新上传的合同仍缺签章"},  # a new file
        ]
    }
    r = api.fire(app["id"], "request_correction", "clerk_daoli", ok)
    assert r.status_code == 200, r.get_json()
    assert [i["field"] for i in r.get_json()["correction_items"]] == [i["field"] for i in ok["items"]]


def test_submit_keeps_the_declaration_in_the_audit_entry(api, fast_pdf):
    app = api.submitted()
    trail = api.get(f"/api/v1/applications/{app['id']}/events", "alice").get_json()
    submit = next(e for e in trail if e["event"] == "submit")
    assert "承诺" in submit["data"]["declaration"] and "真实" in submit["data"]["declaration"]


def test_a_decision_keeps_its_opinion(api, fast_pdf):
    app = api.submitted()
    r = api.fire(app["id"], "register", "clerk_daoli", comment="材料齐全，准予登记")
    assert r.status_code == 200, r.get_json()
    trail = api.get(f"/api/v1/applications/{app['id']}/events", "clerk_daoli").get_json()
    assert trail[-1]["event"] == "register" and trail[-1]["comment"] == "材料齐全，准予登记"


def test_the_procedure_listing_says_which_decisions_take_an_opinion(api):
    procs = {p["name"]: p for p in api.get("/api/v1/procedures").get_json()}
    events = {e["name"]: e for e in procs["premise_addition"]["events"]}
    assert events["register"]["comment"]["required"] is False
    assert "comment" not in events["accept"]
