"""Enterprises (DOMAIN §6): the accounts an applicant acts for, adding one (own, or as an agent with a power of
attorney on file), and an enterprise's page — its entries in force across registers, their next dates, documents."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from infra.extensions import login_manager
from infra.i18n import bi
from workflows import enterprise_view, enterprises
from workflows.context import today
from workflows.errors import Invalid, TooLarge, UnsupportedType
from workflows.registry import PROCEDURES
from workflows.transaction import commit

bp = Blueprint("enterprises", __name__, url_prefix="/enterprises")


@bp.before_request
def logged_in():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()


@bp.app_context_processor
def acting_enterprises():
    """For the new-application page: the enterprises this applicant may prefill from."""

    def acting():
        if not current_user.is_authenticated or current_user.role != "applicant":
            return []
        return [link for link in enterprises.accounts_of(current_user) if link.is_acting]

    return {"acting_enterprises": acting}


def _list_page(problems=(), status: int = 200):
    if current_user.role != "applicant":
        abort(403)
    return render_template(
        "enterprises/list.html",
        accounts=enterprises.accounts_of(current_user),
        procedures=PROCEDURES.values(),
        problems=problems,
        form=request.form,
    ), status


@bp.get("/")
def mine():
    return _list_page()


@bp.post("/")
def add():
    try:
        link = enterprises.act_for(
            current_user, request.form.get("credit_code"), request.form.get("capacity"), request.form.get("name")
        )
    except Invalid as exc:
        return _list_page(exc.details, 422)
    commit()
    flash(bi("已添加：%(name)s", name=link.enterprise.name or link.enterprise.credit_code), "info")
    return redirect(url_for(".mine"), 303)


@bp.post("/<code>/power-of-attorney")
def power_of_attorney(code):
    try:
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            raise Invalid("请选择授权委托书文件", "choose the power of attorney's file")
        enterprises.file_attorney(
            current_user, code, upload.filename, upload.read(current_app.config["UPLOAD_MAX_BYTES"] + 1)
        )
    except RequestEntityTooLarge:
        raise TooLarge("文件超过10 MiB上限", "file larger than 10 MiB") from None
    except (Invalid, TooLarge, UnsupportedType) as exc:
        return _list_page(exc.details or [{"message": exc.message("zh"), "message_en": exc.message("en")}], exc.status)
    commit()
    flash(bi("授权委托书已备案"), "info")
    return redirect(url_for(".mine"), 303)


@bp.get("/<code>")
def page(code):
    found = enterprises.visible(current_user, code)
    return render_template(
        "enterprises/enterprise.html",
        ent=enterprise_view.enterprise(found, current_user, today()),
        procedures=PROCEDURES.values(),
    )
