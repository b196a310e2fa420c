"""The security log (admin and account actions, hash-chained like the applications' audit) and
per-address login lockouts."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Model, local_iso
from models.chain import CURRENT, Chained

HASHED_V1 = ("seq", "at", "actor", "action", "target", "address", "data", "prev_hash")


class SecurityEvent(Chained, Model):
    """One admin or account action: who, what, on what, from where. One chain for the whole system: each
    row carries the previous row's hash, so an edit or a deletion behind the app's back is found by
    `flask audit verify`."""

    __tablename__ = "security_events"
    HASHED = {1: HASHED_V1, 2: (*HASHED_V1, "actor_id", "hash_version")}  # models/chain.py
    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(unique=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32), index=True)
    target: Mapped[str] = mapped_column(String(128), default="")
    address: Mapped[str] = mapped_column(String(64), default="")
    data: Mapped[dict] = mapped_column(default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    hash_version: Mapped[int] = mapped_column(default=CURRENT, server_default="1")

    def as_dict(self) -> dict:
        return {
            "seq": self.seq,
            "at": local_iso(self.at),
            "actor": self.actor,
            "action": self.action,
            "target": self.target,
            "address": self.address,
            "data": self.data,
            "hash": self.hash,
        }


class AddressLock(Model):
    """Failed logins from one network address within a window; past the limit the address is locked,
    whatever account it tries (password spraying), until the time runs out or an admin unlocks it."""

    __tablename__ = "address_locks"
    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    window_start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
