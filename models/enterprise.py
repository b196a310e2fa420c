"""Market entities (one per credit code) and the accounts that act for them, own or as an agent."""

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Model, utcnow
from models.user import User


class Enterprise(Model):
    """What the decisions about a market entity say of it: its name, registered domicile and scope."""

    __tablename__ = "enterprises"
    __table_args__ = (CheckConstraint("length(credit_code) = 18", name="credit_code_length"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    domicile_address: Mapped[str | None] = mapped_column(String(400))
    domicile_division: Mapped[str | None] = mapped_column(String(6))
    registered_scope: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class EnterpriseAccount(Model):
    """An applicant account acting for an enterprise: as the enterprise itself (own), or as its agent, which
    counts only once a power of attorney is on file (the file kept here, as an attachment is)."""

    __tablename__ = "enterprise_accounts"
    __table_args__ = (
        UniqueConstraint("user_id", "enterprise_id", name="uq_enterprise_accounts_user_enterprise"),
        CheckConstraint("capacity IN ('own','agent')", name="capacity_known"),
        CheckConstraint("(attorney_sha256 IS NULL) = (attorney_path IS NULL)", name="attorney_file_whole"),
        # one account is the enterprise itself; any other acts as its agent (also when two first applications race)
        Index(
            "uq_enterprise_accounts_own",
            "enterprise_id",
            unique=True,
            postgresql_where=text("capacity = 'own'"),
            sqlite_where=text("capacity = 'own'"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    capacity: Mapped[str] = mapped_column(String(8))
    attorney_filename: Mapped[str | None] = mapped_column(String(255))
    attorney_content_type: Mapped[str | None] = mapped_column(String(64))
    attorney_size: Mapped[int | None]
    attorney_sha256: Mapped[str | None] = mapped_column(String(64))
    attorney_path: Mapped[str | None] = mapped_column(String(255))
    attorney_uploaded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    enterprise: Mapped[Enterprise] = relationship(lazy="joined")
    user: Mapped[User] = relationship()

    @property
    def is_acting(self) -> bool:
        """Own accounts act at once; an agent once its power of attorney is on file."""
        return self.capacity == "own" or self.attorney_path is not None
