"""API: revoking tokens, unlocking accounts and addresses (admins), and the security log (admins, auditors)."""
from __future__ import annotations

from flask import request
from sqlalchemy import select

from models import User, db
from views.api import api_user, bp, json_body
from workflows import accounts, security
from workflows.errors import Forbidden, Invalid, NotFound
from workflows.transaction import commit


@bp.delete("/tokens/current")
def revoke_current_token():
    api_user()           # a valid bearer token (a web session cannot DELETE through the API)
    accounts.revoke_token(request.headers["Authorization"][7:].strip())
    commit()
    return "", 204


def _admin():
    user = api_user()
    if user.role != "admin":
        raise Forbidden("只有管理员可以解锁账户或吊销令牌", "only admins unlock accounts or revoke tokens")
    return user


def _user(username: str) -> User:
    found = db.session.execute(select(User).where(User.username == username)).scalar() \
        if len(username) <= 64 else None
    if found is None:
        raise NotFound("没有这个用户", "no such user")
    return found


@bp.post("/users/<username>/unlock")
def unlock_user(username):
    admin = _admin()
    user = _user(username)
    security.unlock_user(admin, user)
    commit()
    return {"username": user.username, "locked": False}


@bp.delete("/users/<username>/tokens")
def revoke_user_tokens(username):
    admin = _admin()
    user = _user(username)
    gone = security.revoke_tokens(admin, user)
    commit()
    return {"username": user.username, "revoked": gone}


@bp.post("/addresses/unlock")
def unlock_address():
    admin = _admin()
    address = json_body().get("address")
    if not isinstance(address, str) or not address or len(address) > 64:
        raise Invalid("请填写要解锁的网络地址", "address is required", [{
            "field": "address", "rule": "required", "message": "address：须为被锁定的网络地址",
            "message_en": "address: the locked network address"}])
    security.unlock_address(admin, address)
    commit()
    return {"address": address, "locked": False}


@bp.get("/security-log")
def security_log():
    user = api_user()
    if user.role not in ("admin", "auditor"):
        raise Forbidden("只有管理员和审计员可以查看安全日志", "only admins and auditors read the security log")
    return {"items": [e.as_dict() for e in security.entries()], "intact": not security.verify_chain()}
