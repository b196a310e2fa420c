"""Failed public lookups (progress, verification by number) per network address: the rate limit's counter."""

from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Model


class LookupLimit(Model):
    """Wrong pairs (number + credit code) from one address within a window. Kept apart from the login locks
    (AddressLock): guessing application numbers must not lock anybody out of logging in, nor the reverse."""

    __tablename__ = "lookup_limits"
    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    window_start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    blocked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
