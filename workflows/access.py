"""Who sees what: applicants their own applications, staff their authority's (and the parties'), auditors all,
anyone else — admins included — 404."""

from __future__ import annotations

from sqlalchemy import Select, false, select

from models import Application, ApplicationParty, Document, db
from models.base import ID_MAX
from workflows.errors import NotFound


def visible(user) -> Select:
    query = select(Application)
    if user.role == "applicant":
        return query.where(Application.applicant_id == user.id)
    if user.role == "auditor":  # reads everything (and changes nothing: no role of an event)
        return query
    if user.role not in ("clerk", "approver", "reviewer", "inspector"):
        # admins included (DOMAIN §0, separation of duties, 等保三员分立): nothing, as if it did not exist
        return query.where(false())
    mine = Application.authority_id == user.authority_id
    if _party_role(user):
        mine = mine | Application.id.in_(
            select(ApplicationParty.application_id).where(ApplicationParty.authority_id == user.authority_id)
        )
    return query.where(mine, Application.state != "draft")


def _party_role(user) -> bool:
    """DOMAIN §0: of a taking-part authority, only the departments' reviewers and the government's approvers see it."""
    kind = user.authority.kind if getattr(user, "authority", None) else None
    return (user.role == "reviewer" and kind != "government") or (user.role == "approver" and kind == "government")


def application(user, app_id) -> Application:
    """The application if this user may see it; NotFound otherwise, as if it did not exist."""
    try:
        app_id = int(app_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    if not 0 < app_id <= ID_MAX:
        raise NotFound()
    found = db.session.execute(visible(user).where(Application.id == app_id)).scalar()
    if found is None:
        raise NotFound()
    return found


def document(user, number: str) -> Document:
    """A document to its holder and the issuing authority's staff."""
    doc = db.session.execute(select(Document).where(Document.number == number)).scalar()
    if doc is None:
        raise NotFound()
    app = db.session.get_one(Application, doc.application_id)
    if user.role == "applicant" and app.applicant_id == user.id:
        return doc
    if user.role in ("clerk", "approver", "reviewer", "inspector") and (
        user.authority_id == doc.authority_id or user.authority_id == app.authority_id
    ):
        return doc
    raise NotFound()
