"""An application moving through a procedure, and the files attached to it."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from models.audit import GENESIS
from models.authority import Authority
from models.base import Model, local_iso, utcnow
from models.user import User


class Application(Model):
    __tablename__ = "applications"
    __table_args__ = (
        CheckConstraint("version >= 1", name="version_positive"),
        Index("ix_applications_queue", "authority_id", "is_open", "deadline_due"),
        # the staff inbox (workflows/inbox.py): open, submitted applications of one authority in deadline order.
        # Partial, so that closed applications (most of the table, in time) never enter it: the first page and
        # the capped total read the same few entries at 10,000 applications as at 1,000,000.
        Index(
            "ix_applications_inbox",
            "authority_id",
            "deadline_due",
            "id",
            postgresql_where=text("is_open AND state <> 'draft'"),
            sqlite_where=text("is_open AND state <> 'draft'"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(32), unique=True)
    procedure: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(default=1)
    is_open: Mapped[bool] = mapped_column(default=True)  # not in a final state
    fields: Mapped[dict] = mapped_column(default=dict)
    # fields["credit_code"] again, kept by _keep_credit_code: eligibility looks up an enterprise's
    # registered premises by it, which a JSON field could not do through an index on both databases
    credit_code: Mapped[str | None] = mapped_column(String(32), index=True)
    route: Mapped[str | None] = mapped_column(String(32))
    outcome: Mapped[dict] = mapped_column(default=dict)  # what events decided: reasons, redirect target…
    correction_items: Mapped[list] = mapped_column(default=list)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    authority_id: Mapped[int | None] = mapped_column(ForeignKey("authorities.id"))
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    deadline_due: Mapped[date | None] = mapped_column(Date)
    deadline_provisional: Mapped[bool] = mapped_column(default=False)
    deadline_basis: Mapped[dict | None] = mapped_column()
    extensions: Mapped[int] = mapped_column(default=0)
    submitted_on: Mapped[date | None] = mapped_column(Date)
    decided_on: Mapped[date | None] = mapped_column(Date)
    period_first_day: Mapped[date | None] = mapped_column(Date)  # a period in years a decision set (DOMAIN §0)
    period_last_day: Mapped[date | None] = mapped_column(Date, index=True)
    is_late: Mapped[bool] = mapped_column(default=False)  # filed after the date it was due
    inspector_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # the inspector a draw assigned
    draw_id: Mapped[int | None] = mapped_column(ForeignKey("draws.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    # the head of the audit hash chain (the last entry's seq and hash), so that an event chains its entry
    # without reading audit_entries back; the version check on this row serialises the writers
    audit_seq: Mapped[int] = mapped_column(default=0, server_default="0")
    audit_head: Mapped[str] = mapped_column(String(64), default=GENESIS, server_default=GENESIS)

    # Neither is joined when a row is loaded: an event reads the authority only for a document or a
    # cross-authority step and never the applicant, a page that shows them loads them then (an authority
    # once per session: the identity map keeps it), so that loading a row is one table, not five.
    applicant: Mapped[User] = relationship(foreign_keys=[applicant_id])
    inspector: Mapped[User | None] = relationship(foreign_keys=[inspector_id])
    authority: Mapped[Authority | None] = relationship()
    attachments: Mapped[list["Attachment"]] = relationship(
        back_populates="application", order_by="Attachment.id", cascade="all, delete-orphan"
    )

    # the engine moves the version itself (only events do), and every UPDATE checks the old one
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    @validates("fields")
    def _keep_credit_code(self, _key, fields):
        self.credit_code = (fields or {}).get("credit_code") or None
        return fields


class Attachment(Model):
    __tablename__ = "attachments"
    __table_args__ = (CheckConstraint("size > 0", name="size_positive"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    kind: Mapped[str] = mapped_column(String(48))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    storage_path: Mapped[str] = mapped_column(String(255))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    application: Mapped[Application] = relationship(back_populates="attachments")

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "kind": self.kind,
            "filename": self.filename,
            "size": self.size,
            "sha256": self.sha256,
            "content_type": self.content_type,
            "uploaded_at": local_iso(self.uploaded_at),
        }
