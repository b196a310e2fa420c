"""Account operations: logging in and out, creating users, locking and unlocking, revoking access, changing
a password. Each writes its security-log entry inside; the caller commits (log_in commits the counting
itself: a failure must stay counted although the caller then answers with an error)."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import case, delete, or_, select, update
from werkzeug.security import check_password_hash

import models.user as user_model
from models import AddressLock, ApiToken, User, db
from models.base import rowcount
from workflows import accounts, security
from workflows.errors import Invalid, Locked, NotFound, Unauthenticated

log = logging.getLogger(__name__)
FOREVER = timedelta(days=365 * 100)  # an admin's lock lasts until an admin unlocks
_dummy: dict = {}


def _dummy_hash() -> str:
    """A hash made the way real users' are (models.user), to check an unknown user's password against, so
    that "no such user" takes as long as "wrong password" (no user names told by timing)."""
    make = user_model.generate_password_hash
    if make not in _dummy:
        _dummy.clear()
        _dummy[make] = make(secrets.token_urlsafe(16))
    return _dummy[make]


def _locked(minutes: int | None = None) -> Locked:
    minutes = minutes or current_app.config["LOCKOUT_MINUTES"]
    return Locked(
        f"连续登录失败次数过多，账户已锁定，请{minutes}分钟后再试或联系管理员",
        f"too many failed logins: the account is locked; try again in {minutes} minutes or ask an admin",
    )


def _minutes_left(user: User) -> int:
    until = security.aware(user.locked_until)
    assert until is not None  # asked only of a locked account
    return int((until - security.now()).total_seconds() // 60) + 1


def _not_locked(now):
    return or_(User.locked_until.is_(None), User.locked_until <= now)


def log_in(username, password) -> User:
    """The user for these credentials. Five failures in a row lock the account [cfg LOCKOUT_FAILURES].

    The count and the decision are one statement: each attempt first takes a try with an atomic
    UPDATE … RETURNING (committed at once, so parallel attempts queue on the row for milliseconds, not for
    the password check); the try that reaches the limit locks the account in that same statement before
    its password is checked, so no attempt that starts later is checked at all (423), and the lock is
    lifted again only if that last try was right. A failure is counted even if the process dies mid-way."""
    if not isinstance(username, str) or not isinstance(password, str) or not username or not password:
        raise Invalid(
            "请填写用户名和密码",
            "username and password are required",
            [
                {
                    "field": "username",
                    "rule": "required",
                    "message": "用户名和密码必填",
                    "message_en": "username and password are required",
                }
            ],
        )
    wrong = Unauthenticated("用户名或密码错误", "wrong username or password", code="invalid_credentials")
    if "\x00" in username:  # no user has one, and PostgreSQL cannot compare it
        raise wrong
    security.check_address()
    cfg, now = current_app.config, security.now()
    user = db.session.execute(select(User).where(User.username == username)).scalar()
    if user is not None and security.still_ahead(user.locked_until):
        raise _locked(_minutes_left(user))
    until = now + timedelta(minutes=cfg["LOCKOUT_MINUTES"])
    last = User.failed_logins + 1 >= cfg["LOCKOUT_FAILURES"]
    # for an unknown name the same statement runs on no row, and a dummy hash is checked below: both paths
    # cost the same round trips and the same hashing, so the answer's timing tells no user names
    taken = db.session.execute(
        update(User)
        .where(User.id == (user.id if user is not None else -1), _not_locked(now))
        .values(
            failed_logins=case((last, 0), else_=User.failed_logins + 1), locked_until=case((last, until), else_=None)
        )
        .returning(User.locked_until)
        .execution_options(synchronize_session=False)
    ).first()
    db.session.commit()
    if user is None:
        check_password_hash(_dummy_hash(), password)
        security.address_failed()
        db.session.commit()
        raise wrong
    if taken is None:  # another attempt locked it a moment ago
        raise _locked()
    is_last = taken.locked_until is not None
    if user.check_password(password):
        # lift our own provisional lock, or clear the count if no last try has locked the account meanwhile
        guard = (User.locked_until == taken.locked_until) if is_last else _not_locked(security.now())
        ok = db.session.execute(
            update(User)
            .where(User.id == user.id, guard)
            .values(failed_logins=0, locked_until=None)
            .returning(User.id)
            .execution_options(synchronize_session=False)
        ).first()
        if ok is None:
            db.session.commit()
            raise _locked()
        db.session.refresh(user)
        return user
    if is_last:  # the lock stands: every session and token of the account ends with it
        _end_sessions(user)
        security.record("account_locked", None, user.username, {"minutes": cfg["LOCKOUT_MINUTES"]})
    security.address_failed()
    db.session.commit()
    raise wrong


def _end_sessions(user: User) -> int:
    """Every web session (its epoch moves on) and API token of `user` ends now; returns the tokens removed."""
    db.session.execute(
        update(User)
        .where(User.id == user.id)
        .values(session_epoch=User.session_epoch + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(user, ["session_epoch"])
    return rowcount(db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id)))


def log_out(user: User) -> None:
    """Logging out ends every session and token of the user at once (DOMAIN §0, Sessions)."""
    tokens = _end_sessions(user)
    security.record("logged_out", user, user.username, {"tokens": tokens})


def revoke_token(user: User, token: str) -> None:
    """The API's log-out of one bearer token (DELETE /api/v1/tokens/current): that token stops working now."""
    accounts.revoke_token(token)
    security.record("token_revoked", user, user.username)


def create_user(
    actor: User | None,
    username: str,
    password: str,
    role: str,
    authority: str | None = None,
    display_name: str = "",
    email: str | None = None,
    registering: bool = False,
) -> User:
    """A new user (workflows/accounts.py checks every value). `actor` None is the command line ("system");
    an applicant `registering` is their own actor."""
    user = accounts.create_user(username, password, role, authority, display_name, email)
    security.record(
        "user_created",
        user if registering else actor,
        user.username,
        {"role": user.role, "authority": user.authority.key if user.authority else None},
    )
    return user


def lock_account(actor: User, user: User) -> None:
    """An admin locks an account until an admin unlocks it; its sessions and tokens end at once."""
    user.locked_until, user.failed_logins = security.now() + FOREVER, 0
    tokens = _end_sessions(user)
    security.record("account_locked", actor, user.username, {"tokens": tokens})


def unlock_account(actor: User, user: User) -> None:
    user.failed_logins, user.locked_until = 0, None
    security.record("account_unlocked", actor, user.username)


def revoke_tokens(actor: User, user: User) -> int:
    """Every API token and web session of `user` stops working now (a lost laptop, a leaver)."""
    gone = _end_sessions(user)
    security.record("tokens_revoked", actor, user.username, {"tokens": gone})
    return gone


def unlock_address(actor: User, address: str) -> None:
    lock = db.session.get(AddressLock, address[:64]) if isinstance(address, str) and address else None
    if lock is None or not security.still_ahead(lock.locked_until):
        raise NotFound("该地址未被锁定", "this address is not locked")
    lock.locked_until, lock.failures = None, 0
    security.record("address_unlocked", actor, address)


def change_password(actor: User | None, user: User, new_password: str, current_password: str | None = None) -> None:
    """A new password (the policy of workflows/accounts.py); every session and token of the user ends.

    A user changing their own password gives the current one; the command line (`actor` None) resets it."""
    if (
        actor is not None
        and actor.id == user.id
        and not (isinstance(current_password, str) and current_password and user.check_password(current_password))
    ):
        raise Invalid(
            "当前密码不正确",
            "the current password is wrong",
            [
                {
                    "field": "current_password",
                    "rule": "matches",
                    "message": "当前密码：不正确",
                    "message_en": "current password: wrong",
                }
            ],
        )
    problems = accounts.password_problems(user.username, new_password)
    if problems:
        raise Invalid(
            "新密码不符合要求",
            "the new password does not meet the policy",
            [{**p, "field": "new_password"} for p in problems],
        )
    user.set_password(new_password)
    tokens = _end_sessions(user)
    by_self = actor is not None and actor.id == user.id
    security.record("password_changed", actor, user.username, {"tokens": tokens, "by_self": by_self})


def user_named(username) -> User:
    """The user of this name, or NotFound (the API and the command line name users; the pages use ids)."""
    found = (
        db.session.execute(select(User).where(User.username == username)).scalar()
        if isinstance(username, str) and 0 < len(username) <= 64 and "\x00" not in username
        else None
    )
    if found is None:
        raise NotFound("没有这个用户", "no such user")
    return found
