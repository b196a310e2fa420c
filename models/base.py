"""The SQLAlchemy handle with a naming convention, and small column helpers."""

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast
from zoneinfo import ZoneInfo

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import JSON, CursorResult, MetaData, Table
from sqlalchemy.orm import DeclarativeBase, registry

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    registry = registry(metadata=MetaData(naming_convention=NAMING), type_annotation_map={dict: JSON, list: JSON})


db = SQLAlchemy(model_class=Base)
if TYPE_CHECKING:  # db.Model is built at run time (a subclass of Base that names tables); type checkers see Base
    Model = Base
else:
    Model = db.Model


def table_of(model: Any) -> Table:
    """A model's Core table (its `__table__`, typed as the Table it is)."""
    return cast(Table, model.__table__)


def rowcount(result: Any) -> int:
    """The rows an UPDATE or DELETE touched (the result of executing one is a CursorResult)."""
    return cast(CursorResult, result).rowcount


ID_MAX = 2**31 - 1  # ids are INTEGER columns (PostgreSQL int4): a larger id is simply not found
SHANGHAI = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_iso(at: datetime | None) -> str | None:
    """ISO 8601 with the Asia/Shanghai offset, as the API promises (SQLite hands back naive UTC)."""
    if at is None:
        return None
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at
    return at.astimezone(SHANGHAI).isoformat()
