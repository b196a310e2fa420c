"""API: account administration (admins: users, locks, tokens, addresses), one's own password, the security
log (admins, auditors). Each change is one operation of workflows/operations/, as on the pages and the CLI."""

from __future__ import annotations

from flask import request

from views.api import api_user, bp, json_body
from workflows import operations, security
from workflows.errors import Forbidden, Invalid
from workflows.operations.accounts import user_named
from workflows.transaction import commit


@bp.delete("/tokens/current")
def revoke_current_token():
    user = api_user()  # a valid bearer token (a web session cannot DELETE through the API)
    operations.revoke_token(user, request.headers["Authorization"][7:].strip())
    commit()
    return "", 204


def _admin():
    user = api_user()
    if user.role != "admin":
        raise Forbidden("只有管理员可以管理账户", "only admins manage accounts")
    return user


def _text(body: dict, name: str, required: bool = True) -> str | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value):
        raise Invalid(
            f"{name} 须为文本",
            f"{name} must be a string",
            [
                {
                    "field": name,
                    "rule": "required" if value in (None, "") else "type",
                    "message": f"{name}：须为非空文本",
                    "message_en": f"{name}: a non-empty string",
                }
            ],
        )
    return value


@bp.post("/users")
def create_user():
    admin = _admin()
    body = json_body()
    user = operations.create_user(
        admin,
        _text(body, "username"),
        _text(body, "password"),
        _text(body, "role"),
        _text(body, "authority", False),
        _text(body, "display_name", False) or "",
        _text(body, "email", False),
    )
    commit()
    return {
        "username": user.username,
        "role": user.role,
        "authority": user.authority.key if user.authority else None,
    }, 201


@bp.post("/users/<username>/lock")
def lock_user(username):
    admin = _admin()
    user = user_named(username)
    operations.lock_account(admin, user)
    commit()
    return {"username": user.username, "locked": True}


@bp.post("/users/<username>/unlock")
def unlock_user(username):
    admin = _admin()
    user = user_named(username)
    operations.unlock_account(admin, user)
    commit()
    return {"username": user.username, "locked": False}


@bp.delete("/users/<username>/tokens")
def revoke_user_tokens(username):
    admin = _admin()
    user = user_named(username)
    gone = operations.revoke_tokens(admin, user)
    commit()
    return {"username": user.username, "revoked": gone}


@bp.post("/addresses/unlock")
def unlock_address():
    admin = _admin()
    address = json_body().get("address")
    if not isinstance(address, str) or not address or len(address) > 64:
        raise Invalid(
            "请填写要解锁的网络地址",
            "address is required",
            [
                {
                    "field": "address",
                    "rule": "required",
                    "message": "address：须为被锁定的网络地址",
                    "message_en": "address: the locked network address",
                }
            ],
        )
    operations.unlock_address(admin, address)
    commit()
    return {"address": address, "locked": False}


@bp.post("/account/password")
def change_password():
    """One's own password; every session and token of the account ends, this one too (log in again)."""
    user = api_user()
    body = json_body()
    operations.change_password(user, user, _text(body, "new_password"), _text(body, "current_password"))
    commit()
    return {"username": user.username, "sessions_ended": True}


@bp.get("/security-log")
def security_log():
    user = api_user()
    if user.role not in ("admin", "auditor"):
        raise Forbidden("只有管理员和审计员可以查看安全日志", "only admins and auditors read the security log")
    return {"items": [e.as_dict() for e in security.entries()], "intact": not operations.verify_security_log()}


@bp.post("/holidays")
def load_holidays():
    """{"text": "<the holiday file>"}: the same operation as the admin page and `flask holidays load`."""
    admin = _admin()
    loaded = operations.load_holidays(admin, _text(json_body(), "text"))
    commit()
    return {"days": loaded.days, "years": loaded.years, "recounted": loaded.recounted, "changed": loaded.changed}
