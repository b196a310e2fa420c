"""Department opinions (会签) requested for an application, one per department, each with its deadline."""

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.authority import Authority
from models.base import Model, local_iso, utcnow


class Opinion(Model):
    __tablename__ = "opinions"
    __table_args__ = (UniqueConstraint("application_id", "department"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    department: Mapped[str] = mapped_column(String(32))  # authority kind
    authority_id: Mapped[int] = mapped_column(ForeignKey("authorities.id"), index=True)
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    due: Mapped[date | None] = mapped_column(Date)
    due_provisional: Mapped[bool] = mapped_column(default=False)
    agree: Mapped[bool | None]
    text: Mapped[str | None] = mapped_column(Text)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    given_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    authority: Mapped[Authority] = relationship(lazy="joined")

    def as_dict(self) -> dict:
        return {
            "department": self.department,
            "authority": self.authority.name if self.authority else None,
            "due": self.due.isoformat() if self.due else None,
            "provisional": self.due_provisional,
            "agree": self.agree,
            "opinion": self.text,
            "given_at": local_iso(self.given_at),
        }


class ApplicationParty(Model):
    """An authority that takes part in deciding an application (and so may see it)."""

    __tablename__ = "application_parties"
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authorities.id"), primary_key=True, index=True)
