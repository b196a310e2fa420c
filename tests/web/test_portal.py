"""The applicant portal through its pages: the whole path with a clerk, blocked buttons, scoping, bad input."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest

from tests.conftest import PDF_BYTES
from tests.web.pages import block, fire, form_fields, html, new_draft, upload_data, version_on
from workflows.registry import PROCEDURES

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_full_path_through_the_pages(login):
    alice, clerk = login("alice"), login("clerk_daoli")
    assert alice.get("/my/new/premise_addition").status_code == 200
    app_id = new_draft(alice)
    page = html(alice.get(f"/my/applications/{app_id}"))
    assert "草稿已保存" in page and 'aria-current="step"' in page

    r = alice.post(f"/my/applications/{app_id}/attachments", data=upload_data(filename="租赁合同.pdf"))
    assert r.status_code == 303
    assert "租赁合同.pdf" in html(alice.get(f"/my/applications/{app_id}"))
    r = fire(alice, "my", app_id, "submit")
    assert r.status_code == 303
    page = html(alice.get(f"/my/applications/{app_id}"))
    assert "已办理：提交申请" in page and "2026年11月30日" in page

    assert f"/console/applications/{app_id}" in html(clerk.get("/console/"))
    assert clerk.get(f"/console/applications/{app_id}").status_code == 200
    items = {
        "premise_address": "门牌号与不动产权证书记载不一致",
        "premise_use_document": "租赁合同已过期，请提交有效合同",
    }
    page = html(clerk.get(f"/console/applications/{app_id}"))
    names = re.findall(r'name="item_name" value="([a-z_]+)"', page)
    r = fire(
        clerk,
        "console",
        app_id,
        "request_correction",
        item_name=names,
        item_on=list(items),
        item_reason=[items.get(n, "") for n in names],
    )
    assert r.status_code == 303, html(r)
    assert "已办理：一次性告知补正" in html(clerk.get(f"/console/applications/{app_id}"))

    page = html(alice.get(f"/my/applications/{app_id}"))
    assert "待补正" in page
    assert "needs-correction" in block(page, "f-premise_address")
    assert items["premise_address"] in block(page, "f-premise_address")
    assert items["premise_use_document"] in block(page, "a-premise_use_document")
    assert "您的申请需要补正材料" in html(alice.get("/my/"))  # the unread notification

    r = alice.post(
        f"/my/applications/{app_id}",
        data={**form_fields(premise_address="经纬街266号院3号楼102室"), "version": version_on(page)},
    )
    assert r.status_code == 303, html(r)
    assert alice.post(f"/my/applications/{app_id}/attachments", data=upload_data()).status_code == 303
    assert fire(alice, "my", app_id, "resubmit").status_code == 303
    page = html(alice.get(f"/my/applications/{app_id}"))
    assert "已提交" in page and "经纬街266号院3号楼102室" in page

    r = fire(clerk, "console", app_id, "register", comment="材料齐全，当场登记")
    assert r.status_code == 303
    assert "已办理：准予登记" in html(clerk.get(f"/console/applications/{app_id}"))

    page = html(alice.get(f"/my/applications/{app_id}"))
    assert "已登记" in page and "经营场所登记通知书" in page and "材料齐全，当场登记" in page
    assert "补正通知书" in page  # the one-time notice, also issued
    doc_url = re.search(r'经营场所登记通知书.*?href="(/my/documents/\d+\.pdf)"', page, re.S).group(1)
    pdf = alice.get(doc_url)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    disposition = pdf.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''" in disposition
    assert unquote(disposition.split("''", 1)[1]).startswith("哈道市监经登字〔2026〕1号")
    notice = re.search(r'<li class="doc" data-kind="registration_notice">.*?</li>', page, re.S).group(0)
    verify = re.search(r'href="http://bianmin.test(/verify/[^"]+)"', notice).group(1)
    assert "有效" in html(alice.get(verify))
    correction = re.search(r'<li class="doc" data-kind="correction_notice">.*?</li>', page, re.S).group(0)
    assert "已被替代" in correction  # superseded once resubmitted


def test_home_lists_applications_with_holder_and_deadline(login, api):
    submitted = api.submitted()
    alice = login("alice")
    page = html(alice.get("/my/"))
    assert submitted["number"] in page and "已提交" in page
    assert "哈尔滨市道里区市场监督管理局" in page and "2026年11月30日" in page
    assert "/my/new/premise_addition" in page


def test_notifications_can_be_marked_read(login, api):
    app = api.submitted()
    api.fire(app["id"], "request_correction", "clerk_daoli", {"items": [{"field": "business_scope", "reason": "写明"}]})
    alice = login("alice")
    assert "未读消息" in html(alice.get("/my/"))
    assert alice.post("/my/notifications/read").status_code == 303
    assert "未读消息" not in html(alice.get("/my/"))


def test_submit_is_disabled_with_every_reason(login):
    alice = login("alice")
    app_id = new_draft(alice, premise_division="230103", needs_prior_licence=True)
    page = html(alice.get(f"/my/applications/{app_id}"))
    submit = re.search(r'<form[^>]*data-event="submit".*?</form>', page, re.S).group(0)
    assert "disabled" in submit
    assert "经营场所使用证明（产权证明或租赁合同及产权证明）：请上传" in submit
    assert "分支机构设立登记" in submit and "前置审批" in submit
    assert "暂不符合条件" in page  # the eligibility box says so too


def test_eligibility_precheck_saves_nothing(login, app):
    alice = login("alice")
    r = alice.post("/my/new/premise_addition", data={**form_fields(premise_division="230103"), "action": "check"})
    assert r.status_code == 200
    assert "暂不符合条件" in html(r) and "分支机构" in html(r)
    r = alice.post("/my/new/premise_addition", data={**form_fields(), "action": "check"})
    assert "符合条件" in html(r) and "暂不符合条件" not in html(r)
    assert "申请编号" not in html(alice.get("/my/"))


def test_bad_credit_code_is_shown_beside_the_field(login):
    alice = login("alice")
    r = alice.post("/my/new/premise_addition", data={**form_fields(credit_code="91330100716105852A"), "action": "save"})
    assert r.status_code == 422
    field = block(html(r), "f-credit_code")
    assert "has-error" in field and "统一社会信用代码" in field and "校验" in field
    assert 'value="91330100716105852A"' in field  # what was typed is kept
    assert "草稿已保存" not in html(r)


def test_bad_value_on_edit_is_shown_inline(login):
    alice = login("alice")
    app_id = new_draft(alice)
    page = html(alice.get(f"/my/applications/{app_id}"))
    r = alice.post(f"/my/applications/{app_id}", data={**form_fields(credit_code="12345"), "version": version_on(page)})
    assert r.status_code == 422
    assert "has-error" in block(html(r), "f-credit_code")


def test_a_draft_with_empty_optional_fields_omits_them(login, api):
    alice = login("alice")
    app_id = new_draft(alice, agent_name="")
    fields = api.get(f"/api/v1/applications/{app_id}", "alice").get_json()["fields"]
    assert "agent_name" not in fields and fields["needs_prior_licence"] is False


def test_upload_problems_are_shown_as_messages(login):
    alice = login("alice")
    app_id = new_draft(alice)
    back = {"Referer": f"http://localhost/my/applications/{app_id}"}
    r = alice.post(
        f"/my/applications/{app_id}/attachments",
        data=upload_data(data=b"hello", filename="x.pdf"),
        headers=back,
        follow_redirects=True,
    )
    assert "只接受PDF、PNG、JPEG文件" in html(r)
    r = alice.post(
        f"/my/applications/{app_id}/attachments", data=upload_data(kind="nonsense"), headers=back, follow_redirects=True
    )
    assert "材料类别不正确" in html(r)
    r = alice.post(
        f"/my/applications/{app_id}/attachments",
        data={"kind": "premise_use_document"},
        headers=back,
        follow_redirects=True,
    )
    assert "请选择要上传的文件" in html(r)


def test_upload_too_large_is_a_message(login, app):
    app.config["UPLOAD_MAX_BYTES"] = 1024
    alice = login("alice")
    app_id = new_draft(alice)
    r = alice.post(
        f"/my/applications/{app_id}/attachments",
        data=upload_data(data=PDF_BYTES + b"0" * 2048),
        headers={"Referer": f"http://localhost/my/applications/{app_id}"},
        follow_redirects=True,
    )
    assert "文件超过" in html(r)
    app.config["MAX_CONTENT_LENGTH"] = 4096  # beyond even the request limit
    r = alice.post(
        f"/my/applications/{app_id}/attachments",
        data=upload_data(data=PDF_BYTES + b"0" * 8192),
        headers={"Referer": f"http://localhost/my/applications/{app_id}"},
        follow_redirects=True,
    )
    assert "文件超过" in html(r) and "已上传" not in html(r)


def test_attachment_can_be_viewed_and_removed(login):
    alice = login("alice")
    app_id = new_draft(alice)
    alice.post(f"/my/applications/{app_id}/attachments", data=upload_data(data=PNG_BYTES, filename="证明.png"))
    page = html(alice.get(f"/my/applications/{app_id}"))
    att = re.search(rf'href="(/my/applications/{app_id}/attachments/(\d+))"', page)
    r = alice.get(att.group(1))
    assert r.status_code == 200 and r.mimetype == "image/png" and r.headers["Content-Disposition"].startswith("inline")
    assert alice.post(f"{att.group(1)}/delete").status_code == 303
    assert "证明.png" not in html(alice.get(f"/my/applications/{app_id}"))


def test_stale_version_is_refused_with_a_message(login):
    alice = login("alice")
    app_id = new_draft(alice)
    alice.post(f"/my/applications/{app_id}/attachments", data=upload_data())
    r = alice.post(
        f"/my/applications/{app_id}/events",
        data={"event": "submit", "version": "0", "declare": "yes"},
        follow_redirects=True,
    )
    assert "申请已被他人修改" in html(r)
    assert "草稿" in html(r)


def test_withdraw_from_the_page(login, api):
    app = api.submitted()
    alice = login("alice")
    assert fire(alice, "my", app["id"], "withdraw").status_code == 303
    page = html(alice.get(f"/my/applications/{app['id']}"))
    assert "已撤回" in page and "当前环节" in page  # a side state, shown as the current step


def test_other_applicants_get_404(login, api):
    app = api.submitted()
    bob = login("bob")
    assert bob.get(f"/my/applications/{app['id']}").status_code == 404
    assert (
        bob.post(f"/my/applications/{app['id']}/events", data={"event": "withdraw", "version": "2"}).status_code == 404
    )
    assert bob.post(f"/my/applications/{app['id']}/attachments", data=upload_data()).status_code == 404
    api.fire(app["id"], "register", "clerk_daoli")
    alice = login("alice")
    doc_url = re.search(r'href="(/my/documents/\d+\.pdf)"', html(alice.get(f"/my/applications/{app['id']}"))).group(1)
    assert bob.get(doc_url).status_code == 404
    assert bob.get("/my/documents/999999.pdf").status_code == 404


def test_portal_is_for_applicants_only(login, client):
    assert client.get("/my/").status_code == 302  # to the login page
    assert login("clerk_daoli").get("/my/").status_code == 403
    assert login("admin").get("/my/new/premise_addition").status_code == 403
    assert login("alice").get("/my/new/no_such_procedure").status_code == 404


@pytest.mark.parametrize("procedure", sorted(PROCEDURES))
def test_every_procedure_has_a_working_draft_form(login, procedure):
    """The form is generated from each procedure's field list; an empty draft saves and shows."""
    alice = login("alice")
    page = html(alice.get(f"/my/new/{procedure}"))
    for spec in PROCEDURES[procedure].fields:
        assert f'id="f-{spec.name}"' in page and spec.zh in page
    r = alice.post(f"/my/new/{procedure}", data={"action": "save"})
    assert r.status_code == 303, html(r)
    page = html(alice.get(r.headers["Location"]))
    assert "草稿" in page and 'data-event="submit"' in page and "：必填" in page  # submit blocked, saying why
