"""Administration (admins only, no business actions): fire filing modes, the holiday table, users."""
from __future__ import annotations

import logging
from collections import Counter

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from extensions import login_manager
from forms.admin import HOLIDAY_FILE_MAX_BYTES, FireModeForm, HolidayFileForm, UserForm
from forms.application import show_problems
from models import Application, Authority, User, db
from models.user import ROLES
from workflows import accounts, calendar, engine, holidays, jobs
from workflows.errors import Invalid
from workflows.fire_filing import MODES
from workflows.transaction import commit

log = logging.getLogger(__name__)
bp = Blueprint("admin", __name__, url_prefix="/admin")
DEFAULT_MODE = "promise"
USERS_PER_PAGE = 100


@bp.before_request
def admins_only():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role != "admin":
        abort(403)


def _housing():
    return db.session.execute(select(Authority).where(Authority.kind == "housing")
                              .order_by(Authority.division_code)).scalars().all()


def fire_mode(authority: Authority) -> str:
    return (authority.settings or {}).get("fire_mode", DEFAULT_MODE)


def holiday_status() -> dict:
    """Which years the package knows, which the loaded table knows, which are counted Monday–Friday
    (provisional); from October on, a warning while next year is still unknown."""
    today, loaded = engine.today(), set(holidays.known_years())
    package = calendar.PACKAGE_YEARS
    def source(year):
        return "table" if year in loaded else "package" if year in package else "provisional"
    window = range(today.year - 1, today.year + 3)
    provisional = db.session.execute(select(func.count(Application.id)).where(
        Application.deadline_provisional.is_(True), Application.is_open.is_(True))).scalar_one()
    return {"today": today, "package": (package.start, package.stop - 1), "loaded": sorted(loaded),
            "years": [{"year": y, "source": source(y)} for y in window],
            "warn_next_year": today.month >= 10 and source(today.year + 1) == "provisional",
            "next_year": today.year + 1, "provisional_deadlines": provisional}


@bp.get("/")
def overview():
    roles = dict(db.session.execute(select(User.role, func.count(User.id)).group_by(User.role)).all())
    modes = Counter(fire_mode(a) for a in _housing())
    return render_template("admin/overview.html", roles=roles, modes=modes, MODES=MODES, status=holiday_status())


# --- authorities: the fire filing mode (DOMAIN §3 [cfg]) -----------------------------------------

def _authorities_page(errors=None, status=200):
    rows = [(a, FireModeForm(formdata=None, prefix=f"a{a.id}", data={"fire_mode": fire_mode(a)}))
            for a in _housing()]
    return render_template("admin/authorities.html", rows=rows, MODES=MODES, errors=errors or {}), status


@bp.get("/authorities")
def authorities():
    return _authorities_page()


@bp.post("/authorities/<int:authority_id>")
def set_fire_mode(authority_id):
    authority = db.session.get(Authority, authority_id)
    if authority is None or authority.kind != "housing":
        abort(404)
    mode = request.form.get("fire_mode") or request.form.get(f"a{authority_id}-fire_mode")
    if mode not in MODES:
        message = f"办理方式须为：{'、'.join(MODES)} / fire_mode must be one of {', '.join(MODES)}"
        return _authorities_page({authority.id: message}, 422)
    authority.settings = {**(authority.settings or {}), "fire_mode": mode}
    commit()
    log.info("fire_mode of %s set to %s by %s", authority.key, mode, current_user.username)
    flash(f"{authority.name}：简易程序办理方式改为“{MODES[mode][0]}”，自下一件提交的申请起适用 / "
          f"mode set to {MODES[mode][1]} for the next submissions", "info")
    return redirect(url_for(".authorities", _anchor=f"authority-{authority.id}"), 303)


# --- the holiday table ---------------------------------------------------------------------------

@bp.get("/holidays")
def holiday_table():
    return render_template("admin/holidays.html", status=holiday_status(), form=HolidayFileForm(), error=None)


@bp.post("/holidays")
def load_holidays():
    """Load a holiday file, recount provisional deadlines (audited, by the system), commit once."""
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise ValueError("请选择节假日文件 / choose a holiday file")
        data = upload.read(HOLIDAY_FILE_MAX_BYTES + 1)
        if len(data) > HOLIDAY_FILE_MAX_BYTES:
            raise ValueError("文件超过1 MiB，不像节假日文件 / the file is over 1 MiB: not a holiday file")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValueError("文件须为UTF-8编码的文本 / the file must be UTF-8 text") from None
        count, years = holidays.load(text)
        recounted = engine.recompute_provisional_deadlines(jobs.SYSTEM)
        commit()
    except ValueError as exc:
        db.session.rollback()
        return render_template("admin/holidays.html", status=holiday_status(), form=HolidayFileForm(),
                               error=str(exc)), 422
    log.info("holiday file loaded by %s: %d days for %s", current_user.username, count, years)
    flash(f"已载入 {'、'.join(map(str, years))} 年节假日 {count} 天，重新计算暂定期限 {recounted} 件 / "
          f"loaded {count} days for {', '.join(map(str, years))}; {recounted} provisional deadlines recounted", "info")
    return redirect(url_for(".holiday_table"), 303)


# --- users -------------------------------------------------------------------------------------

def _users_page(form, problems=(), status=200):
    role = request.args.get("role") if request.args.get("role") in ROLES else None
    page = min(max(1, request.args.get("page", 1, type=int)), 10**6)
    query = select(User).where(User.role == role) if role else select(User)
    total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    users = db.session.execute(query.order_by(User.role, User.username).limit(USERS_PER_PAGE)
                               .offset((page - 1) * USERS_PER_PAGE)).scalars().all()
    return render_template("admin/users.html", users=users, form=form, problems=problems, role=role, page=page,
                           total=total, pages=max(1, -(-total // USERS_PER_PAGE)), ROLES=ROLES), status


def _user_form(**kw) -> UserForm:
    rows = db.session.execute(select(Authority).order_by(Authority.division_code, Authority.id)).scalars().all()
    return UserForm(authorities=rows, **kw)


@bp.get("/users")
def users():
    return _users_page(_user_form(formdata=None))


@bp.post("/users")
def create_user():
    form = _user_form()
    try:
        user = accounts.create_user((form.username.data or "").strip(), form.password.data or "", form.role.data or "",
                                    form.authority.data or None, display_name=(form.display_name.data or "").strip())
    except Invalid as exc:
        db.session.rollback()
        return _users_page(form, show_problems(form, exc.details), 422)
    commit()
    log.info("user %s (%s) created by %s", user.username, user.role, current_user.username)
    flash(f"已创建用户 {user.username}（{user.role}） / user created", "info")
    return redirect(url_for(".users"), 303)
