"""API: applications, their fields, attachments, events, audit trail and documents."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, current_app, request
from sqlalchemy import select

from infra import storage
from infra.i18n import pair_text
from models import Application, AuditEntry, Notification, db
from models.base import local_iso
from views.api import api_user, bp, image_lang, json_body, lang
from views.api.presenters import application as present
from views.api.presenters import summary
from views.shared import RETRY_AFTER
from workflows import access, attachments, diagram, engine, enterprises, inbox, operations
from workflows.definition import Reason
from workflows.errors import Forbidden, Invalid, NotFound
from workflows.registry import PROCEDURES
from workflows.transaction import commit


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:  # '²'.isdigit() is True
        raise Invalid(
            f"参数 {name} 应为 {low}–{high} 的整数",
            f"{name} must be an integer {low}–{high}",
            [Reason("range", f"{name}：应为 {low}–{high} 的整数", f"{name}: integer {low}–{high}", name)],
        )
    return int(raw)


@bp.get("/applications")
def list_applications():
    user = api_user()
    query = inbox.query(user, open_only=False)  # API.md: everything the caller may see, closed ones too
    procedure, state = request.args.get("procedure"), request.args.get("state")
    if procedure:
        query = query.where(Application.procedure == procedure)
    if state:
        query = query.where(Application.state == state)
    overdue = request.args.get("overdue")
    if overdue not in (None, "", "true", "false"):  # as the OpenAPI document says (not null, not 1)
        raise Invalid(
            "参数 overdue 应为 true 或 false",
            "overdue must be true or false",
            [Reason("choice", "overdue：应为 true 或 false", "overdue: true or false", "overdue")],
        )
    if overdue == "true":
        query = query.where(Application.is_open.is_(True), Application.deadline_due < engine.today())
    page = _int_arg("page", 1, 1, 10**6)
    per_page = _int_arg("per_page", 20, 1, current_app.config["PER_PAGE_MAX"])
    counted = inbox.capped_count(query)  # "total" stays a number: the cap, with total_capped, above it
    order = inbox.ORDER if user.is_staff else (Application.id.desc(),)
    rows = db.session.execute(query.order_by(*order).limit(per_page).offset((page - 1) * per_page)).scalars()
    return {
        "items": [summary(a) for a in rows],
        "total": min(counted, inbox.CAP),
        "total_capped": counted > inbox.CAP,
        "page": page,
        "per_page": per_page,
    }


@bp.post("/applications")
def create_application():
    user = api_user()
    body = json_body()
    if user.role != "applicant":
        raise Forbidden("只有申请人可以创建申请", "only applicants create applications")
    if not isinstance(body.get("procedure"), str) or body["procedure"] not in PROCEDURES:
        names = ", ".join(PROCEDURES)
        raise Invalid(
            "未知的办理事项",
            "unknown procedure",
            [Reason("choice", f"procedure：须为 {names} 之一", f"procedure: one of {names}", "procedure")],
        )
    extra = set(body) - {"procedure", "fields", "enterprise"}
    if extra:
        raise Invalid(
            "未知的参数",
            "unknown keys",
            [Reason("unknown_field", f"未知参数：{k}", f"unknown key: {k}", k) for k in sorted(extra)],
        )
    fields = body.get("fields", {})
    if body.get("enterprise") is not None and isinstance(fields, dict):  # prefilled from an enterprise (DOMAIN §6)
        fields = {**enterprises.prefill(user, PROCEDURES[body["procedure"]], body["enterprise"]), **fields}
    app = engine.create(body["procedure"], user, fields)
    commit()
    return present(app, user, lang()), 201


@bp.get("/applications/<app_id>")
def get_application(app_id):
    user = api_user()
    return present(access.application(user, app_id), user, lang())


@bp.patch("/applications/<app_id>")
def patch_application(app_id):
    user = api_user()
    app = access.application(user, app_id)
    body = json_body()
    if "fields" not in body:
        raise Invalid(
            "缺少 fields", "fields is required", [Reason("required", "fields：必填", "fields: required", "fields")]
        )
    engine.update_fields(app, user, body["fields"], body.get("version"))
    commit()
    return present(app, user, lang())


@bp.post("/applications/<app_id>/attachments")
def upload_attachment(app_id):
    user = api_user()
    app = access.application(user, app_id)
    upload = request.files.get("file")
    if upload is None:
        raise Invalid("缺少文件", "a file is required", [Reason("required", "file：必填", "file: required", "file")])
    att = attachments.add(
        app, user, request.form.get("kind"), upload.filename, upload.read(current_app.config["UPLOAD_MAX_BYTES"] + 1)
    )
    commit()
    return att.as_dict(), 201


@bp.get("/applications/<app_id>/attachments")
def list_attachments(app_id):
    app = access.application(api_user(), app_id)
    return {"items": [a.as_dict() for a in app.attachments]}


@bp.get("/applications/<app_id>/attachments/<att_id>")
def download_attachment(app_id, att_id):
    app = access.application(api_user(), app_id)
    att = next((a for a in app.attachments if str(a.id) == att_id), None)
    if att is None:
        raise NotFound()
    data = storage.read_checked(att.storage_path, att.sha256)
    return Response(
        data,
        mimetype=att.content_type,
        headers={
            "Content-Disposition": f"inline; filename*=UTF-8''{_quote(att.filename)}",
            "Cache-Control": "private, no-store",
        },
    )


@bp.delete("/applications/<app_id>/attachments/<att_id>")
def delete_attachment(app_id, att_id):
    user = api_user()
    app = access.application(user, app_id)
    attachments.remove(app, user, att_id)
    commit()
    return "", 204


@bp.post("/applications/<app_id>/events")
def fire_event(app_id):
    user = api_user()
    app = access.application(user, app_id)
    body = json_body()
    engine.fire(app, body.get("event"), user, body.get("data"), body.get("version"), body.get("comment") or "")
    commit()
    return present(app, user, lang())


@bp.post("/applications/<app_id>/claim")
def claim_application(app_id):
    """Take the application to handle, as the console's 认领 (only staff who may act on its current step)."""
    user = api_user()
    app = access.application(user, app_id)
    operations.claim(user, app)
    commit()
    return {"id": app.id, "claimed_by": user.username}


@bp.delete("/applications/<app_id>/claim")
def release_application(app_id):
    user = api_user()
    app = access.application(user, app_id)
    operations.release(user, app)
    commit()
    return {"id": app.id, "claimed_by": None}


@bp.get("/applications/<app_id>/events")
def audit_trail(app_id):
    app = access.application(api_user(), app_id)
    rows = db.session.execute(
        select(AuditEntry).where(AuditEntry.application_id == app.id).order_by(AuditEntry.seq)
    ).scalars()
    return [r.as_dict() for r in rows]


@bp.get("/documents/<path:number>.pdf")
def download_document(number):
    doc = access.document(api_user(), number)
    if doc.pending:  # a bulk action's document: numbered and recorded, its file still being rendered by the worker
        body = {
            "error": {
                "code": "being_issued",
                "message": pair_text("正在签发，请稍后再下载", "being issued: download it in a moment"),
                "details": [],
            }
        }
        return body, 202, {"Retry-After": str(RETRY_AFTER)}
    data = storage.read_checked(doc.storage_path, doc.sha256)
    return Response(
        data,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{_quote(doc.number)}.pdf",
            "Cache-Control": "private, max-age=3600",
            "ETag": f'"{doc.sha256}"',
        },
    )


def _quote(name: str) -> str:
    return quote(name, safe="")


@bp.get("/applications/<app_id>/diagram.svg")
def application_diagram(app_id):
    app = access.application(api_user(), app_id)
    states = (
        db.session.execute(
            select(AuditEntry.to_state).where(AuditEntry.application_id == app.id).order_by(AuditEntry.seq)
        )
        .scalars()
        .all()
    )
    svg = diagram.render(PROCEDURES[app.procedure], app.state, tuple(states), image_lang())
    return Response(svg, mimetype="image/svg+xml")


@bp.get("/notifications")
def notifications():
    user = api_user()
    rows = db.session.execute(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id.desc()).limit(100)
    ).scalars()
    text = "message_zh" if lang() == "zh" else "message_en"
    return {
        "items": [
            {
                "id": n.id,
                "kind": n.kind,
                "application_id": n.application_id,
                "message": getattr(n, text),
                "created_at": local_iso(n.created_at),
                "read": n.read_at is not None,
            }
            for n in rows
        ]
    }
