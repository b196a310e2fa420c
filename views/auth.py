"""Web login, logout and applicant registration."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required, login_user, logout_user

from infra.extensions import login_manager
from forms.application import show_problems
from forms.auth import LoginForm, RegisterForm
from infra.i18n import bi, pair
from infra.redirects import local_path
from models import User, db
from workflows import accounts
from workflows.errors import DomainError, Invalid
from workflows.transaction import commit

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(user_id: str):
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


def home_for(user) -> str:
    """Where each role starts: staff their inbox, admins the admin pages, auditors the statistics."""
    if user.is_staff:
        return url_for("console.inbox")
    return {"admin": url_for("admin.overview"), "auditor": url_for("stats.dashboard")}.get(user.role, url_for("portal.home"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.username.data, form.password.data)
        except DomainError as exc:
            flash(pair(exc.message("zh"), exc.message("en")), "error")
            return render_template("auth/login.html", form=form), exc.status
        commit()
        login_user(user)
        return redirect(local_path(request.args.get("next")) or home_for(user))
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash(bi("已退出"), "info")
    return redirect(url_for("public.index"))


@bp.route("/register", methods=["GET", "POST"])
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(form.username.data, form.password.data, "applicant",
                                        display_name=form.display_name.data)
        except Invalid as exc:     # the password policy, a taken name: beside the field, the form kept
            db.session.rollback()
            show_problems(form, exc.details)
            return render_template("auth/register.html", form=form), 422
        commit()
        login_user(user)
        flash(bi("注册成功"), "info")
        return redirect(url_for("portal.home"))
    return render_template("auth/register.html", form=form), 400 if form.errors else 200
