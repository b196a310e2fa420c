"""Probes for load balancers and orchestrators: /healthz (the process is up), /readyz (it can serve)."""

from __future__ import annotations

import logging
import os
import secrets

from flask import Blueprint
from sqlalchemy import text

from infra import storage
from models import db

log = logging.getLogger(__name__)
bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Answers without touching the database or the disk: restart the process only if this fails."""
    return {"status": "ok"}


@bp.get("/readyz")
def readyz():
    """The database answers and the storage directory takes a write: send traffic only when 200. The answer
    names the failed check only; the driver's text (host, port, paths) goes to the log, not to anyone asking."""
    checks = {"database": _check(_database), "storage": _check(_storage)}
    ready = all(c == "ok" for c in checks.values())
    return {"status": "ok" if ready else "unavailable", "checks": checks}, 200 if ready else 503


def _check(probe) -> str:
    try:
        probe()
    except Exception as exc:  # a probe reports what failed; it never fails itself
        log.warning("readiness check %s failed: %s: %s", probe.__name__.strip("_"), type(exc).__name__, exc)
        return "failed"
    return "ok"


def _database() -> None:
    try:
        db.session.execute(text("SELECT 1")).scalar_one()
    finally:
        db.session.rollback()


def _storage() -> None:
    probe = storage.root() / f".readyz-{os.getpid()}-{secrets.token_hex(4)}"
    with open(probe, "wb") as fh:
        fh.write(b"ok")
        fh.flush()
        os.fsync(fh.fileno())
    probe.unlink()
