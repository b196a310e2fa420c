"""Harbin's county-level divisions and the authorities (division, kind) inside them."""

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Model
from vocabulary import authority_name_en


class Division(Model):
    __tablename__ = "divisions"
    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name: Mapped[str] = mapped_column(String(32))
    short: Mapped[str] = mapped_column(String(8))  # the abbreviation in document numbers: 哈道
    level: Mapped[str] = mapped_column(String(8))  # city | county


class Authority(Model):
    __tablename__ = "authorities"
    __table_args__ = (UniqueConstraint("division_code", "kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    division_code: Mapped[str] = mapped_column(ForeignKey("divisions.code"))
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(64))
    settings: Mapped[dict] = mapped_column(default=dict)

    division: Mapped[Division] = relationship(lazy="joined")

    @property
    def name_en(self) -> str:
        return authority_name_en(self.division_code, self.kind)

    @property
    def key(self) -> str:
        return f"{self.division_code}:{self.kind}"

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "division": self.division_code,
            "kind": self.kind,
            "name": self.name,
            "name_en": self.name_en,
            "key": self.key,
        }
