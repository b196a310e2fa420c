"""The applicant portal: my applications, drafts, uploads, submit, timeline, documents."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    render_template_string,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select, update
from werkzeug.exceptions import RequestEntityTooLarge

from forms.application import (
    application_form,
    event_choices,
    fields_from,
    fire_from_form,
    precheck,
    show_problems,
    version_from,
)
from infra.extensions import login_manager
from infra.i18n import bi, bi_of
from models import Application, Notification, db
from views.shared import application_facts, attachment_response, document_response, hidden_or_forbidden
from workflows import access, attachments, engine, enterprises
from workflows.errors import DomainError, Invalid, TooLarge
from workflows.registry import PROCEDURES
from workflows.transaction import commit

bp = Blueprint("portal", __name__, url_prefix="/my")
SHANGHAI = ZoneInfo("Asia/Shanghai")


@bp.before_request
def applicants_only():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role != "applicant":
        abort(hidden_or_forbidden(current_user))


def _procedure(name: str):
    return PROCEDURES.get(name) or abort(404)


# --- pages ------------------------------------------------------------------------------------


@bp.get("/")
def home():
    rows = db.session.execute(access.visible(current_user).order_by(Application.id.desc())).scalars().all()
    notes = (
        db.session.execute(
            select(Notification)
            .where(Notification.user_id == current_user.id, Notification.read_at.is_(None))
            .order_by(Notification.id.desc())
            .limit(50)
        )
        .scalars()
        .all()
    )
    return render_template("portal/home.html", applications=rows, notifications=notes, procedures=PROCEDURES.values())


@bp.post("/notifications/read")
def notifications_read():
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == current_user.id, Notification.read_at.is_(None))
        .values(read_at=datetime.now(UTC))
    )
    commit()
    return redirect(url_for(".home"), 303)


@bp.route("/new/<procedure>", methods=["GET", "POST"])
def new(procedure):
    proc = _procedure(procedure)
    form = application_form(proc)
    if request.method == "GET":
        try:  # ?enterprise=<credit code>: prefilled from an enterprise this applicant acts for (DOMAIN §6)
            form = application_form(proc, enterprises.prefill(current_user, proc, request.args.get("enterprise")))
        except Invalid as exc:
            return render_template("portal/new.html", proc=proc, form=form, eligibility=None, problems=exc.details), 422
        return render_template("portal/new.html", proc=proc, form=form, eligibility=None, problems=[])
    try:
        if request.form.get("action") == "check":
            result = precheck(proc, fields_from(form, proc))
            return render_template("portal/new.html", proc=proc, form=form, eligibility=result, problems=[])
        app = engine.create(proc.name, current_user, fields_from(form, proc))
    except Invalid as exc:
        return render_template(
            "portal/new.html", proc=proc, form=form, eligibility=None, problems=show_problems(form, exc.details)
        ), 422
    commit()
    flash(bi("草稿已保存：%(number)s", number=app.number), "info")
    return redirect(url_for(".application", app_id=app.id), 303)


def _application_page(app: Application, form=None, problems=(), status: int = 200):
    facts = application_facts(app)
    if form is None and app.state in facts["proc"].editable:
        form = application_form(facts["proc"], app.fields)
    events = event_choices(app, facts["proc"], current_user, every_role_event=False)
    return render_template("portal/application.html", form=form, problems=problems, events=events, **facts), status


@bp.get("/applications/<int:app_id>")
def application(app_id):
    return _application_page(access.application(current_user, app_id))


@bp.post("/applications/<int:app_id>")
def save_fields(app_id):
    app = access.application(current_user, app_id)
    proc = PROCEDURES[app.procedure]
    form = application_form(proc)
    try:
        engine.update_fields(app, current_user, fields_from(form, proc, keep_empty=True), version_from(request.form))
    except Invalid as exc:
        return _application_page(app, form, show_problems(form, exc.details), 422)
    commit()
    flash(bi("已保存"), "info")
    return redirect(url_for(".application", app_id=app.id), 303)


def _json_problem(exc: DomainError, **extra):
    return jsonify(
        {
            "ok": False,
            "code": exc.code,
            "message": f"{exc.message('zh')} / {exc.message('en')}",
            "problems": exc.details or [],
            **extra,
        }
    ), exc.status


@bp.post("/applications/<int:app_id>/autosave")
def autosave(app_id):
    """The draft form saved in the background (static/app.js, CSRF token in X-CSRFToken): the same form
    parsing and engine.update_fields as "保存修改". Fields with malformed values are left as stored and
    reported, so that the valid edits beside them are kept; the page keeps what was typed."""
    try:
        app = access.application(current_user, app_id)
        proc = PROCEDURES[app.procedure]
        form = application_form(proc)
        fields, version = fields_from(form, proc, keep_empty=True), version_from(request.form)
        problems = []
        try:
            engine.update_fields(app, current_user, fields, version)
        except Invalid as exc:
            problems = exc.details or []
            named = {(d.get("field") or "").split("[")[0] for d in problems}  # a group's cell: its group
            kept = {k: v for k, v in fields.items() if k not in named}
            if not kept or len(kept) == len(fields):
                raise
            engine.update_fields(app, current_user, kept, version)
    except DomainError as exc:
        db.session.rollback()
        return _json_problem(exc)
    commit()
    return jsonify(
        {
            "ok": not problems,
            "version": app.version,
            "problems": problems,
            "saved_at": datetime.now(SHANGHAI).strftime("%H:%M"),
        }
    ), 200 if not problems else 422


def _add_posted_files(app) -> list:
    """The posted `file`s (a material of several pages may come as several) of the posted `kind`, added to the
    application (flushed; the caller commits). Any one refused refuses them all."""
    try:
        files = [f for f in request.files.getlist("file") if f and f.filename]
    except RequestEntityTooLarge:
        raise TooLarge("文件超过10 MiB上限", "file larger than 10 MiB") from None
    if not files:
        raise Invalid("请选择要上传的文件", "choose a file to upload")
    return [
        attachments.add(
            app,
            current_user,
            request.form.get("kind"),
            file.filename,
            file.read(current_app.config["UPLOAD_MAX_BYTES"] + 1),
        )
        for file in files
    ]


ATTACHMENTS_FRAGMENT = """{% from "_macros/attachments.html" import attachment_kinds %}{{ attachment_kinds(app, proc, corrections, "portal.attachment", editable=True, materials=materials, max_bytes=config.UPLOAD_MAX_BYTES) }}"""


@bp.post("/applications/<int:app_id>/attachments.json")
def upload_json(app_id):
    """The drop zone's upload (static/app.js, with a progress bar): the same checks as the plain form,
    answered in JSON with the refreshed attachment list, or the problem to show beside the zone."""
    try:
        app = access.application(current_user, app_id)
        added = _add_posted_files(app)
    except DomainError as exc:
        db.session.rollback()
        return _json_problem(exc)
    commit()
    facts = application_facts(app)
    html = render_template_string(
        ATTACHMENTS_FRAGMENT,
        app=app,
        proc=facts["proc"],
        corrections=facts["corrections"],
        materials=facts["materials"],
    )
    names = "、".join(a.filename for a in added)
    att = added[0]
    return jsonify(
        {
            "ok": True,
            "message": f"已上传：{names} / Uploaded: {', '.join(a.filename for a in added)}",
            "attachment": {"id": att.id, "kind": att.kind, "filename": att.filename, "size": att.size},
            "attachments": [{"id": a.id, "kind": a.kind, "filename": a.filename, "size": a.size} for a in added],
            "html": html,
        }
    ), 201


@bp.post("/applications/<int:app_id>/attachments")
def upload(app_id):
    app = access.application(current_user, app_id)
    added = _add_posted_files(app)
    commit()
    flash(bi("已上传：%(name)s", name="、".join(a.filename for a in added)), "info")
    return redirect(url_for(".application", app_id=app.id, _anchor="attachments"), 303)


@bp.get("/applications/<int:app_id>/attachments/<int:att_id>")
def attachment(app_id, att_id):
    return attachment_response(current_user, app_id, att_id)


@bp.post("/applications/<int:app_id>/attachments/<int:att_id>/delete")
def delete_attachment(app_id, att_id):
    app = access.application(current_user, app_id)
    attachments.remove(app, current_user, att_id)
    commit()
    flash(bi("已删除材料"), "info")
    return redirect(url_for(".application", app_id=app.id, _anchor="attachments"), 303)


@bp.post("/applications/<int:app_id>/events")
def fire(app_id):
    app = access.application(current_user, app_id)
    event = fire_from_form(app, current_user, request.form)
    commit()
    flash(bi_of("已办理：%(event)s", event=event), "info")
    return redirect(url_for(".application", app_id=app.id), 303)


@bp.get("/applications/<int:app_id>/events")
@bp.get("/applications/<int:app_id>/attachments")
def back_to_application(app_id):
    """A refused post goes back to its referrer; without one the browser lands here."""
    return redirect(url_for(".application", app_id=app_id))


@bp.get("/documents/<int:doc_id>.pdf")
def document(doc_id):
    return document_response(current_user, doc_id)
