"""The admin-loaded holiday table for years the calendar package does not know."""

from datetime import date, datetime

from sqlalchemy import Date, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Model, utcnow


class Holiday(Model):
    __tablename__ = "holidays"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_working_day: Mapped[bool]  # True: a make-up working weekend day (调休上班)
    name: Mapped[str] = mapped_column(String(64))


class HolidayYear(Model):
    __tablename__ = "holiday_years"
    year: Mapped[int] = mapped_column(primary_key=True)
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
