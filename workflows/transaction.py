"""One commit per request: conflicts found at commit time become 409, anything else rolls back."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import bindparam, inspect, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import ColumnProperty
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


_UPDATES: dict = {}  # (table, changed columns) -> UPDATE with bind parameters, built once (SQLAlchemy caches its SQL)


def write_or_conflict(obj) -> None:
    """Write `obj`'s changed columns as the one UPDATE the unit of work would emit for it — checked on its mapper's
    version column (no row matched: StaleDataError, a 409 under stale_is_conflict) — without the unit of work's
    per-flush planning, then flush whatever else the session holds.

    For an event's own row (workflows.engine.fire), whose changes are columns the engine and its effects set: the
    object is then as a flush leaves it (its changes committed to the session, no longer dirty)."""
    state = inspect(obj)
    mapper = state.mapper
    table, version = mapper.local_table, mapper.version_id_col
    if not state.persistent or version is None:
        return flush_or_conflict()
    values = {}
    for key in list(state.committed_state):  # the attributes changed since the row was loaded or last written
        prop = mapper.attrs.get(key)
        if not isinstance(prop, ColumnProperty) or prop.columns[0].table is not table:
            return flush_or_conflict()  # a relationship or anything else: the unit of work's business
        history = state.attrs[key].history
        if history.has_changes():
            values[prop.columns[0].key] = history.added[0] if history.added else None
    if not values:
        return flush_or_conflict()
    version_key = mapper.get_property_by_column(version).key
    version_history = state.attrs[version_key].history
    was = version_history.deleted[0] if version_history.deleted else getattr(obj, version_key)
    names = tuple(sorted(values))
    stmt = _UPDATES.get((table, names))
    if stmt is None:
        stmt = _UPDATES.setdefault(
            (table, names),
            update(table)
            .where(*(c == bindparam(f"pk_{c.key}") for c in mapper.primary_key), version == bindparam("version_was"))
            .values({name: bindparam(f"v_{name}") for name in names}),
        )
    params = {f"v_{name}": value for name, value in values.items()}
    params.update({f"pk_{c.key}": v for c, v in zip(mapper.primary_key, state.identity or (), strict=True)})
    done = db.session.connection().execute(stmt, {**params, "version_was": was})
    if done.rowcount != 1:
        raise StaleDataError(f"UPDATE of {table.name} {state.identity} at version {was} matched {done.rowcount} rows")
    state._commit_all(state.dict, db.session.identity_map)  # what the flush does to an object it has written
    flush_or_conflict()
