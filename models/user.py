"""People: users with one role (and an authority for staff), and their API bearer tokens."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from models.authority import Authority
from models.base import Model, utcnow

ROLES = ("applicant", "clerk", "approver", "reviewer", "inspector", "admin", "auditor")
STAFF_ROLES = ("clerk", "approver", "reviewer", "inspector")


class User(UserMixin, Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "role IN ('applicant','clerk','approver','reviewer','inspector','admin','auditor')", name="role_known"
        ),
        CheckConstraint(
            "(role IN ('applicant','admin','auditor')) = (authority_id IS NULL)", name="staff_have_authority"
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))
    display_name: Mapped[str] = mapped_column(String(128), default="")
    email: Mapped[str | None] = mapped_column(String(255))  # notifications are also mailed here when set
    authority_id: Mapped[int | None] = mapped_column(ForeignKey("authorities.id"))
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # moved on by logout, lock, password change and revocation: a web session made under an earlier value is
    # over (DOMAIN §0, Sessions); checked where each request loads its user anyway, so it costs nothing more
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    authority: Mapped[Authority | None] = relationship(lazy="joined")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def label(self) -> str:
        return self.display_name or self.username


class ApiToken(Model):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")
