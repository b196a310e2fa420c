"""Enterprises (one record per credit code) and the accounts that act for them (DOMAIN §6): the record is made with
the enterprise's first application and kept up to date by the decisions about it; an account acts for it as the
enterprise itself, or as an agent once a power of attorney is on file; new applications prefill from it.

What an application says of its enterprise is its procedure's declaration (`Register.enterprise`: enterprise
attribute -> field; the key "agent" names the field that says an agent files)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from infra import storage
from models import Enterprise, EnterpriseAccount, db
from models.base import rowcount
from workflows.attachments import clean_filename, sniff
from workflows.credit_code import problem as credit_code_problem
from workflows.definition import Reason
from workflows.errors import Conflict, Forbidden, Invalid, NotFound, TooLarge, UnsupportedType
from workflows.values import _CONTROL

ATTRIBUTES = ("name", "domicile_address", "domicile_division", "registered_scope")
LIMITS = {"name": 200, "domicile_address": 400, "domicile_division": 6, "registered_scope": 2000}


def facts_of(register, fields: dict | None) -> dict | None:
    """The enterprise an application names, as its procedure maps its fields; None without a valid credit code."""
    if register is None:
        return None
    fields = fields or {}
    facts = {
        attr: fields.get(name)
        for attr, name in register.enterprise.items()
        if attr != "agent" and fields.get(name) not in (None, "")
    }
    code = facts.get("credit_code")
    return facts if isinstance(code, str) and not credit_code_problem(code) else None


def _insert(model):
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(model.__table__)


def _ensure(facts: dict, overwrite: bool) -> int:
    """The enterprise's id: inserted if new (a concurrent insert of the same code is no error), its facts
    overwritten by a decision's (only those the decision states): one upsert returning the id."""
    known = {k: str(facts[k])[: LIMITS[k]] for k in ATTRIBUTES if facts.get(k)}
    insert = _insert(Enterprise).values(
        credit_code=facts["credit_code"],
        name=known.get("name", ""),
        **{k: v for k, v in known.items() if k != "name"},
        created_at=_now(),
        updated_at=_now(),
    )
    if overwrite and known:
        upsert = insert.on_conflict_do_update(index_elements=["credit_code"], set_={**known, "updated_at": _now()})
        return db.session.execute(upsert.returning(Enterprise.id)).scalar_one()
    db.session.execute(insert.on_conflict_do_nothing(index_elements=["credit_code"]))
    return db.session.execute(select(Enterprise.id).where(Enterprise.credit_code == facts["credit_code"])).scalar_one()


def _now() -> datetime:
    return datetime.now(UTC)


def _link(user_id: int, enterprise_id: int, agent: bool) -> None:
    """The applicant acts for the enterprise from its first application on: as the enterprise, unless it files as
    an agent or another account already is the enterprise's own (then as an agent, until a power of attorney)."""
    owned = db.session.execute(
        select(EnterpriseAccount.id)
        .where(
            EnterpriseAccount.enterprise_id == enterprise_id,
            EnterpriseAccount.capacity == "own",
            EnterpriseAccount.user_id != user_id,
        )
        .limit(1)
    ).scalar()
    capacity = "agent" if agent or owned else "own"
    # no conflict target: a link that exists, or another account made the enterprise's own meanwhile (the partial
    # unique index), are both "nothing to do"; in the second case this account is linked as an agent
    done = db.session.execute(
        _insert(EnterpriseAccount)
        .values(user_id=user_id, enterprise_id=enterprise_id, capacity=capacity, created_at=_now())
        .on_conflict_do_nothing()
    )
    if rowcount(done) == 0 and capacity == "own":
        db.session.execute(
            _insert(EnterpriseAccount)
            .values(user_id=user_id, enterprise_id=enterprise_id, capacity="agent", created_at=_now())
            .on_conflict_do_nothing()
        )


def noted(app, user, register) -> None:
    """An application names its enterprise (engine.create, engine.update_fields): the record and the link exist."""
    facts = facts_of(register, app.fields)
    if facts is not None and user.role == "applicant":
        _link(user.id, _ensure(facts, overwrite=False), bool((app.fields or {}).get(register.enterprise.get("agent"))))


def decided(register, fields: dict, applicant_id: int) -> None:
    """A decision about the enterprise (ledger.record) states its name, domicile and scope as they are now."""
    facts = facts_of(register, fields)
    if facts is not None:
        _link(applicant_id, _ensure(facts, overwrite=True), bool(fields.get(register.enterprise.get("agent"))))


# --- accounts acting for enterprises -----------------------------------------------------------------------


def _bad(field: str, rule: str, zh: str, en: str) -> Invalid:
    return Invalid(zh, en, [Reason(rule, zh, en, field)])


def clean_code(value) -> str:
    """A credit code from a request (422 naming the field and what is wrong)."""
    code = value.strip().upper() if isinstance(value, str) else value
    found = credit_code_problem(code)
    if found:
        raise _bad("credit_code", "credit_code", f"credit_code：{found[0]}", f"credit_code: {found[1]}")
    return code


def act_for(user, credit_code, capacity, name=None) -> EnterpriseAccount:
    """This applicant acts for the enterprise, as itself ("own") or as an agent (who then files a power of attorney)."""
    if user.role != "applicant":
        raise Forbidden("只有申请人账户可以代表企业办理", "only applicant accounts act for enterprises")
    code = clean_code(credit_code)
    if capacity not in ("own", "agent"):
        raise _bad(
            "capacity",
            "choice",
            "capacity：须为 own（本企业）或 agent（代理人）",
            "capacity: own (the enterprise itself) or agent",
        )
    enterprise = db.session.execute(select(Enterprise).where(Enterprise.credit_code == code)).scalar()
    if enterprise is None:
        if not isinstance(name, str) or not name.strip() or len(name.strip()) > 200 or _CONTROL.search(name):
            raise _bad(
                "name",
                "required",
                "name：新企业须填写企业名称（200字以内）",
                "name: a new enterprise needs its name (at most 200 characters)",
            )
        enterprise = Enterprise(credit_code=code, name=name.strip())
        db.session.add(enterprise)
        db.session.flush()
    link = db.session.execute(
        select(EnterpriseAccount).where(
            EnterpriseAccount.user_id == user.id, EnterpriseAccount.enterprise_id == enterprise.id
        )
    ).scalar()
    if (
        capacity == "own"
        and db.session.execute(
            select(EnterpriseAccount.id)
            .where(
                EnterpriseAccount.enterprise_id == enterprise.id,
                EnterpriseAccount.capacity == "own",
                EnterpriseAccount.user_id != user.id,
            )
            .limit(1)
        ).scalar()
    ):
        raise Conflict(
            "该企业已有本企业账户：请以代理人身份添加，并上传授权委托书",
            "another account is already this enterprise's own: act as its agent, with a power of attorney",
            code="owned_elsewhere",
        )
    if link is None:
        link = EnterpriseAccount(user_id=user.id, enterprise=enterprise, capacity=capacity)
        db.session.add(link)
    link.capacity = capacity
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # another account became the enterprise's own (or this link was made) meanwhile
        raise Conflict(
            "该企业已由其他账户同时添加，请刷新后重试",
            "added by another account at the same time; reload and retry",
            code="owned_elsewhere",
        ) from None
    return link


def file_attorney(user, credit_code, filename, data: bytes) -> EnterpriseAccount:
    """The agent's power of attorney, put on file (PDF, PNG or JPEG by content; the upload size limit)."""
    link = _own_link(user, clean_code(credit_code))
    if link.capacity != "agent":
        raise Conflict(
            "以本企业身份办理无需授权委托书",
            "an enterprise's own account needs no power of attorney",
            code="not_an_agent",
        )
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    if len(data) > limit:
        raise TooLarge(f"文件超过{limit // (1024 * 1024)} MiB上限", f"file larger than {limit // (1024 * 1024)} MiB")
    if not data:
        raise _bad("file", "empty", "file：文件为空", "file: the file is empty")
    found = sniff(data[:16])
    if found is None:
        raise UnsupportedType(
            "只接受PDF、PNG、JPEG文件（按文件内容判断，而非文件名）",
            "only PDF, PNG or JPEG files are accepted (judged by content, not name)",
        )
    path = f"powers_of_attorney/{link.id}/{secrets.token_hex(12)}.{found[1]}"
    storage.write_on_commit(db.session(), path, data)
    link.attorney_filename, link.attorney_content_type, link.attorney_size = (
        clean_filename(filename),
        found[0],
        len(data),
    )
    link.attorney_sha256, link.attorney_path = hashlib.sha256(data).hexdigest(), path
    link.attorney_uploaded_at = _now()
    db.session.flush()
    return link


def _own_link(user, code: str) -> EnterpriseAccount:
    link = db.session.execute(
        select(EnterpriseAccount)
        .join(Enterprise)
        .where(EnterpriseAccount.user_id == user.id, Enterprise.credit_code == code)
    ).scalar()
    if link is None:
        raise NotFound("您尚未添加该企业", "you have not added this enterprise")
    return link


def accounts_of(user) -> list[EnterpriseAccount]:
    return list(
        db.session.execute(
            select(EnterpriseAccount)
            .join(Enterprise)
            .where(EnterpriseAccount.user_id == user.id)
            .order_by(Enterprise.name, Enterprise.id)
        ).scalars()
    )


def acting_link(user, code: str) -> EnterpriseAccount | None:
    link = db.session.execute(
        select(EnterpriseAccount)
        .join(Enterprise)
        .where(EnterpriseAccount.user_id == user.id, Enterprise.credit_code == code)
    ).scalar()
    return link if link is not None and link.is_acting else None


def visible(user, credit_code) -> Enterprise:
    """The enterprise, to an account acting for it and to staff and auditors; anyone else 404, as if absent."""
    code = clean_code(credit_code)
    found = db.session.execute(select(Enterprise).where(Enterprise.credit_code == code)).scalar()
    allowed = (
        user.role == "applicant" and acting_link(user, code) is not None or user.is_staff or user.role == "auditor"
    )
    if found is None or not allowed:
        raise NotFound()
    return found


def prefill(user, proc, credit_code) -> dict:
    """A new application's fields from an enterprise this applicant acts for, as its procedure maps them."""
    if credit_code in (None, ""):
        return {}
    link = (
        acting_link(user, credit_code.strip().upper())
        if isinstance(credit_code, str) and not credit_code_problem(credit_code.strip().upper())
        else None
    )
    if link is None:
        raise _bad(
            "enterprise",
            "acts_for",
            "enterprise：您尚未代表该企业办理（在“我的企业”中添加；代理人须上传授权委托书）",
            "enterprise: you do not act for this enterprise (add it under My enterprises; "
            "an agent files a power of attorney)",
        )
    enterprise = link.enterprise
    mapping = proc.register.enterprise if proc.register is not None else {}
    return {
        name: getattr(enterprise, attr)
        for attr, name in mapping.items()
        if attr != "agent" and proc.field(name) is not None and getattr(enterprise, attr, None) not in (None, "")
    }
