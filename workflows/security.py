"""The security log and per-address lockout: what admins do to accounts and settings, and what the
login guard does on its own, each one hash-chained entry (三权分立: admins act, auditors read, neither
fires business events; the log is how an auditor checks the admins).

`record` joins the caller's transaction: the action and its entry commit together or not at all.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask import current_app, has_request_context, request
from sqlalchemy import delete, select, text

from models import AddressLock, ApiToken, SecurityEvent, User, db
from models.audit import GENESIS
from workflows.errors import Locked, NotFound

LOCK_KEY = 0x5EC106     # PostgreSQL advisory lock: one writer at a time at the head of the chain


def now() -> datetime:
    return datetime.now(timezone.utc)



def _aware(at: datetime | None) -> datetime | None:
    return at.replace(tzinfo=timezone.utc) if at is not None and at.tzinfo is None else at


def client_address() -> str:
    """The caller's address: the peer's, or behind nginx (BIANMIN_PROXY_COUNT=1) the one nginx forwards."""
    return (request.remote_addr or "")[:64] if has_request_context() else ""


def record(action: str, actor: User | None = None, target: str = "", data: dict | None = None) -> SecurityEvent:
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEY})
    head = db.session.execute(select(SecurityEvent).order_by(SecurityEvent.seq.desc()).limit(1)).scalar()
    entry = SecurityEvent(seq=(head.seq + 1) if head else 1, at=now(),
                          actor_id=actor.id if actor else None, actor=actor.username if actor else "system",
                          action=action, target=target[:128], address=client_address(), data=data or {},
                          prev_hash=head.hash if head else GENESIS)
    entry.hash = entry.compute_hash()
    db.session.add(entry)
    db.session.flush()
    return entry


def verify_chain() -> list[str]:
    """Each problem with the security log, first break first (empty when intact)."""
    problems, prev, expected_seq = [], GENESIS, 1
    for entry in db.session.execute(select(SecurityEvent).order_by(SecurityEvent.seq)).scalars():
        if entry.seq != expected_seq:
            problems.append(f"security log: entry {expected_seq} is missing (next is {entry.seq}) / 安全日志缺少第{expected_seq}条")
        if entry.prev_hash != prev:
            problems.append(f"security log entry {entry.seq}: prev_hash does not match / 安全日志第{entry.seq}条前序哈希不符")
        if entry.compute_hash() != entry.hash:
            problems.append(f"security log entry {entry.seq} ({entry.action}): content altered / 安全日志第{entry.seq}条内容被改动")
        prev, expected_seq = entry.hash, entry.seq + 1
        if problems:
            break
    return problems


# ---- per-address lockout ------------------------------------------------------------------------

def _lockable_address() -> str:
    """The caller's address, or "" when it is never locked (unknown, or in LOCKOUT_ADDRESS_EXEMPT)."""
    address = client_address()
    exempt = {a.strip() for a in str(current_app.config["LOCKOUT_ADDRESS_EXEMPT"]).split(",")}
    return "" if address in exempt else address


def check_address() -> None:
    """Refuse a login attempt from a locked address (423), before the password is even looked at."""
    address = _lockable_address()
    if not address:
        return
    lock = db.session.get(AddressLock, address)
    until = _aware(lock.locked_until) if lock else None
    if until and until > now():
        minutes = int((until - now()).total_seconds() // 60) + 1
        raise Locked(f"该网络地址登录失败次数过多，已暂停登录，请{minutes}分钟后再试或联系管理员",
                     f"too many failed logins from this address: try again in {minutes} minutes or ask an admin")


def address_failed() -> None:
    """Count a failed login from this address; lock it past the limit within the window (the caller commits)."""
    address = _lockable_address()
    if not address:
        return
    minutes = current_app.config["LOCKOUT_MINUTES"]
    lock = db.session.get(AddressLock, address)
    at = now()
    if lock is None:
        lock = AddressLock(address=address, failures=0, window_start=at)
        db.session.add(lock)
    if _aware(lock.window_start) + timedelta(minutes=minutes) < at:
        lock.failures, lock.window_start = 0, at
    lock.failures += 1
    if lock.failures >= current_app.config["LOCKOUT_ADDRESS_FAILURES"]:
        lock.locked_until, lock.failures, lock.window_start = at + timedelta(minutes=minutes), 0, at
        record("address_locked", None, address, {"minutes": minutes})


def locked_addresses() -> list[AddressLock]:
    return list(db.session.execute(select(AddressLock).where(AddressLock.locked_until > now())
                                   .order_by(AddressLock.locked_until.desc())).scalars())


# ---- admin actions ------------------------------------------------------------------------------

def unlock_user(admin: User, user: User) -> None:
    user.failed_logins, user.locked_until = 0, None
    record("account_unlocked", admin, user.username)


def revoke_tokens(admin: User, user: User) -> int:
    """Every API token of `user` stops working now (a lost laptop, a leaver)."""
    gone = db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id)).rowcount
    record("tokens_revoked", admin, user.username, {"tokens": gone})
    return gone


def unlock_address(admin: User, address: str) -> None:
    lock = db.session.get(AddressLock, address[:64]) if address else None
    if lock is None or not (_aware(lock.locked_until) and _aware(lock.locked_until) > now()):
        raise NotFound("该地址未被锁定", "this address is not locked")
    lock.locked_until, lock.failures = None, 0
    record("address_unlocked", admin, address)


def entries(limit: int = 200) -> list[SecurityEvent]:
    return list(db.session.execute(select(SecurityEvent).order_by(SecurityEvent.seq.desc()).limit(limit)).scalars())
