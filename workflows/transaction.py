"""One commit per request: conflicts found at commit time become 409, anything else rolls back."""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from models import db
from workflows.errors import Conflict


def commit() -> None:
    try:
        db.session.commit()
    except (StaleDataError, IntegrityError) as exc:
        db.session.rollback()
        raise Conflict("数据已被同时修改，请刷新后重试", "changed at the same time; reload and retry",
                       code="conflict") from exc
    except OperationalError as exc:
        db.session.rollback()
        if "locked" in str(exc).lower() or "serializ" in str(exc).lower() or "deadlock" in str(exc).lower():
            raise Conflict("数据正被同时修改，请稍后重试", "busy with a concurrent change; retry", code="conflict") from exc
        raise
