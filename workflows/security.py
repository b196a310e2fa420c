"""The security log and per-address lockout: what admins do to accounts and settings, and what the
login guard does on its own, each one hash-chained entry (三权分立: admins act, auditors read, neither
fires business events; the log is how an auditor checks the admins). The changes themselves are the
operations of workflows/operations/, each calling `record` inside; workflows/audit.py verifies the chain.

`record` joins the caller's transaction: the action and its entry commit together or not at all.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import overload

from flask import current_app, has_request_context, request
from sqlalchemy import case, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from models import AddressLock, SecurityEvent, User, db
from models.base import table_of
from models.chain import CURRENT as HASH_VERSION
from models.chain import GENESIS
from workflows.errors import Locked

LOCK_KEY = 0x5EC106  # PostgreSQL advisory lock: one writer at a time at the head of the chain


def now() -> datetime:
    return datetime.now(UTC)


@overload
def aware(at: datetime) -> datetime: ...
@overload
def aware(at: datetime | None) -> datetime | None: ...
def aware(at: datetime | None) -> datetime | None:
    return at.replace(tzinfo=UTC) if at is not None and at.tzinfo is None else at


def still_ahead(at: datetime | None) -> bool:
    """A lock's or a limit's end that has not come yet (None: there is none)."""
    at = aware(at)
    return at is not None and at > now()


def client_address() -> str:
    """The caller's address: the peer's, or behind nginx (BIANMIN_PROXY_COUNT=1) the one nginx forwards."""
    return (request.remote_addr or "")[:64] if has_request_context() else ""


def record(action: str, actor: User | None = None, target: str = "", data: dict | None = None) -> SecurityEvent:
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEY})
    head = db.session.execute(select(SecurityEvent).order_by(SecurityEvent.seq.desc()).limit(1)).scalar()
    entry = SecurityEvent(
        seq=(head.seq + 1) if head else 1,
        at=now(),
        actor_id=actor.id if actor else None,
        actor=actor.username if actor else "system",
        action=action,
        target=target[:128],
        address=client_address(),
        data=data or {},
        prev_hash=head.hash if head else GENESIS,
        hash_version=HASH_VERSION,
    )
    entry.hash = entry.compute_hash()
    db.session.add(entry)
    db.session.flush()
    return entry


# ---- per-address lockout ------------------------------------------------------------------------


def lockable_address() -> str:
    """The caller's address, or "" when it is never locked (unknown, or in LOCKOUT_ADDRESS_EXEMPT)."""
    address = client_address()
    exempt = {a.strip() for a in str(current_app.config["LOCKOUT_ADDRESS_EXEMPT"]).split(",")}
    return "" if address in exempt else address


def check_address() -> None:
    """Refuse a login attempt from a locked address (423), before the password is even looked at."""
    address = lockable_address()
    if not address:
        return
    lock = db.session.get(AddressLock, address)
    until = aware(lock.locked_until) if lock else None
    if until and until > now():
        minutes = int((until - now()).total_seconds() // 60) + 1
        raise Locked(
            f"该网络地址登录失败次数过多，已暂停登录，请{minutes}分钟后再试或联系管理员",
            f"too many failed logins from this address: try again in {minutes} minutes or ask an admin",
        )


def address_failed() -> None:
    """Count a failed login from this address; lock it past the limit within the window (the caller commits).

    One upsert that counts and returns the new count: parallel failures from one address each add one
    (a read-then-write lost some, and two first failures at once collided on the new row's key)."""
    address = lockable_address()
    if not address:
        return
    minutes, limit = current_app.config["LOCKOUT_MINUTES"], current_app.config["LOCKOUT_ADDRESS_FAILURES"]
    at = now()
    table = table_of(AddressLock)
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    stale = table.c.window_start < at - timedelta(minutes=minutes)
    failures = db.session.execute(
        insert(table)
        .values(address=address, failures=1, window_start=at)
        .on_conflict_do_update(
            index_elements=[table.c.address],
            set_={
                "failures": case((stale, 1), else_=table.c.failures + 1),
                "window_start": case((stale, at), else_=table.c.window_start),
            },
        )
        .returning(table.c.failures)
    ).scalar_one()
    if failures == limit:  # exactly one of the parallel failures reaches the limit: one lock, one entry
        db.session.execute(
            update(table)
            .where(table.c.address == address)
            .values(locked_until=at + timedelta(minutes=minutes), failures=0, window_start=at)
        )
        record("address_locked", None, address, {"minutes": minutes})


def locked_addresses() -> list[AddressLock]:
    return list(
        db.session.execute(
            select(AddressLock).where(AddressLock.locked_until > now()).order_by(AddressLock.locked_until.desc())
        ).scalars()
    )


def entries(limit: int = 200) -> list[SecurityEvent]:
    return list(db.session.execute(select(SecurityEvent).order_by(SecurityEvent.seq.desc()).limit(limit)).scalars())
