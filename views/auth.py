"""Web login, logout, applicant registration and changing one's password."""

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from forms.application import show_problems
from forms.auth import LoginForm, PasswordForm, RegisterForm
from infra.extensions import login_manager
from infra.i18n import bi, pair
from infra.redirects import local_path
from models import User, db
from workflows import accounts, operations
from workflows.errors import DomainError, Invalid
from workflows.transaction import commit

bp = Blueprint("auth", __name__)
EPOCH = "epoch"  # in the session: the user's session epoch when they logged in


@login_manager.user_loader
def load_user(user_id: str):
    """The session's user, on every request: none once the account's sessions were ended (logout, lock,
    password change, revocation move its epoch on) or while it is locked. The row is loaded anyway, so the
    check costs no query."""
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or session.get(EPOCH) != user.session_epoch or not accounts.is_usable(user):
        return None
    return user


def start_session(user: User) -> None:
    session.clear()  # nothing from before the login carries over (a planted session)
    login_user(user)
    session[EPOCH] = user.session_epoch


def home_for(user) -> str:
    """Where each role starts: staff their inbox, admins the admin pages, auditors the statistics."""
    if user.is_staff:
        return url_for("console.inbox")
    return {"admin": url_for("admin.overview"), "auditor": url_for("stats.dashboard")}.get(
        user.role, url_for("portal.home")
    )


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = operations.log_in(form.username.data, form.password.data)
        except DomainError as exc:
            flash(pair(exc.message("zh"), exc.message("en")), "error")
            return render_template("auth/login.html", form=form), exc.status
        commit()
        start_session(user)
        return redirect(local_path(request.args.get("next")) or home_for(user))
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@bp.post("/logout")
@login_required
def logout():
    """Ends every session and API token of the user, not only this browser's (DOMAIN §0, Sessions)."""
    operations.log_out(current_user._get_current_object())
    commit()
    logout_user()
    session.clear()
    flash(bi("已退出"), "info")
    return redirect(url_for("public.index"))


@bp.route("/register", methods=["GET", "POST"])
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = operations.create_user(
                None,
                form.username.data,
                form.password.data,
                "applicant",
                display_name=form.display_name.data,
                registering=True,
            )
        except Invalid as exc:  # the password policy, a taken name: beside the field, the form kept
            db.session.rollback()
            show_problems(form, exc.details)
            return render_template("auth/register.html", form=form), 422
        commit()
        start_session(user)
        flash(bi("注册成功"), "info")
        return redirect(url_for("portal.home"))
    return render_template("auth/register.html", form=form), 400 if form.errors else 200


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """A new password ends every other session and token too; this browser logs in again with it."""
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            operations.change_password(current_user, current_user, form.new_password.data, form.current_password.data)
        except Invalid as exc:
            db.session.rollback()
            show_problems(form, exc.details)
            return render_template("auth/password.html", form=form), 422
        commit()
        logout_user()
        session.clear()
        flash(bi("密码已修改，请用新密码重新登录"), "info")
        return redirect(url_for(".login"), 303)
    return render_template("auth/password.html", form=form), 400 if form.errors else 200
