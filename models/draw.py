"""Spot-check draws (双随机、一公开): the seed, the ratios and what they selected, recomputable."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.authority import Authority
from models.base import Model, utcnow


class Draw(Model):
    __tablename__ = "draws"
    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authorities.id"), index=True)
    seed: Mapped[str] = mapped_column(String(64))
    ratios: Mapped[dict] = mapped_column(default=dict)
    candidates: Mapped[list] = mapped_column(default=list)  # [[application id, category], …] in draw order
    pool: Mapped[list] = mapped_column(default=list)  # inspector usernames, sorted
    selected: Mapped[list] = mapped_column(default=list)
    closed: Mapped[list] = mapped_column(default=list)
    inspectors: Mapped[dict] = mapped_column(default=dict)  # application id -> inspector username
    drawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    drawn_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    authority: Mapped[Authority] = relationship(lazy="joined")
