"""The append-only, hash-chained audit trail of every event on an application."""
import hashlib
import json
from datetime import datetime, timezone

from sqlalchemy import DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import db, local_iso

GENESIS = "0" * 64


def utc_text(at: datetime) -> str:
    """The same text for a time whether the database gave it back with or without its zone (SQLite)."""
    at = at.replace(tzinfo=timezone.utc) if at.tzinfo is None else at.astimezone(timezone.utc)
    return at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


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

    def payload(self) -> dict:
        """The fields the hash covers, in a canonical form."""
        return {"application_id": self.application_id, "seq": self.seq, "event": self.event,
                "from_state": self.from_state, "to_state": self.to_state, "actor": self.actor,
                "role": self.role, "authority": self.authority, "at": utc_text(self.at),
                "comment": self.comment, "data": self.data, "prev_hash": self.prev_hash}

    def row(self) -> dict:
        """The column values, for a Core INSERT (workflows.engine._record)."""
        return {column.key: getattr(self, column.key) for column in COLUMNS}

    def compute_hash(self) -> str:
        blob = json.dumps(self.payload(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()

    def as_dict(self) -> dict:
        return {"seq": self.seq, "event": self.event, "from_state": self.from_state,
                "to_state": self.to_state, "actor": self.actor, "role": self.role,
                "authority": self.authority, "at": local_iso(self.at), "comment": self.comment,
                "data": self.data, "hash": self.hash}



COLUMNS = [column for column in AuditEntry.__table__.columns if column.key != "id"]
