"""办件进度查询: what anyone holding an application number and the holder's credit code may learn — the state,
the next step, the authority and the deadline, nothing else — and verification of a document by its number and
the holder's code. A wrong pair answers exactly like an unknown number; wrong pairs are counted per address."""

from __future__ import annotations

import math
from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from models import Application, Document, LookupLimit, db
from vocabulary import authority_name, authority_name_en
from workflows.definition import Procedure, Reason, Text
from workflows.errors import Invalid, NotFound, RateLimited
from workflows.registry import PROCEDURES
from workflows.security import aware, lockable_address, now

STAFF = ("clerk", "approver", "reviewer", "inspector", "system")
MAX_LENGTH = 64


def _join(names: list[str], zh: bool) -> str:
    if len(names) < 2:
        return "".join(names)
    return ("、".join(names[:-1]) + "或" + names[-1]) if zh else (", ".join(names[:-1]) + " or " + names[-1])


def next_step(proc: Procedure, state: str, authority=None, fields: dict | None = None) -> Text:
    """The next step of an application in `state`, read from the procedure's declaration: who holds it there
    (Procedure.holders) and the events that lead on from it, by whom."""
    holder = proc.holders.get(state)
    events = [e for e in proc.events if state in e.sources]
    if holder == "applicant":
        own = [e for e in events if "applicant" in e.roles and e.name != "withdraw"]
        return Text(
            "由申请人" + _join([e.zh for e in own], True),
            "the applicant acts: " + _join([e.en.lower() for e in own], False),
        )
    staff = [e for e in events if set(e.roles) & set(STAFF)]
    if holder == "authority":
        zh_by = authority.name if authority else "办理机关"
        en_by = authority.name_en if authority else "the handling authority"
        # who acts is the declaration's: the events' acting authority kinds (a government approving, the
        # departments giving opinions), where they name them, else the handling authority
        kinds = {k for e in staff for k in (e.acting_kinds(fields or {}) or (proc.authority_kind,))}
        if authority and kinds and proc.authority_kind not in kinds:
            names = sorted(kinds)
            zh_by = "、".join(authority_name(authority.division_code, k) for k in names)
            en_by = ", ".join(authority_name_en(authority.division_code, k) for k in names)
        return Text(
            f"由{zh_by}办理：" + _join([e.zh for e in staff], True),
            f"{en_by} acts: " + _join([e.en.lower() for e in staff], False),
        )
    title = proc.states[state]
    if not events:
        return Text(f"已办结（{title[0]}），无后续步骤", f"concluded ({title[1]}); nothing further to do")
    return Text(
        f"已办结（{title[0]}）；此后可能的办理：" + _join([e.zh for e in events], True),
        f"decided ({title[1]}); what may still follow: " + _join([e.en.lower() for e in events], False),
    )


def public_view(app: Application) -> dict:
    proc = PROCEDURES[app.procedure]
    step = next_step(proc, app.state, app.authority, app.fields)
    return {
        "number": app.number,
        "procedure": app.procedure,
        "procedure_title": {"zh": proc.zh, "en": proc.en},
        "state": app.state,
        "state_title": dict(zip(("zh", "en"), proc.states[app.state], strict=False)),
        "next_step": {"zh": step.zh, "en": step.en},
        "authority": app.authority.as_dict() if app.authority else None,
        "deadline": {"due": app.deadline_due.isoformat(), "provisional": app.deadline_provisional}
        if app.deadline_due and app.is_open
        else None,
    }


def _clean(args, *names: str) -> list[str]:
    """The named query parameters, stripped; 422 naming each one missing or too long."""
    values, problems = [], []
    for name in names:
        value = (args.get(name) or "").strip()
        if not value:
            problems.append(Reason("required", f"{name}：必填", f"{name}: required", name))
        elif len(value) > MAX_LENGTH or not value.isprintable():
            problems.append(
                Reason(
                    "max_length",
                    f"{name}：应为不超过{MAX_LENGTH}个字符的文本",
                    f"{name}: at most {MAX_LENGTH} printable characters",
                    name,
                )
            )
        values.append(value.upper())
    if problems:
        raise Invalid("查询条件不完整或有误", "the lookup needs both values", problems)
    return values


def lookup(args) -> dict:
    """The application's public progress; NotFound for an unknown number and for a wrong pair alike: one
    indexed query with both values, so neither answer nor timing tells which of the two was wrong."""
    number, code = _clean(args, "number", "credit_code")
    check_address()
    app = db.session.execute(
        select(Application).where(Application.number == number, Application.credit_code == code)
    ).scalar()
    if app is None:
        failed()
        raise NotFound("没有与该申请编号和统一社会信用代码对应的申请", "no application has this number and credit code")
    return public_view(app)


def document_by_number(args) -> Document:
    """A document by its number and its holder's credit code; a wrong pair answers like an unknown document."""
    number, code = _clean(args, "number", "credit_code")
    check_address()
    doc = db.session.execute(select(Document).where(Document.number == number, Document.holder_code == code)).scalar()
    if doc is None:
        failed()
        raise NotFound("没有这个凭证", "no such document")
    return doc


# ---- the rate limit: wrong pairs per address, as logins count failures (workflows/security.py) -----------


def check_address() -> None:
    """429 with Retry-After while this address is blocked, before anything is looked up."""
    address = lockable_address()
    row = db.session.get(LookupLimit, address) if address else None
    until = aware(row.blocked_until) if row else None
    if until and until > now():
        seconds = math.ceil((until - now()).total_seconds())
        minutes = seconds // 60 + 1
        raise RateLimited(
            f"查询过于频繁，请{minutes}分钟后再试",
            f"too many lookups: try again in {minutes} minutes",
            retry_after=seconds,
        )


def failed() -> None:
    """Count a wrong pair from this address, committed at once (the 404 that follows rolls back the rest)."""
    address = lockable_address()
    if not address:
        return
    minutes, at = current_app.config["LOCKOUT_MINUTES"], now()
    row = db.session.get(LookupLimit, address) or LookupLimit(address=address, failures=0, window_start=at)
    db.session.add(row)
    if aware(row.window_start) + timedelta(minutes=minutes) < at:
        row.failures, row.window_start = 0, at
    row.failures += 1
    if row.failures >= current_app.config["LOOKUP_FAILURES"]:
        row.blocked_until, row.failures, row.window_start = at + timedelta(minutes=minutes), 0, at
    try:
        db.session.commit()
    except IntegrityError:  # another request from the same address made the row first: it counted
        db.session.rollback()
