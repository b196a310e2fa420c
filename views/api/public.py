"""API: tokens, procedures, eligibility, the calendar and verification (public but for tokens' use)."""

from __future__ import annotations

from datetime import date

from flask import Response, request
from sqlalchemy import bindparam, select

from infra.extensions import lookup_one
from models import Document
from views.api import bp, image_lang, json_body, lang
from views.api.openapi import document as openapi_document
from workflows import accounts, calendar, diagram, engine, holidays, operations
from workflows.definition import Reason
from workflows.documents import public_view
from workflows.errors import Invalid, NotFound
from workflows.registry import PROCEDURES
from workflows.transaction import commit
from workflows.values import clean_fields


@bp.post("/tokens")
def create_token():
    body = json_body()
    user = operations.log_in(body.get("username"), body.get("password"))
    token, expires = accounts.issue_token(user)
    commit()
    return {
        "token": token,
        "expires_at": expires.astimezone(calendar.SHANGHAI).isoformat(),
        "user": {"username": user.username, "role": user.role},
    }, 201


@bp.get("/procedures")
def procedures():
    return [p.as_dict() for p in PROCEDURES.values()]


@bp.get("/procedures/<name>")
def procedure(name):
    if name not in PROCEDURES:
        raise NotFound()
    return PROCEDURES[name].as_dict()


@bp.post("/eligibility/<procedure>")
def eligibility(procedure):
    proc = PROCEDURES.get(procedure)
    if proc is None:
        raise NotFound("没有这个办理事项", "no such procedure")
    body = json_body()
    fields, problems = clean_fields(proc, body.get("fields", {}))
    if problems:
        raise Invalid("申请信息有误", "invalid fields", problems)
    return engine.eligibility_of(proc, fields).as_dict(lang())


def _date_arg(name: str) -> date:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        raise Invalid(
            f"{name} 应为 YYYY-MM-DD 日期",
            f"{name} must be a date YYYY-MM-DD",
            [Reason("type", f"{name}：应为 YYYY-MM-DD", f"{name}: YYYY-MM-DD", name)],
        ) from None


def _count_arg(name: str, high: int, low: int = 0) -> int:
    raw = request.args.get(name, "")
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:  # '²'.isdigit() is True
        raise Invalid(
            f"{name} 应为 {low}–{high} 的整数",
            f"{name} must be an integer {low}–{high}",
            [Reason("range", f"{name}：{low}–{high}", f"{name}: {low}–{high}", name)],
        )
    return int(raw)


@bp.get("/calendar/add-working-days")
def add_working_days():
    start, days = _date_arg("from"), _count_arg("days", 3650)
    try:
        d = calendar.add_working_days(start, days, holidays.table())
    except ValueError as exc:
        raise Invalid(
            "无法计算该日期", "cannot compute this date", [Reason("range", str(exc), str(exc), "from")]
        ) from None
    return {
        "due": d.due.isoformat(),
        "provisional": d.provisional,
        "source": d.source,
        "from": start.isoformat(),
        "days": days,
    }


@bp.get("/calendar/period-end")
def period_end():
    start, years = _date_arg("from"), _count_arg("years", 100, 1)
    try:
        first, last = calendar.period_end(start, years)
    except (ValueError, OverflowError):
        raise Invalid(
            "无法计算该期限",
            "cannot compute this period",
            [Reason("range", "日期超出范围", "date out of range", "from")],
        ) from None
    return {"first_day": first.isoformat(), "last_day": last.isoformat()}


@bp.get("/calendar/years")
def calendar_years():
    return {"holiday_table_years": holidays.known_years(), "package_years": list(calendar.PACKAGE_YEARS)}


# What public_view shows, by token: built once (SQLAlchemy reuses its compiled form). Every printed notice's QR
# code lands here, so the lookup is one SELECT of these columns, not an ORM load of the whole document.
_doc = Document.__table__
BY_TOKEN = select(
    _doc.c.id,
    _doc.c.application_id,
    _doc.c.number,
    _doc.c.kind,
    # of the snapshot, only the two entries shown: the database picks them out, no whole document to send and parse
    _doc.c.snapshot["authority_name"].as_string().label("authority_name"),
    _doc.c.snapshot["content_digest"].as_string().label("content_digest"),
    _doc.c.holder_name,
    _doc.c.holder_code,
    _doc.c.issue_date,
    _doc.c.status,
    _doc.c.status_changed_at,
    _doc.c.facts,
    _doc.c.sha256,
    _doc.c.storage_path,
    _doc.c.pending,
).where(_doc.c.token == bindparam("token"))


@bp.get("/verify/<token>")
def verify(token):
    # a single read needs no transaction: the lookup engine's autocommit connections spare a BEGIN before it and a
    # ROLLBACK after it
    row = lookup_one(BY_TOKEN, {"token": token}) if len(token) < 100 else None
    if row is None:
        raise NotFound("没有这个凭证", "no such document")
    return public_view(row)  # a row answers to the same attribute names as a Document


@bp.get("/openapi.json")
def openapi():
    return openapi_document()


@bp.get("/procedures/<name>/diagram.svg")
def procedure_diagram(name):
    if name not in PROCEDURES:
        raise NotFound()
    return Response(diagram.render(PROCEDURES[name], lang=image_lang()), mimetype="image/svg+xml")
