"""What the applicant portal and the staff console both show and serve: an application's facts, its
attachments and documents as files (each behind the same access rule as the application page)."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, abort, render_template, request
from sqlalchemy import select

from infra import storage
from models import Application, AuditEntry, Document, Opinion, db
from workflows import access, common, corrections, engine
from workflows.context import World
from workflows.documents import owner_view
from workflows.materials import materials
from workflows.registry import PROCEDURES


def application_facts(app: Application) -> dict:
    """What both the portal and the console show of one application besides its own row."""
    trail = (
        db.session.execute(select(AuditEntry).where(AuditEntry.application_id == app.id).order_by(AuditEntry.seq))
        .scalars()
        .all()
    )
    docs = (
        db.session.execute(select(Document).where(Document.application_id == app.id).order_by(Document.id))
        .scalars()
        .all()
    )
    opinions = (
        db.session.execute(select(Opinion).where(Opinion.application_id == app.id).order_by(Opinion.id)).scalars().all()
    )
    proc = PROCEDURES[app.procedure]
    fields = app.fields or {}
    documents = [{**owner_view(d), "id": d.id} for d in docs]
    eligibility = engine.eligibility_of(proc, fields, app.id)
    return {
        "app": app,
        "proc": proc,
        "materials": {m.kind: m for m in materials(proc, fields, proc.derived(fields, World(app.id)))},
        "trail": trail,
        "visited": {e.to_state for e in trail},
        "opinions": opinions,
        "documents": documents,
        "eligibility": eligibility,
        "result": result(app, proc, documents),
        # the last one-time list, each item as it stands or as the resubmission answered it (DOMAIN §0)
        "answers": corrections.view(proc, app),
        "declaration": common.declaration(proc, app.route or eligibility.route),
        "corrections": {i["field"]: i["reason"] for i in app.correction_items or []}
        if app.state == "correction_required"
        else {},
    }


def result(app: Application, proc, documents: list[dict]) -> dict | None:
    """What was decided, once it is: the state, the date, and the document that carries it — the newest one
    still current — as the page's main action."""
    holder = proc.holders.get(app.state)
    # decided: no one holds it any more, or a decision is made and only the authority's follow-up remains (a
    # filing awaiting the draw); while the applicant has something to do, that comes first
    decided_here = any(e.decides_in(app.state) and app.state in e.dests for e in proc.events)
    if app.state == proc.initial or holder == "applicant" or (holder is not None and not decided_here):
        return None
    current = [d for d in documents if d["status"] != "superseded"]
    return {"state": proc.states[app.state], "on": app.decided_on, "document": current[-1] if current else None}


def file_response(data: bytes, mimetype: str, filename: str, disposition: str) -> Response:
    """Stored bytes with a UTF-8 file name; inline files may be framed by our own pages only."""
    response = Response(
        data,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(filename, safe='')}",
            "Cache-Control": "private, no-store",
        },
    )
    if disposition == "inline":
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        response.headers["Content-Security-Policy"] = "default-src 'self'; frame-ancestors 'self'"
    return response


def attachment_response(user, app_id: int, att_id: int) -> Response:
    """An attachment of an application the user may see, inline (the pages preview PDFs and images)."""
    app = access.application(user, app_id)
    att = next((a for a in app.attachments if a.id == att_id), None) or abort(404)
    return file_response(storage.read_checked(att.storage_path, att.sha256), att.content_type, att.filename, "inline")


def document_response(user, doc_id: int) -> Response:
    """An issued PDF the user may download (its holder, the issuing and handling authorities' staff)."""
    found = db.session.get(Document, doc_id) or abort(404)
    doc = access.document(user, found.number)
    if doc.pending:
        return being_issued_page(doc)
    return file_response(
        storage.read_checked(doc.storage_path, doc.sha256), "application/pdf", f"{doc.number}.pdf", "attachment"
    )


RETRY_AFTER = 5  # seconds: a bulk action's documents are rendered by the worker within about that much each


def being_issued_page(doc: Document) -> Response:
    """202 for a document whose number and row exist but whose file the worker is still rendering (bulk actions):
    the page says so and reloads itself."""
    response = Response(render_template("public/being_issued.html", number=doc.number), 202, mimetype="text/html")
    response.headers["Retry-After"] = str(RETRY_AFTER)
    response.headers["Refresh"] = str(RETRY_AFTER)
    return response


def hidden_or_forbidden(user) -> int:
    """The status for someone outside a page's audience: an application is not there at all for an admin
    (DOMAIN §0: 404 as if it did not exist, separation of duties); anything else is forbidden (403)."""
    return 404 if user.role == "admin" and "app_id" in (request.view_args or {}) else 403
