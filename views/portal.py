"""The applicant portal: my applications, drafts, uploads, submit, timeline, documents."""
from flask import Blueprint, render_template
from flask_login import current_user, login_required
from sqlalchemy import select

from models import Application, db
from workflows import access

bp = Blueprint("portal", __name__, url_prefix="/my")


@bp.get("/")
@login_required
def home():
    rows = db.session.execute(access.visible(current_user).order_by(Application.id.desc())).scalars().all()
    return render_template("portal/home.html", applications=rows)


@bp.get("/new/<procedure>")
@login_required
def new(procedure):
    return render_template("portal/home.html", applications=[])
