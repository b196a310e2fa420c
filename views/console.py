"""The staff console: inboxes by role (queue, opinions to give, assigned inspections), the application
page, events one by one or in bulk, claims, and the fire filing spot-check draw."""

from __future__ import annotations

import logging
import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

import pdf
from forms.application import correction_targets, event_choices, fire_from_form
from infra.extensions import login_manager
from infra.i18n import bi, bi_of, lang, pick
from models import Application, Opinion, User, db
from models.base import ID_MAX
from pdf.samples import sample_snapshot
from views.shared import application_facts, attachment_response, document_response, file_response, hidden_or_forbidden
from workflows import access, calendar, documents, draws, engine, enterprise_view, holidays, operations
from workflows import inbox as inbox_query
from workflows.errors import Conflict, DomainError, Invalid
from workflows.operations.claims import may_act
from workflows.registry import PROCEDURES
from workflows.transaction import commit

log = logging.getLogger(__name__)
bp = Blueprint("console", __name__, url_prefix="/console")
PER_PAGE = 50
# the inbox tabs of each role, the first one the default; every other role has the authority's queue only
TABS = {"reviewer": ("opinions", "given", "all"), "inspector": ("assigned", "all")}
# where an inspector acts (the sources of the events an inspector fires), for the "my inspections" tab
INSPECTING = tuple(
    sorted({s for p in PROCEDURES.values() for e in p.events if "inspector" in e.roles for s in e.sources})
)


@bp.before_request
def staff_only():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_staff:
        abort(hidden_or_forbidden(current_user))


# --- the inbox --------------------------------------------------------------------------------


def tab_of(user, args) -> str:
    tabs = TABS.get(user.role, ("all",))
    return args.get("tab") if args.get("tab") in tabs else tabs[0]


def queue(user, tab: str, open_only: bool = True):
    """The rows of one tab, (query, order, due column): department opinions to give or already given
    (application, opinion), the inspections assigned to this inspector, or what the user sees (workflows/inbox.py:
    the open applications, or all of them when `open_only` is False)."""
    if tab in ("opinions", "given"):
        kind = user.authority.kind if user.authority else None
        query = (
            select(Application, Opinion)
            .join(Opinion, Opinion.application_id == Application.id)
            .where(Opinion.authority_id == user.authority_id, Opinion.department == kind)
        )
        if tab == "given":
            return query.where(Opinion.given_at.is_not(None)), (Opinion.given_at.desc(), Application.id.desc()), None
        query = query.where(Opinion.given_at.is_(None), Application.state == "department_review")
        return query, (Opinion.due.is_(None), Opinion.due, Application.id), Opinion.due
    query = inbox_query.query(user, open_only)
    if tab == "assigned":
        query = query.where(Application.inspector_id == user.id, Application.state.in_(INSPECTING))
    return query, inbox_query.ORDER, Application.deadline_due


def narrowed(query, due_column, user, args):
    """The filters in the query string; overdue and due soon are open items whose deadline (or, for an
    opinion, its due date) has passed or falls within one working day."""
    if args.get("procedure") in PROCEDURES:
        query = query.where(Application.procedure == args["procedure"])
    if args.get("state"):
        query = query.where(Application.state == args["state"])
    if args.get("late"):
        query = query.where(Application.is_late.is_(True))
    if args.get("claimed") == "me":
        query = query.where(Application.claimed_by_id == user.id)
    elif args.get("claimed") == "none":
        query = query.where(Application.claimed_by_id.is_(None))
    today, flags = engine.today(), []
    if due_column is not None and args.get("overdue"):
        flags.append(due_column < today)
    if due_column is not None and args.get("due_soon"):
        flags.append(due_column.between(today, calendar.add_working_days(today, 1, holidays.table()).due))
    if flags:
        query = query.where(Application.is_open.is_(True), or_(*flags))
    return query


def bulk_events(user) -> list:
    """Events the user's role may fire on several applications at once, for its authority's procedures."""
    kind = user.authority.kind if user.authority else None
    found = {}
    for proc in PROCEDURES.values():
        for event in proc.events:
            if proc.authority_kind == kind and event.bulk and not event.internal and user.role in event.roles:
                found.setdefault(event.name, event)
    return list(found.values())


def names_of(user_ids) -> dict[int, str]:
    ids = {i for i in user_ids if i}
    rows = db.session.execute(select(User.id, User.display_name, User.username).where(User.id.in_(ids))) if ids else []
    return {r.id: r.display_name or r.username for r in rows}


def can_draw(user) -> bool:
    return bool(draws.rules_for(user))


@bp.get("/")
def inbox():
    tab = tab_of(current_user, request.args)
    query, order, due = queue(current_user, tab, open_only=not request.args.get("state"))  # closed: by ?state=
    query = narrowed(query, due, current_user, request.args)
    counted = inbox_query.capped_count(query)
    total = inbox_query.shown_total(counted)
    page = min(max(1, request.args.get("page", 1, type=int)), 10**6)
    found = db.session.execute(query.order_by(*order).limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    rows = [(r[0], r[1] if len(r) > 1 else None) for r in found]
    states = {s: t for p in PROCEDURES.values() for s, t in p.states.items()}
    return render_template(
        "console/inbox.html",
        rows=rows,
        total=total,
        page=page,
        tab=tab,
        tabs=TABS.get(current_user.role, ("all",)),
        pages=max(1, -(-counted // PER_PAGE)),
        args=request.args,
        states=states,
        kinds=pdf.KINDS,
        bulk=bulk_events(current_user),
        claimers=names_of(a.claimed_by_id for a, _o in rows),
        can_draw=can_draw(current_user),
    )


# --- bulk actions, claims, draws ----------------------------------------------------------------

PICKED = re.compile(r"([0-9]{1,10}):([0-9]{1,10})")  # ASCII digits only: "²".isdigit() is true


def picked(values) -> list[tuple[int, int]]:
    """The ticked rows: "<id>:<version>" each, as the inbox shows them."""
    out = []
    for value in values:
        found = PICKED.fullmatch(value)
        if found and int(found[1]) <= ID_MAX:
            out.append((int(found[1]), int(found[2])))
    return out


def fire_each(user, name: str, rows: list[tuple[int, int]]) -> tuple[list[str], list[tuple[str, str]]]:
    """Fire `name` on each application separately, each with its own version, transaction and audit
    entry: one that cannot be done is reported and the others go ahead."""
    done, failed = [], []
    for app_id, version in rows:
        label = f"#{app_id}"
        try:
            app = access.application(user, app_id)
            label = app.number or label
            event = PROCEDURES[app.procedure].event(name)
            if event is None or not event.bulk or event.internal:
                raise Conflict("该事项不能批量办理此操作", "this action cannot be done in bulk on this application")
            engine.fire(app, name, user, {}, version)
            commit()
            done.append(label)
        except DomainError as exc:
            db.session.rollback()
            failed.append((label, exc.message(lang())))
    return done, failed


@bp.post("/bulk")
def bulk():
    name = request.form.get("event", "")
    event = next((e for e in bulk_events(current_user) if e.name == name), None)
    rows = picked(request.form.getlist("pick"))
    if event is None or not rows:
        raise Invalid("请选择批量操作和至少一件申请", "choose a bulk action and at least one application")
    with documents.rendered_later():  # the worker renders the documents: the clerk does not wait for 100 PDFs
        done, failed = fire_each(current_user, name, rows)
    log.info("bulk %s by %s: %d done, %d not", name, current_user.username, len(done), len(failed))
    message = _("%(event)s：已办理 %(done)s 件", event=pick(event), done=len(done))
    if failed:
        message += _("，%(n)s 件未能办理：", n=len(failed)) + "；".join(f"{n}: {why}" for n, why in failed)
    flash(message, "warning" if failed else "info")
    return redirect(request.referrer or url_for(".inbox"), 303)


@bp.post("/applications/<int:app_id>/claim")
def claim(app_id):
    """Take an application to handle (workflows/operations/claims.py: only staff who may act on its step)."""
    app = access.application(current_user, app_id)
    operations.claim(current_user, app)
    commit()
    flash(bi("已认领：%(number)s，由您办理", number=app.number), "info")
    return redirect(request.referrer or url_for(".application", app_id=app_id), 303)


@bp.post("/applications/<int:app_id>/unclaim")
def unclaim(app_id):
    app = access.application(current_user, app_id)
    operations.release(current_user, app)
    commit()
    flash(bi("已释放：%(number)s", number=app.number), "info")
    return redirect(request.referrer or url_for(".application", app_id=app_id), 303)


@bp.post("/draws")
def run_draw():
    """双随机、一公开: draw over the authority's candidates, then show the public result."""
    with documents.rendered_later():  # any document the draw's events issue is rendered by the worker
        draw = draws.run(current_user)  # refuses anyone whom no procedure's draw rule names
        commit()
    flash(
        bi(
            "抽查完成：抽中 %(selected)s 件，未抽中 %(closed)s 件，结果已公开",
            selected=len(draw.selected),
            closed=len(draw.closed),
        ),
        "info",
    )
    return redirect(url_for("public.draw", draw_id=draw.id), 303)


# --- one application ------------------------------------------------------------------------------


@bp.get("/applications/<int:app_id>")
def application(app_id):
    app = access.application(current_user, app_id)
    facts = application_facts(app)
    events = event_choices(app, facts["proc"], current_user, every_role_event=True)
    return render_template(
        "console/application.html",
        events=events,
        targets=correction_targets(facts["proc"]),
        claimer=names_of([app.claimed_by_id]).get(app.claimed_by_id),
        can_claim=may_act(app, current_user),
        enterprise_panel=enterprise_view.panel(app, current_user, engine.today()),
        **facts,
    )


@bp.post("/applications/<int:app_id>/events")
def fire(app_id):
    app = access.application(current_user, app_id)
    event = fire_from_form(app, current_user, request.form)
    commit()
    flash(bi_of("已办理：%(event)s", event=event), "info")
    return redirect(url_for(".application", app_id=app.id), 303)


@bp.get("/applications/<int:app_id>/events")
@bp.get("/applications/<int:app_id>/claim")
@bp.get("/applications/<int:app_id>/unclaim")
def back_to_application(app_id):
    """A refused post goes back to its referrer; without one the browser lands here."""
    return redirect(url_for(".application", app_id=app_id))


@bp.get("/bulk")
@bp.get("/draws")
def back_to_inbox():
    return redirect(url_for(".inbox"))


@bp.get("/applications/<int:app_id>/attachments/<int:att_id>")
def attachment(app_id, att_id):
    return attachment_response(current_user, app_id, att_id)


@bp.get("/documents/<int:doc_id>.pdf")
def document(doc_id):
    return document_response(current_user, doc_id)


@bp.get("/preview/<kind>")
def preview(kind):
    """A document template rendered with its sample snapshot, to check a template change quickly."""
    if kind not in pdf.KINDS:
        abort(404)
    return file_response(pdf.render(kind, sample_snapshot(kind)), "application/pdf", f"{kind}-sample.pdf", "inline")
