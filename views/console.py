"""The clerk console: the authority's inbox sorted by deadline, the application page, events."""
from flask import Blueprint, render_template
from flask_login import current_user, login_required

from models import Application, db
from workflows import access

bp = Blueprint("console", __name__, url_prefix="/console")


@bp.get("/")
@login_required
def inbox():
    rows = db.session.execute(access.visible(current_user).order_by(Application.deadline_due)).scalars().all()
    return render_template("console/inbox.html", applications=rows)
