"""Public lookups by number and credit code: 办件进度查询 (/progress) and a document's verification by its number.
Also the one answer to a rate limit, page or API: 429 with Retry-After."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from infra.i18n import lang
from models import db
from workflows import progress, signing
from workflows.documents import public_view, replacement
from workflows.errors import Invalid, NotFound, RateLimited

bp = Blueprint("lookup", __name__)


def _asked() -> bool:
    return any(k in request.args for k in ("number", "credit_code"))


@bp.get("/progress")
def progress_page():
    """The form, and with ?number=&credit_code= the answer: 404 for a wrong pair as for an unknown number."""
    if not _asked():
        return render_template("lookup/progress.html", result=None, problems=[])
    try:
        return render_template("lookup/progress.html", result=progress.lookup(request.args), problems=[])
    except Invalid as exc:
        return render_template("lookup/progress.html", result=None, problems=exc.details), 422
    except NotFound:
        return render_template("lookup/progress.html", result=None, problems=[], not_found=True), 404


@bp.get("/verify/by-number")
def verify_by_number():
    """The verification page of a document found by its number and its holder's credit code."""
    try:
        doc = progress.document_by_number(request.args)
    except Invalid as exc:
        return render_template(
            "public/verify_form.html", match=None, problems=exc.details, ca=signing.ca_summary()
        ), 422
    except NotFound:
        return render_template("public/verify.html", doc=None), 404
    return render_template(
        "public/verify.html", doc=public_view(doc), current=replacement(doc), ca=signing.ca_summary()
    )


@bp.app_errorhandler(RateLimited)
def rate_limited(exc: RateLimited):
    db.session.rollback()
    headers = {"Retry-After": str(exc.retry_after)}
    if request.path.startswith("/api/"):
        return {"error": {"code": exc.code, "message": exc.message(lang()), "details": []}}, 429, headers
    return render_template("error.html", status=429, zh=exc.message("zh"), en=exc.message("en")), 429, headers
