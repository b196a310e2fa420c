"""Issued documents (immutable bytes + a changeable status) and their gap-free counters."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, String, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Model, utcnow

STATUSES = ("valid", "revoked", "expired", "superseded", "cancelled")  # cancelled: its holder closed what it certified


class Document(Model):
    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("authority_id", "kind", "year", "seq", name="uq_documents_sequence"),
        CheckConstraint("status IN ('valid','revoked','expired','superseded','cancelled')", name="status_known"),
        # the few documents whose file is still being rendered (bulk actions): the worker's and the sweeper's list
        Index("ix_documents_pending", "id", postgresql_where=text("pending"), sqlite_where=text("pending")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authorities.id"))
    kind: Mapped[str] = mapped_column(String(32))
    year: Mapped[int]
    seq: Mapped[int]
    number: Mapped[str] = mapped_column(String(64), unique=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    issue_date: Mapped[date] = mapped_column(Date)
    holder_name: Mapped[str] = mapped_column(String(128))
    holder_code: Mapped[str] = mapped_column(String(32))
    facts: Mapped[dict] = mapped_column(default=dict)
    snapshot: Mapped[dict] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default="valid")
    status_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status_reason: Mapped[str] = mapped_column(String(255), default="")
    storage_path: Mapped[str] = mapped_column(String(255))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    # True from the issuing transaction (number, snapshot, row) until the worker has rendered, signed and stored the
    # file (workflows/documents.render_pending): size 0 and sha256 "" meanwhile; downloads answer "being issued"
    pending: Mapped[bool] = mapped_column(default=False, server_default=false())


class DocumentCounter(Model):
    __tablename__ = "document_counters"
    authority_id: Mapped[int] = mapped_column(ForeignKey("authorities.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_value: Mapped[int] = mapped_column(default=0)
