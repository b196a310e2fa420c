"""Service evaluations (政务服务“好差评”): one 1–5 rating per decided application, by its applicant."""

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Model, local_iso, utcnow

COMMENT_MAX = 500


class Evaluation(Model):
    __tablename__ = "evaluations"
    __table_args__ = (
        CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),
        CheckConstraint(f"length(comment) <= {COMMENT_MAX}", name="comment_length"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    score: Mapped[int]
    comment: Mapped[str] = mapped_column(String(COMMENT_MAX), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "application_id": self.application_id,
            "score": self.score,
            "comment": self.comment,
            "created_at": local_iso(self.created_at),
        }
