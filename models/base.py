"""The SQLAlchemy handle with a naming convention, and small column helpers."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import JSON, MetaData
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
