"""Public pages: the home page, service guides (办事指南) and document verification."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from sqlalchemy import select

from models import Document, Draw, db
from views import lookup
from workflows import common, draws, signing, verification
from workflows.documents import public_view, replacement
from workflows.registry import PROCEDURES

bp = Blueprint("public", __name__)


@bp.get("/")
def index():
    return render_template("public/index.html", procedures=PROCEDURES.values())


@bp.get("/guides")
def guides():
    """办事指南: every procedure the registry declares, each with its guide."""
    return render_template("public/guides.html", procedures=PROCEDURES.values())


@bp.get("/guides/<name>")
def guide(name):
    proc = PROCEDURES.get(name) or abort(404)
    return render_template("public/guide.html", proc=proc, remedies=proc.guide.get("remedies") or common.REMEDIES)


@bp.route("/verify", methods=["GET", "POST"])
def verify_form():
    """Enter a token or a document number with its holder's credit code, or upload a PDF (also POST /verify/upload)."""
    if request.method == "GET" and ("number" in request.args or "credit_code" in request.args):
        return lookup.verify_by_number()  # /verify?number=&credit_code=: the document by its number
    if request.method == "POST":
        token = (request.form.get("token") or "").strip().rsplit("/", 1)[-1]
        if token:
            return redirect(url_for("public.verify", token=token))
        if "file" in request.files:
            return verify_upload()
    return render_template("public/verify_form.html", match=None, ca=signing.ca_summary())


@bp.post("/verify/upload")
def verify_upload():
    """An uploaded PDF: its signature checked offline-style, and the issued document it is, with its status."""
    upload = request.files.get("file")
    match = verification.check_upload(upload.read() if upload else b"")
    return render_template("public/verify_form.html", match=match, ca=signing.ca_summary())


@bp.get("/verify/ca.crt")
def ca_certificate():
    """The deployment CA's certificate, to trust in a PDF reader (the page explains how)."""
    pem = signing.ca_pem() or abort(404)
    return Response(
        pem,
        mimetype="application/x-x509-ca-cert",
        headers={"Content-Disposition": "attachment; filename=bianmin-ca.crt"},
    )


@bp.get("/verify/<token>")
def verify(token):
    doc = db.session.execute(select(Document).where(Document.token == token)).scalar() if len(token) < 100 else None
    if doc is None:
        return render_template("public/verify.html", doc=None), 404
    return render_template(
        "public/verify.html", doc=public_view(doc), current=replacement(doc), ca=signing.ca_summary()
    )


@bp.get("/draws")
def draw_list():
    rows = db.session.execute(select(Draw).order_by(Draw.id.desc()).limit(100)).scalars().all()
    return render_template("public/draws.html", draws=rows)


@bp.get("/draws/<int:draw_id>")
def draw(draw_id):
    found = db.session.get(Draw, draw_id) or abort(404)
    # the reproduce check runs when asked (the page's button): anyone may recompute the draw from its seed
    checked = request.args.get("check") == "1"
    return render_template(
        "public/draw.html",
        draw=draws.public_view(found),
        checked=checked,
        reproduced=draws.reproduced(found) if checked else None,
    )
