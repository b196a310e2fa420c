"""One commit per request: conflicts found at commit time become 409, anything else rolls back."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from models import db
from workflows.errors import Conflict


def commit() -> None:
    try:
        db.session.commit()
    except (StaleDataError, IntegrityError) as exc:
        db.session.rollback()
        raise Conflict(
            "数据已被同时修改，请刷新后重试", "changed at the same time; reload and retry", code="conflict"
        ) from exc
    except OperationalError as exc:
        db.session.rollback()
        if "locked" in str(exc).lower() or "serializ" in str(exc).lower() or "deadlock" in str(exc).lower():
            raise Conflict(
                "数据正被同时修改，请稍后重试", "busy with a concurrent change; retry", code="conflict"
            ) from exc
        raise


@contextmanager
def stale_is_conflict():
    """A lost race on an application's version (its UPDATE matched no row) is a 409, wherever the flush happens."""
    try:
        yield
    except StaleDataError:
        db.session.rollback()
        raise Conflict(
            "申请已被他人同时修改，请刷新后重试",
            "the application was changed at the same time; reload and retry",
            code="stale_version",
        ) from None


def flush_or_conflict() -> None:
    with stale_is_conflict():
        db.session.flush()
