"""The application object of API.md, shared by the API and the pages."""

from __future__ import annotations

from sqlalchemy import select

from models import Application, Document, db
from models.base import local_iso
from workflows import corrections, engine
from workflows.context import Case, World
from workflows.documents import owner_view
from workflows.materials import materials
from workflows.registry import PROCEDURES


def application(app: Application, user, lang: str = "zh") -> dict:
    proc = PROCEDURES[app.procedure]
    docs = db.session.execute(select(Document).where(Document.application_id == app.id).order_by(Document.id)).scalars()
    elig = engine.eligibility_of(proc, app.fields or {}, app.id)
    return {
        "id": app.id,
        "number": app.number,
        "procedure": app.procedure,
        "state": app.state,
        "state_title": dict(zip(("zh", "en"), proc.states[app.state], strict=False)),
        "version": app.version,
        "fields": app.fields or {},
        "route": app.route,
        "applicant": {"id": app.applicant.id, "username": app.applicant.username, "name": app.applicant.label},
        "authority": app.authority.as_dict() if app.authority else None,
        "available_events": [
            e.name
            for e, reasons in engine.available_events(app, user)
            if not any(r.status in (403, 409) for r in reasons)
        ],
        "deadline": {
            "due": app.deadline_due.isoformat(),
            "provisional": app.deadline_provisional,
            "basis": app.deadline_basis,
        }
        if app.deadline_due
        else None,
        "eligibility": elig.as_dict(lang),
        "correction_items": corrections.items(proc, app),
        # the last one-time list in full: how each item stands or was answered (old → new, new files, explanation)
        "correction_answers": corrections.view(proc, app),
        "outcome": app.outcome or {},
        "attachments": [a.as_dict() for a in app.attachments],
        # what this application needs of each material, given its fields (required / not_needed / conditional)
        "materials": [
            m.as_dict() for m in materials(proc, app.fields or {}, proc.derived(app.fields or {}, World(app.id)))
        ],
        "documents": [owner_view(d) for d in docs],
        "submitted_on": app.submitted_on.isoformat() if app.submitted_on else None,
        "decided_on": app.decided_on.isoformat() if app.decided_on else None,
        "created_at": local_iso(app.created_at),
        **proc.present(Case(app)),  # what the procedure adds (its declared presenter)
    }


def summary(app: Application) -> dict:
    proc = PROCEDURES[app.procedure]
    return {
        "id": app.id,
        "number": app.number,
        "procedure": app.procedure,
        "state": app.state,
        "state_title": dict(zip(("zh", "en"), proc.states[app.state], strict=False)),
        "version": app.version,
        "holder": proc.holder.of(app.fields or {})[0] or None,
        "authority": app.authority.key if app.authority else None,
        "deadline": {"due": app.deadline_due.isoformat(), "provisional": app.deadline_provisional}
        if app.deadline_due
        else None,
        "submitted_on": app.submitted_on.isoformat() if app.submitted_on else None,
    }
