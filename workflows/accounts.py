"""Accounts: API bearer tokens with expiry, the password policy, checked user creation (the operations that
log in, lock, revoke… are in workflows/operations/accounts.py)."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select

from models import ApiToken, Authority, User, db
from models.user import ROLES
from workflows.errors import Invalid
from workflows.security import aware, now, still_ahead


def issue_token(user: User) -> tuple[str, datetime]:
    token = secrets.token_urlsafe(32)
    expires = now() + timedelta(hours=current_app.config["TOKEN_HOURS"])
    db.session.add(ApiToken(token_hash=hashlib.sha256(token.encode()).hexdigest(), user_id=user.id, expires_at=expires))
    return token, expires


def revoke_token(token: str) -> None:
    """This bearer token stops working now (the API's log-out)."""
    db.session.execute(delete(ApiToken).where(ApiToken.token_hash == hashlib.sha256(token.encode()).hexdigest()))


def user_for_token(token: str) -> User | None:
    row = db.session.execute(
        select(ApiToken).where(ApiToken.token_hash == hashlib.sha256(token.encode()).hexdigest())
    ).scalar()
    if row is None or aware(row.expires_at) <= now() or not is_usable(row.user):
        return None
    return row.user


def is_usable(user: User) -> bool:
    """Not locked now (by failed logins or by an admin): a locked account acts through no session or token."""
    return not still_ahead(user.locked_until)


def authority_for(spec: str | None) -> Authority | None:
    """'230102:market_regulation' -> the Authority, or None."""
    if not spec or ":" not in spec:
        return None
    division, kind = spec.split(":", 1)
    return db.session.execute(
        select(Authority).where(Authority.division_code == division, Authority.kind == kind)
    ).scalar()


EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
EMAIL_PROBLEM = {
    "field": "email",
    "rule": "format",
    "message": "电子邮箱格式不正确（例：name@example.gov.cn）",
    "message_en": "e-mail: not a valid address (e.g. name@example.gov.cn)",
}


def clean_email(email: str | None) -> str | None:
    """An e-mail address stripped, or None when empty; raises Invalid for one that cannot be an address."""
    email = (email or "").strip()
    if not email:
        return None
    if len(email) > 255 or not EMAIL.fullmatch(email):
        raise Invalid("用户信息有误", "invalid user", [EMAIL_PROBLEM])
    return email


PASSWORD_MAX = 128  # scrypt hashes whatever it is given: a megabyte password is a way to burn CPU


def password_problems(username: str, password: str) -> list[dict]:
    """The password policy: 8–128 characters, letters and digits both, not the user name."""

    def problem(rule, zh, en):
        return [{"field": "password", "rule": rule, "message": zh, "message_en": en}]

    if not isinstance(password, str) or len(password) < 8:
        return problem("min_length", "密码至少8位", "password: at least 8 characters")
    if len(password) > PASSWORD_MAX:
        return problem("max_length", f"密码至多{PASSWORD_MAX}位", f"password: at most {PASSWORD_MAX} characters")
    if not (any(c.isalpha() for c in password) and any(c.isdigit() for c in password)):
        return problem(
            "letters_and_digits", "密码须同时包含字母和数字", "password: must contain both letters and digits"
        )
    if isinstance(username, str) and password.casefold() == username.casefold():
        return problem("not_username", "密码不能与用户名相同", "password: must not be the user name")
    return []


def create_user(
    username: str,
    password: str,
    role: str,
    authority: str | None = None,
    display_name: str = "",
    email: str | None = None,
) -> User:
    problems = []
    try:
        email = clean_email(email)
    except Invalid:
        problems.append(EMAIL_PROBLEM)
    if not username or len(username) > 64 or not username.replace("_", "").replace("-", "").replace(".", "").isalnum():
        problems.append(
            {
                "field": "username",
                "rule": "format",
                "message": "用户名须为1–64位字母、数字、_-.",
                "message_en": "username: 1–64 letters, digits, _ - .",
            }
        )
    elif db.session.execute(select(User.id).where(User.username == username)).scalar():
        problems.append(
            {"field": "username", "rule": "unique", "message": "用户名已存在", "message_en": "username already exists"}
        )
    problems += password_problems(username, password)
    if role not in ROLES:
        problems.append(
            {
                "field": "role",
                "rule": "choice",
                "message": f"角色须为：{', '.join(ROLES)}",
                "message_en": f"role must be one of {', '.join(ROLES)}",
            }
        )
    needs_authority = role not in ("applicant", "admin", "auditor")
    found = authority_for(authority)
    if needs_authority and found is None:
        problems.append(
            {
                "field": "authority",
                "rule": "required",
                "message": "该角色须指定所属机关（区划代码:类别）",
                "message_en": "this role needs an existing authority as <division>:<kind>",
            }
        )
    if not needs_authority and authority:
        problems.append(
            {
                "field": "authority",
                "rule": "forbidden",
                "message": "申请人、管理员、审计员不属于机关",
                "message_en": "applicants, admins and auditors have no authority",
            }
        )
    if problems:
        raise Invalid("用户信息有误", "invalid user", problems)
    user = User(
        username=username,
        role=role,
        display_name=display_name,
        email=email,
        authority_id=found.id if needs_authority and found is not None else None,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user
