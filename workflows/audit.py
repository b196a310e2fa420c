"""Checking the hash chains: every application's audit trail and the security log (flask audit verify)."""
from __future__ import annotations

from sqlalchemy import select

from models import Application, AuditEntry, db
from models.audit import GENESIS
from workflows import security


def verify_chains() -> list[str]:
    problems, prev = [], {}
    rows = db.session.execute(select(AuditEntry).order_by(AuditEntry.application_id, AuditEntry.seq)).scalars()
    for entry in rows:
        want_prev, want_seq = prev.get(entry.application_id, (GENESIS, 0))
        if entry.seq != want_seq + 1:
            problems.append(f"application {entry.application_id}: entry {entry.seq} follows {want_seq} (missing entry)")
        if entry.prev_hash != want_prev:
            problems.append(f"application {entry.application_id}: entry {entry.seq} does not chain to the previous one")
        if entry.compute_hash() != entry.hash:
            problems.append(f"application {entry.application_id}: entry {entry.seq} was altered (hash mismatch)")
        prev[entry.application_id] = (entry.hash, entry.seq)
    # the head each application keeps names its last entry: deleting the last entries is caught too
    for app_id, seq, head in db.session.execute(select(Application.id, Application.audit_seq, Application.audit_head)):
        if prev.get(app_id, (GENESIS, 0)) != (head, seq):
            problems.append(f"application {app_id}: the chain ends at entry {prev.get(app_id, (GENESIS, 0))[1]}, "
                            f"but the application records entry {seq} as its last (entries removed)")
    return problems + security.verify_chain()      # and the admins' own log (三权分立: the auditor checks it)
