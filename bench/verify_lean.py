"""The recommended verify path, as a stand-in app for bench/verify.py (never used by the project itself).

`gunicorn "bench.verify_lean:create_app()"`: the real create_app(), with the two changes that
docs/PERFORMANCE.md recommends for GET /api/v1/verify/<token>:
  1. no pool_pre_ping (a "SELECT 1" round trip before every request's first query), and
  2. the lookup as one Core SELECT of the columns public_view() shows, outside a transaction
     (autocommit: no BEGIN before it, no ROLLBACK after it), instead of an ORM load of the whole row.
"""
from __future__ import annotations

from sqlalchemy import bindparam, select

from models import Document, db
from workflows.documents import public_view
from workflows.errors import NotFound

_d = Document.__table__
# built once: SQLAlchemy then reuses its compiled form and psycopg its server-side prepared statement
BY_TOKEN = select(_d.c.number, _d.c.kind, _d.c.snapshot, _d.c.holder_name, _d.c.holder_code, _d.c.issue_date,
                  _d.c.status, _d.c.status_changed_at, _d.c.facts, _d.c.sha256).where(_d.c.token == bindparam("token"))


def lean_verify(token):
    row = None
    if len(token) < 100:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            row = conn.execute(BY_TOKEN, {"token": token}).first()
    if row is None:
        raise NotFound("没有这个凭证", "no such document")
    return public_view(row)          # a Row answers the same attribute names as a Document


def create_app():
    import os
    import config
    from app import create_app as real
    options = config.engine_options(os.environ.get("BIANMIN_DATABASE_URL", "sqlite://"))
    options["pool_pre_ping"] = False
    app = real({"SQLALCHEMY_ENGINE_OPTIONS": options})
    app.view_functions["api.verify"] = lean_verify
    return app
