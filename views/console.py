"""The clerk console: the authority's inbox sorted by deadline, the application page, events."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select

import pdf
import storage
from extensions import login_manager
from forms.application import correction_targets, event_choices, fire_from_form
from models import Application, Document, db
from pdf.samples import sample_snapshot
from views.portal import application_facts, file_response
from workflows import access, calendar, engine, holidays
from workflows.registry import PROCEDURES
from workflows.transaction import commit

bp = Blueprint("console", __name__, url_prefix="/console")
PER_PAGE = 50


@bp.before_request
def staff_only():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_staff:
        abort(403)


def inbox_query(user, args):
    """The user's queue narrowed by the filters in the query string; overdue and due soon are
    open items whose deadline has passed, or falls within one working day."""
    query = access.visible(user)
    if args.get("procedure") in PROCEDURES:
        query = query.where(Application.procedure == args["procedure"])
    if args.get("state"):
        query = query.where(Application.state == args["state"])
    today = engine.today()
    flags = []
    if args.get("overdue"):
        flags.append(Application.deadline_due < today)
    if args.get("due_soon"):
        soon = calendar.add_working_days(today, 1, holidays.table()).due
        flags.append(Application.deadline_due.between(today, soon))
    if flags:
        query = query.where(Application.is_open.is_(True), or_(*flags))
    return query


@bp.get("/")
def inbox():
    query = inbox_query(current_user, request.args)
    total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    page = min(max(1, request.args.get("page", 1, type=int)), 10**6)
    rows = db.session.execute(query.order_by(Application.deadline_due.is_(None), Application.deadline_due,
                                             Application.id).limit(PER_PAGE).offset((page - 1) * PER_PAGE)).scalars()
    states = {s: t for p in PROCEDURES.values() for s, t in p.states.items()}
    return render_template("console/inbox.html", applications=rows.all(), total=total, page=page,
                           pages=max(1, -(-total // PER_PAGE)), args=request.args, states=states,
                           kinds=pdf.KINDS)


@bp.get("/applications/<int:app_id>")
def application(app_id):
    app = access.application(current_user, app_id)
    facts = application_facts(app)
    events = event_choices(app, facts["proc"], current_user, every_role_event=True)
    return render_template("console/application.html", events=events,
                           targets=correction_targets(facts["proc"]), **facts)


@bp.post("/applications/<int:app_id>/events")
def fire(app_id):
    app = access.application(current_user, app_id)
    event = fire_from_form(app, current_user, request.form)
    commit()
    flash(f"已办理：{event.zh} / Done: {event.en}", "info")
    return redirect(url_for(".application", app_id=app.id), 303)


@bp.get("/applications/<int:app_id>/events")
def back_to_application(app_id):
    """A refused event goes back to its referrer; without one the browser lands here."""
    return redirect(url_for(".application", app_id=app_id))


@bp.get("/applications/<int:app_id>/attachments/<int:att_id>")
def attachment(app_id, att_id):
    app = access.application(current_user, app_id)
    att = next((a for a in app.attachments if a.id == att_id), None) or abort(404)
    return file_response(storage.read_checked(att.storage_path, att.sha256), att.content_type, att.filename, "inline")


@bp.get("/documents/<int:doc_id>.pdf")
def document(doc_id):
    found = db.session.get(Document, doc_id) or abort(404)
    doc = access.document(current_user, found.number)
    return file_response(storage.read_checked(doc.storage_path, doc.sha256), "application/pdf",
                         f"{doc.number}.pdf", "attachment")


@bp.get("/preview/<kind>")
def preview(kind):
    """A document template rendered with its sample snapshot, to check a template change quickly."""
    if kind not in pdf.KINDS:
        abort(404)
    return file_response(pdf.render(kind, sample_snapshot(kind)), "application/pdf", f"{kind}-sample.pdf", "inline")
