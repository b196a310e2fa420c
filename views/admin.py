"""Administration (admins only, no business actions): fire filing modes, the holiday table, users, account
security. Every change is one operation of workflows/operations/ (the CLI and the API call the same)."""

from __future__ import annotations

import logging
from collections import Counter

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from forms.admin import HOLIDAY_FILE_MAX_BYTES, FireModeForm, HolidayFileForm, UserForm
from forms.application import show_problems
from infra.extensions import login_manager
from infra.i18n import bi, bt, lang, pick
from models import Application, Authority, User, db
from models.user import ROLES
from views.filters import authority_title
from workflows import calendar, engine, holidays, operations, security
from workflows.errors import Invalid
from workflows.operations.settings import setting_of
from workflows.registry import authority_setting
from workflows.transaction import commit

log = logging.getLogger(__name__)
bp = Blueprint("admin", __name__, url_prefix="/admin")
# the simplified route's mode, a setting the fire-safety filing procedure declares for its authorities
FIRE_MODE = authority_setting("fire_mode")
MODES, DEFAULT_MODE = FIRE_MODE.choices, FIRE_MODE.default
USERS_PER_PAGE = 100
AUDITOR_READS = {"admin.security_log"}


@bp.before_request
def admins_only():
    """Admins; the auditor reads the security log too (三权分立: the auditor checks what admins did)."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role != "admin" and not (current_user.role == "auditor" and request.endpoint in AUDITOR_READS):
        abort(403)


def _housing():
    return (
        db.session.execute(select(Authority).where(Authority.kind == FIRE_MODE.kind).order_by(Authority.division_code))
        .scalars()
        .all()
    )


def fire_mode(authority: Authority) -> str:
    return setting_of(authority, "fire_mode")


def holiday_status() -> dict:
    """Which years the package knows, which the loaded table knows, which are counted Monday–Friday
    (provisional); from October on, a warning while next year is still unknown."""
    today, loaded = engine.today(), set(holidays.known_years())
    package = calendar.PACKAGE_YEARS

    def source(year):
        return "table" if year in loaded else "package" if year in package else "provisional"

    window = range(today.year - 1, today.year + 3)
    provisional = db.session.execute(
        select(func.count(Application.id)).where(
            Application.deadline_provisional.is_(True), Application.is_open.is_(True)
        )
    ).scalar_one()
    return {
        "today": today,
        "package": (package.start, package.stop - 1),
        "loaded": sorted(loaded),
        "years": [{"year": y, "source": source(y)} for y in window],
        "warn_next_year": today.month >= 10 and source(today.year + 1) == "provisional",
        "next_year": today.year + 1,
        "provisional_deadlines": provisional,
    }


@bp.get("/")
def overview():
    roles = dict(db.session.execute(select(User.role, func.count(User.id)).group_by(User.role)).all())
    modes = Counter(fire_mode(a) for a in _housing())
    return render_template("admin/overview.html", roles=roles, modes=modes, MODES=MODES, status=holiday_status())


# --- authorities: the fire filing mode (DOMAIN §3 [cfg]) -----------------------------------------


def _authorities_page(errors=None, status=200):
    rows = [(a, FireModeForm(formdata=None, prefix=f"a{a.id}", data={"fire_mode": fire_mode(a)})) for a in _housing()]
    return render_template("admin/authorities.html", rows=rows, MODES=MODES, errors=errors or {}), status


@bp.get("/authorities")
def authorities():
    return _authorities_page()


@bp.post("/authorities/<int:authority_id>")
def set_fire_mode(authority_id):
    authority = db.session.get(Authority, authority_id)
    if authority is None or authority.kind != FIRE_MODE.kind:
        abort(404)
    mode = request.form.get("fire_mode") or request.form.get(f"a{authority_id}-fire_mode")
    try:
        operations.set_authority_setting(current_user, authority, "fire_mode", mode)
    except Invalid:
        db.session.rollback()
        message = bt("办理方式须为：%(modes)s", modes=("、" if lang() == "zh" else ", ").join(MODES))
        return _authorities_page({authority.id: message}, 422)
    commit()
    log.info("fire_mode of %s set to %s by %s", authority.key, mode, current_user.username)
    flash(
        bi(
            "%(authority)s：简易程序办理方式改为“%(mode)s”，自下一件提交的申请起适用",
            authority=authority_title(authority),
            mode=pick(*MODES[mode]),
        ),
        "info",
    )
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
            raise ValueError(bt("请选择节假日文件"))
        data = upload.read(HOLIDAY_FILE_MAX_BYTES + 1)
        if len(data) > HOLIDAY_FILE_MAX_BYTES:
            raise ValueError(bt("文件超过1 MiB，不像节假日文件"))
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValueError(bt("文件须为UTF-8编码的文本")) from None
        loaded = operations.load_holidays(current_user, text)
        commit()
    except ValueError as exc:
        db.session.rollback()
        return render_template(
            "admin/holidays.html", status=holiday_status(), form=HolidayFileForm(), error=str(exc)
        ), 422
    except Invalid as exc:
        db.session.rollback()
        return render_template(
            "admin/holidays.html",
            status=holiday_status(),
            form=HolidayFileForm(),
            error=pick(exc.message("zh"), exc.message("en")),
        ), 422
    count, years, recounted = loaded.days, loaded.years, loaded.recounted
    if not loaded.changed:
        flash(bi("节假日表已有此文件的全部内容，未作改动"), "info")
        return redirect(url_for(".holiday_table"), 303)
    log.info("holiday file loaded by %s: %d days for %s", current_user.username, count, years)
    flash(
        bi(
            "已载入 %(years)s 年节假日 %(count)s 天，重新计算暂定期限 %(recounted)s 件",
            years="、".join(map(str, years)),
            count=count,
            recounted=recounted,
        ),
        "info",
    )
    return redirect(url_for(".holiday_table"), 303)


# --- users -------------------------------------------------------------------------------------


def _users_page(form, problems=(), status=200):
    role = request.args.get("role") if request.args.get("role") in ROLES else None
    page = min(max(1, request.args.get("page", 1, type=int)), 10**6)
    query = select(User).where(User.role == role) if role else select(User)
    total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    users = (
        db.session.execute(
            query.order_by(User.role, User.username).limit(USERS_PER_PAGE).offset((page - 1) * USERS_PER_PAGE)
        )
        .scalars()
        .all()
    )
    return render_template(
        "admin/users.html",
        users=users,
        form=form,
        problems=problems,
        role=role,
        page=page,
        total=total,
        pages=max(1, -(-total // USERS_PER_PAGE)),
        ROLES=ROLES,
    ), status


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
        user = operations.create_user(
            current_user,
            (form.username.data or "").strip(),
            form.password.data or "",
            form.role.data or "",
            form.authority.data or None,
            display_name=(form.display_name.data or "").strip(),
            email=request.form.get("email", ""),
        )
    except Invalid as exc:
        db.session.rollback()
        return _users_page(form, show_problems(form, exc.details), 422)
    commit()
    log.info("user %s (%s) created by %s", user.username, user.role, current_user.username)
    flash(bi("已创建用户 %(name)s（%(role)s）", name=user.username, role=user.role), "info")
    return redirect(url_for(".users"), 303)


# --- account security: lockouts, tokens, the security log ----------------------------------------


def _user_or_404(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


@bp.get("/security")
def security_log():
    now = security.now()
    locked = db.session.execute(select(User).where(User.locked_until > now).order_by(User.username)).scalars().all()
    return render_template(
        "admin/security.html",
        entries=security.entries(),
        problems=operations.verify_security_log(),
        locked_users=locked,
        locked_addresses=security.locked_addresses(),
        can_act=current_user.role == "admin",
    )


@bp.post("/users/<int:user_id>/unlock")
def unlock_user(user_id):
    user = _user_or_404(user_id)
    operations.unlock_account(current_user, user)
    commit()
    flash(bi("已解锁账户 %(name)s", name=user.username), "info")
    return redirect(url_for(".security_log"), 303)


@bp.post("/users/<int:user_id>/revoke-tokens")
def revoke_tokens(user_id):
    user = _user_or_404(user_id)
    gone = operations.revoke_tokens(current_user, user)
    commit()
    flash(bi("已吊销 %(name)s 的 %(count)s 个接口令牌，并结束其全部登录会话", name=user.username, count=gone), "info")
    return redirect(url_for(".security_log"), 303)


@bp.post("/users/<int:user_id>/lock")
def lock_user(user_id):
    user = _user_or_404(user_id)
    operations.lock_account(current_user, user)
    commit()
    flash(bi("已锁定账户 %(name)s，其全部登录会话和接口令牌已失效", name=user.username), "info")
    return redirect(request.referrer or url_for(".security_log"), 303)


@bp.post("/addresses/unlock")
def unlock_address():
    address = (request.form.get("address") or "").strip()
    operations.unlock_address(current_user, address)
    commit()
    flash(bi("已解锁网络地址 %(address)s", address=address), "info")
    return redirect(url_for(".security_log"), 303)
