"""The one verifier of the hash chains (models/chain.py): every application's audit trail and the security
log, walked the same way (`flask audit verify`, the security page, the API, a restore)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import select

from models import Application, AuditEntry, SecurityEvent, db
from models.chain import GENESIS


def walk(entries: Iterable, chain_of: Callable, name: Callable[[Any, str], str]) -> tuple[list[str], dict]:
    """Check entries given in chain order: each follows the previous seq, names its hash, and hashes to
    what it records. Returns the problems and each chain's (last hash, last seq)."""
    problems: list[str] = []
    heads: dict[object, tuple[str, int]] = {}
    for entry in entries:
        chain = chain_of(entry)
        want_prev, want_seq = heads.get(chain, (GENESIS, 0))
        if entry.seq != want_seq + 1:
            problems.append(name(entry, "missing"))
        if entry.prev_hash != want_prev:
            problems.append(name(entry, "unchained"))
        if entry.compute_hash() != entry.hash:
            problems.append(name(entry, "altered"))
        heads[chain] = (entry.hash, entry.seq)
    return problems, heads


def _application_problem(entry: AuditEntry, kind: str) -> str:
    a, s = entry.application_id, entry.seq
    return {
        "missing": f"application {a}: entry {s} does not follow the previous one (missing entry) / 申请{a}第{s}条之前缺少记录",
        "unchained": f"application {a}: entry {s} does not chain to the previous one / 申请{a}第{s}条前序哈希不符",
        "altered": f"application {a}: entry {s} was altered (hash mismatch) / 申请{a}第{s}条内容被改动",
    }[kind]


def _security_problem(entry: SecurityEvent, kind: str) -> str:
    s = entry.seq
    return {
        "missing": f"security log: entry {s} does not follow the previous one (entry {s - 1} is missing) / "
        f"安全日志第{s}条之前缺少记录",
        "unchained": f"security log entry {s}: prev_hash does not match / 安全日志第{s}条前序哈希不符",
        "altered": f"security log entry {s} ({entry.action}): content altered / 安全日志第{s}条内容被改动",
    }[kind]


def verify_application_chains() -> list[str]:
    rows = db.session.execute(select(AuditEntry).order_by(AuditEntry.application_id, AuditEntry.seq)).scalars()
    problems, heads = walk(rows, lambda e: e.application_id, _application_problem)
    # the head each application keeps names its last entry: deleting the last entries is caught too
    for app_id, seq, head in db.session.execute(select(Application.id, Application.audit_seq, Application.audit_head)):
        if heads.get(app_id, (GENESIS, 0)) != (head, seq):
            problems.append(
                f"application {app_id}: the chain ends at entry {heads.get(app_id, (GENESIS, 0))[1]}, "
                f"but the application records entry {seq} as its last (entries removed) / "
                f"申请{app_id}的审计记录被删除"
            )
    return problems


def verify_security_log() -> list[str]:
    rows = db.session.execute(select(SecurityEvent).order_by(SecurityEvent.seq)).scalars()
    return walk(rows, lambda e: None, _security_problem)[0]


def verify_chains() -> list[str]:
    """Every problem of every chain (empty when all are intact): the applications' and the admins' own log
    (三权分立: the auditor checks what admins did)."""
    return verify_application_chains() + verify_security_log()
