"""Files on disk (uploads, issued PDFs): written under a temporary name, renamed only after commit."""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
from pathlib import Path

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
PENDING = "bianmin_pending_files"


class StoredFileProblem(Exception):
    """A stored file is missing or its bytes no longer match the recorded sha256."""


def root() -> Path:
    path = Path(current_app.config["STORAGE_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def write_on_commit(session: Session, relpath: str, data: bytes) -> None:
    """Write `data` now under a temporary name; it appears at `relpath` only if the transaction commits."""
    final = root() / relpath
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.with_name(f".{final.name}.{secrets.token_hex(6)}.part")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    session.info.setdefault(PENDING, []).append((tmp, final))


@event.listens_for(Session, "after_commit")
def _publish(session: Session) -> None:
    for tmp, final in session.info.pop(PENDING, []):
        os.replace(tmp, final)


@event.listens_for(Session, "after_rollback")
def _discard(session: Session) -> None:
    for tmp, _final in session.info.pop(PENDING, []):
        try:
            tmp.unlink()
        except FileNotFoundError:
            pass


def read_checked(relpath: str, sha256: str) -> bytes:
    """The stored bytes, after checking they are still the ones recorded."""
    path = root() / relpath
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise StoredFileProblem(f"missing file {relpath}") from None
    if hashlib.sha256(data).hexdigest() != sha256:
        raise StoredFileProblem(f"file {relpath} was altered (sha256 mismatch)")
    return data


def orphans() -> list[Path]:
    """Temporary files left by a crash between writing and committing."""
    return sorted(p for p in root().rglob(".*.part"))
