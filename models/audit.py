"""The append-only, hash-chained audit trail of every event on an application."""
import hashlib
import json
from collections.abc import Mapping
from datetime import datetime, timezone

from sqlalchemy import DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import db, local_iso

GENESIS = "0" * 64
# the fields an entry's hash covers: all but its id, its actor's id and the hash itself
HASHED = ("application_id", "seq", "event", "from_state", "to_state", "actor", "role", "authority", "at", "comment",
          "data", "prev_hash")


def utc_text(at: datetime) -> str:
    """The same text for a time whether the database gave it back with or without its zone (SQLite)."""
    at = at.replace(tzinfo=timezone.utc) if at.tzinfo is None else at.astimezone(timezone.utc)
    return at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def chain_hash(entry: Mapping) -> str:
    """sha256 of an entry's hashed fields (an AuditEntry's, or the values the engine inserts), in a canonical form."""
    payload = {key: entry[key] for key in HASHED}
    payload["at"] = utc_text(payload["at"])
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (UniqueConstraint("application_id", "seq"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    seq: Mapped[int]
    event: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    authority: Mapped[str | None] = mapped_column(String(48))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    comment: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict] = mapped_column(default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    def compute_hash(self) -> str:
        return chain_hash({key: getattr(self, key) for key in HASHED})

    def as_dict(self) -> dict:
        return {"seq": self.seq, "event": self.event, "from_state": self.from_state,
                "to_state": self.to_state, "actor": self.actor, "role": self.role,
                "authority": self.authority, "at": local_iso(self.at), "comment": self.comment,
                "data": self.data, "hash": self.hash}
