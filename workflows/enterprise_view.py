"""What an enterprise's page, its API object and the console's panel show: the entries in force across registers,
each with its next date (a reminder, an expiry, an inspection or verification due) and the document certifying it."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from models import Application, Document, Enterprise, RegisterEntry, db
from vocabulary import division_name, division_name_en
from workflows.documents import owner_view
from workflows.ledger import registers
from workflows.registers import full_address


def next_dates(register, entry, deadline: date | None, today: date) -> list[dict]:
    """An entry's coming dates, soonest first: its reminders and end (declared by the register), and the
    authority's due date when an event named one (the application's deadline, overdue or not)."""
    found = []
    if entry.until:
        found += [
            {
                "date": entry.until - timedelta(days=n),
                "kind": "reminder",
                "title": {"zh": f"届满前{n}日提醒", "en": f"reminder {n} days before the end"},
            }
            for n in register.reminders
            if entry.until - timedelta(days=n) >= today
        ]
        if entry.until >= today:
            found.append({"date": entry.until, "kind": "expiry", "title": {"zh": "届满", "en": "period ends"}})
    if entry.due_kind and deadline:
        zh, en = register.dues.get(entry.due_kind, (entry.due_kind, entry.due_kind))
        found.append({"date": deadline, "kind": entry.due_kind, "title": {"zh": zh, "en": en}})
    for item in found:
        item["overdue"] = item["date"] < today
    return sorted(found, key=lambda item: item["date"])


def _may_download(user, doc: Document, app) -> bool:
    """The rule of workflows.access.document, for a link on the page (the download itself checks again)."""
    if user.role == "applicant":
        return app.applicant_id == user.id
    return user.is_staff and user.authority_id in (doc.authority_id, app.authority_id)


def entries_in_force(credit_code: str, user, today: date, exclude_application: int | None = None) -> list[dict]:
    known = registers()
    query = (
        select(RegisterEntry, Application)
        .join(Application, Application.id == RegisterEntry.application_id)
        .where(
            RegisterEntry.credit_code == credit_code, RegisterEntry.in_force, RegisterEntry.register.in_(tuple(known))
        )
    )
    if exclude_application:
        query = query.where(RegisterEntry.application_id != exclude_application)
    rows = db.session.execute(query.order_by(RegisterEntry.register, RegisterEntry.id).limit(200)).all()
    numbers = [e.document_number for e, _a in rows if e.document_number]
    docs = (
        {d.number: d for d in db.session.execute(select(Document).where(Document.number.in_(numbers))).scalars()}
        if numbers
        else {}
    )
    out = []
    for entry, app in rows:
        register = known[entry.register]
        dates = next_dates(register, entry, app.deadline_due, today)
        doc = docs.get(entry.document_number) if entry.document_number else None
        shown = owner_view(doc) if doc else {}
        out.append(
            {
                "id": entry.id,
                "register": entry.register,
                "register_title": {"zh": register.zh, "en": register.en},
                "status": entry.status,
                "status_title": dict(zip(("zh", "en"), register.status_title(entry.status), strict=False)),
                "name": entry.name,
                "address": entry.address,
                "since": entry.since,
                "until": entry.until,
                "next_date": dates[0] if dates else None,
                "dates": dates,
                "document": {
                    "id": doc.id,
                    "number": doc.number,
                    "kind": doc.kind,
                    "status": doc.status,
                    "title": {"zh": shown["title"], "en": shown["title_en"]},
                    "verify_url": shown["verify_url"],
                    "downloadable": _may_download(user, doc, app),
                }
                if doc
                else None,
            }
        )
    return out


def enterprise(ent: Enterprise, user, today: date) -> dict:
    return {
        "credit_code": ent.credit_code,
        "name": ent.name,
        "domicile": {
            "address": ent.domicile_address,
            "division": ent.domicile_division,
            "full": full_address(ent.domicile_division, None, ent.domicile_address or ""),
            "division_name": {
                "zh": division_name(ent.domicile_division),
                "en": division_name_en(ent.domicile_division),
            },
        }
        if ent.domicile_division or ent.domicile_address
        else None,
        "registered_scope": ent.registered_scope,
        "entries": entries_in_force(ent.credit_code, user, today),
    }


def panel(app, user, today: date) -> dict | None:
    """Beside an application in the console: its enterprise's other entries in force."""
    if not app.credit_code:
        return None
    ent = db.session.execute(select(Enterprise).where(Enterprise.credit_code == app.credit_code)).scalar()
    return {
        "credit_code": app.credit_code,
        "name": ent.name if ent else None,
        "entries": entries_in_force(app.credit_code, user, today, exclude_application=app.id),
    }


def jsonable(value):
    """Dates as YYYY-MM-DD, all the way down (the API's form of the same object)."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    return value.isoformat() if isinstance(value, date) else value
