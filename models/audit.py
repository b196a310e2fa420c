"""The append-only, hash-chained audit trail of every event on an application."""

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Model, local_iso
from models.chain import CURRENT, GENESIS, Chained, utc_text  # noqa: F401  (GENESIS, utc_text re-exported)

# the columns an entry's hash covers, by hash version (models/chain.py): version 1 left out the actor's id
HASHED_V1 = (
    "application_id",
    "seq",
    "event",
    "from_state",
    "to_state",
    "actor",
    "role",
    "authority",
    "at",
    "comment",
    "data",
    "prev_hash",
)
HASHED = {1: HASHED_V1, 2: (*HASHED_V1, "actor_id", "hash_version")}


def chain_hash(entry: Mapping) -> str:
    """The hash of an audit entry given as the values the engine inserts (its hash_version, else the current one)."""
    return AuditEntry.hash_of(entry)


class AuditEntry(Chained, Model):
    HASHED = HASHED
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
    hash_version: Mapped[int] = mapped_column(default=CURRENT, server_default="1")

    def as_dict(self) -> dict:
        return {
            "seq": self.seq,
            "event": self.event,
            "from_state": self.from_state,
            "to_state": self.to_state,
            "actor": self.actor,
            "role": self.role,
            "authority": self.authority,
            "at": local_iso(self.at),
            "comment": self.comment,
            "data": self.data,
            "hash": self.hash,
        }
