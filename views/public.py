"""Public pages: the home page, service guides (办事指南) and document verification."""
from __future__ import annotations

import hashlib

from flask import Blueprint, abort, redirect, render_template, request, url_for
from sqlalchemy import select

from models import Document, Draw, db
from views import lookup
from workflows import draws
from workflows.documents import public_view, replacement
from workflows.registry import PROCEDURES

bp = Blueprint("public", __name__)


@bp.get("/")
def index():
    return render_template("public/index.html", procedures=PROCEDURES.values())


@bp.get("/guides/<name>")
def guide(name):
    proc = PROCEDURES.get(name) or abort(404)
    return render_template("public/guide.html", proc=proc)


@bp.route("/verify", methods=["GET", "POST"])
def verify_form():
    """Enter a token, or upload a PDF to learn whether its bytes match an issued document."""
    match = None
    if request.method == "GET" and ("number" in request.args or "credit_code" in request.args):
        return lookup.verify_by_number()           # /verify?number=&credit_code=: the document by its number
    if request.method == "POST":
        token = (request.form.get("token") or "").strip().rsplit("/", 1)[-1]
        if token:
            return redirect(url_for("public.verify", token=token))
        upload = request.files.get("file")
        if upload is not None:
            sha = hashlib.sha256(upload.read(20 * 1024 * 1024)).hexdigest()
            doc = db.session.execute(select(Document).where(Document.sha256 == sha)).scalar()
            match = {"sha256": sha, "document": public_view(doc) if doc else None, "token": doc.token if doc else None}
    return render_template("public/verify_form.html", match=match)


@bp.get("/verify/<token>")
def verify(token):
    doc = db.session.execute(select(Document).where(Document.token == token)).scalar() if len(token) < 100 else None
    if doc is None:
        return render_template("public/verify.html", doc=None), 404
    return render_template("public/verify.html", doc=public_view(doc), current=replacement(doc))


@bp.get("/draws")
def draw_list():
    rows = db.session.execute(select(Draw).order_by(Draw.id.desc()).limit(100)).scalars().all()
    return render_template("public/draws.html", draws=rows)


@bp.get("/draws/<int:draw_id>")
def draw(draw_id):
    found = db.session.get(Draw, draw_id) or abort(404)
    # the reproduce check runs when asked (the page's button): anyone may recompute the draw from its seed
    checked = request.args.get("check") == "1"
    return render_template("public/draw.html", draw=draws.public_view(found), checked=checked,
                           reproduced=draws.reproduced(found) if checked else None)
