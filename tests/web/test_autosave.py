"""Autosaved drafts and the drop zone's JSON upload (static/app.js): the same form parsing, validation
and engine path as the page's own "保存修改" and upload form, answered in JSON."""

from __future__ import annotations

import re

from models import Application, db
from tests.conftest import PDF_BYTES
from tests.web.pages import fire, form_fields, html, new_draft, upload_data, version_on
from tests.web.test_csrf import csrf_app, logged_in, token_from  # noqa: F401  (fixture)


def stored(app, app_id) -> dict:
    with app.app_context():
        return dict(db.session.get(Application, app_id).fields)


def autosave(client, app_id, **over):
    page = html(client.get(f"/my/applications/{app_id}"))
    return client.post(
        f"/my/applications/{app_id}/autosave",
        data={**form_fields(**over), "version": version_on(page)},
        headers={"Accept": "application/json"},
    )


def test_the_draft_page_offers_autosave_and_the_drop_zone(login):
    alice = login("alice")
    app_id = new_draft(alice)
    page = html(alice.get(f"/my/applications/{app_id}"))
    assert f'data-autosave="/my/applications/{app_id}/autosave"' in page
    assert 'class="autosave-status"' in page
    assert f'data-json-action="/my/applications/{app_id}/attachments.json"' in page
    assert 'class="drop-zone"' in page and 'id="upload-file"' in page  # the plain input stays


def test_autosave_saves_and_answers_with_the_time(login, app):
    alice = login("alice")
    app_id = new_draft(alice)
    r = autosave(alice, app_id, premise_address="经纬街266号院3号楼102室", business_scope="")
    body = r.get_json()
    assert r.status_code == 200, body
    assert body["ok"] is True and body["problems"] == []
    assert re.fullmatch(r"\d\d:\d\d", body["saved_at"])
    fields = stored(app, app_id)
    assert fields["premise_address"] == "经纬街266号院3号楼102室"
    assert "business_scope" not in fields  # cleared, as "保存修改" clears it
    assert 'value="经纬街266号院3号楼102室"' in html(alice.get(f"/my/applications/{app_id}"))


def test_a_malformed_value_is_reported_and_the_valid_ones_are_kept(login, app):
    alice = login("alice")
    app_id = new_draft(alice)
    r = autosave(alice, app_id, credit_code="91330100716105852X", premise_address="经纬街266号院3号楼102室")
    body = r.get_json()
    assert r.status_code == 422 and body["ok"] is False
    assert [p["field"] for p in body["problems"]] == ["credit_code"]
    assert body["problems"][0]["message"] and body["saved_at"]
    fields = stored(app, app_id)
    assert fields["premise_address"] == "经纬街266号院3号楼102室"  # the valid edit is saved
    assert fields["credit_code"] == "91330100716105852F"  # the bad one is not


def test_autosave_refuses_what_saving_refuses(login, api):
    alice = login("alice")
    app_id = new_draft(alice)
    r = alice.post(f"/my/applications/{app_id}/autosave", data={**form_fields(), "version": "99"})
    assert r.status_code == 409 and r.get_json()["code"] == "stale_version"
    assert (
        login("bob").post(f"/my/applications/{app_id}/autosave", data={**form_fields(), "version": "1"}).status_code
        == 404
    )
    alice.post(f"/my/applications/{app_id}/attachments", data=upload_data())
    assert fire(alice, "my", app_id, "submit").status_code == 303
    r = autosave(alice, app_id, premise_address="别处")
    assert r.status_code == 409 and r.get_json()["code"] == "invalid_state"


def test_autosave_needs_the_csrf_token_in_a_header(csrf_app):  # noqa: F811
    alice = logged_in(csrf_app, "alice")
    token = token_from(html(alice.get("/my/new/premise_addition")))
    r = alice.post("/my/new/premise_addition", data={**form_fields(), "action": "save", "csrf_token": token})
    app_id = int(r.headers["Location"].rsplit("/", 1)[1])
    page = html(alice.get(f"/my/applications/{app_id}"))
    data = {**form_fields(premise_address="经纬街266号院3号楼102室"), "version": version_on(page)}
    assert alice.post(f"/my/applications/{app_id}/autosave", data=data).status_code == 400
    r = alice.post(f"/my/applications/{app_id}/autosave", data=data, headers={"X-CSRFToken": token_from(page)})
    assert r.status_code == 200, r.get_data(as_text=True)


def test_json_upload_returns_the_refreshed_list(login):
    alice = login("alice")
    app_id = new_draft(alice)
    r = alice.post(f"/my/applications/{app_id}/attachments.json", data=upload_data(filename="租赁合同.pdf"))
    body = r.get_json()
    assert r.status_code == 201 and body["ok"] is True
    assert body["attachment"]["filename"] == "租赁合同.pdf" and body["attachment"]["kind"] == "premise_use_document"
    assert 'class="attachment-kinds"' in body["html"] and "租赁合同.pdf" in body["html"]


def test_json_upload_problems_are_json(login, app):
    alice = login("alice")
    app_id = new_draft(alice)
    r = alice.post(f"/my/applications/{app_id}/attachments.json", data=upload_data(data=b"hello", filename="x.pdf"))
    assert r.status_code == 415 and "只接受PDF、PNG、JPEG文件" in r.get_json()["message"]
    r = alice.post(f"/my/applications/{app_id}/attachments.json", data={"kind": "premise_use_document"})
    assert r.status_code == 422 and "请选择要上传的文件" in r.get_json()["message"]
    app.config["UPLOAD_MAX_BYTES"] = 1024
    r = alice.post(f"/my/applications/{app_id}/attachments.json", data=upload_data(data=PDF_BYTES + b"0" * 2048))
    assert r.status_code == 413 and "文件超过" in r.get_json()["message"]
    assert "lease.pdf" not in html(alice.get(f"/my/applications/{app_id}"))
