"""Flask extensions, created unbound and initialised in create_app()."""

import datetime
import decimal
import os
import uuid
import weakref
from collections import namedtuple
from typing import Any

from flask import current_app, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import Select, create_engine, event
from sqlalchemy.engine import Connection, Engine

from infra import config

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "请先登录 / Please log in"
csrf = CSRFProtect()


def csrf_check() -> None:
    """CSRFProtect's own before_request hook, with the method test first: a GET or HEAD (most requests) is never
    checked, so it should not pay for the exemption lookup either. create_app() installs it in place of the
    default one (WTF_CSRF_CHECK_DEFAULT off)."""
    if request.method in current_app.config["WTF_CSRF_METHODS"] and current_app.config["WTF_CSRF_ENABLED"]:
        csrf.protect(apply_exemptions=True)


migrate = Migrate()


class SessionCookies(SecureCookieSessionInterface):
    """Signed-cookie sessions (HttpOnly, SameSite=Lax from config) that are also `Secure` whenever the
    request came over HTTPS — directly or through nginx's X-Forwarded-Proto, which gunicorn trusts from
    BIANMIN_FORWARDED_ALLOW_IPS — so the cookie never travels in clear once the site is served over TLS."""

    def get_cookie_secure(self, app) -> bool:
        return super().get_cookie_secure(app) or (has_request_context() and request.is_secure)

    # Cheap for the requests that carry no session (the API, verification scans, anonymous pages): no
    # serializer is built to open an absent cookie, and an untouched empty session is not saved. The serializer
    # is built once per app and set of keys, not per request (Flask builds one for every request).
    def get_signing_serializer(self, app):
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        cached = app.extensions.get("bianmin_session_serializer")
        if cached is None or cached[0] != keys:
            cached = (keys, super().get_signing_serializer(app))
            app.extensions["bianmin_session_serializer"] = cached
        return cached[1]

    def open_session(self, app, request):
        if not app.secret_key:
            return None
        if self.get_cookie_name(app) not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response) -> None:
        if not session and not session.modified:  # empty and untouched: no cookie to set or delete
            if session.accessed:  # read (Flask-Login looks for its remember flag): the answer depends on the cookie
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """SQLite: write-ahead log, durable commits, foreign keys enforced."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def resolve_psycopg_dumpers() -> None:
    """psycopg 3 registers its dumpers for date, datetime, Decimal, UUID … under their names ("datetime.date")
    and swaps the name for the class on first use, in a map every connection shares. The swap is not
    thread-safe: two threads adapting a date for the first time at once can make one of them fail with "cannot
    adapt type 'date'" (a 500 seen when fifty requests were released together in a fresh process). Resolving
    them once, before any request thread runs, closes that window."""
    try:  # here, not at the top: psycopg is needed only with PostgreSQL
        import psycopg
        from psycopg.adapt import PyFormat
    except ImportError:  # an installation without PostgreSQL's driver
        return
    for cls in (datetime.date, datetime.datetime, datetime.time, datetime.timedelta, decimal.Decimal, uuid.UUID):
        for fmt in PyFormat:
            psycopg.adapters.get_dumper(cls, fmt)


# --- engines and forks -----------------------------------------------------------------------------

ENGINES: "weakref.WeakSet[Engine]" = weakref.WeakSet()


# gunicorn preloads the app and forks its workers: a child must never use a connection its parent opened
# (two processes on one socket), so each child starts with empty pools
def _empty_pools_in_child() -> None:
    for engine in list(ENGINES):
        engine.dispose(close=False)


os.register_at_fork(after_in_child=_empty_pools_in_child)


def lookup_engine() -> Engine:
    """The app's engine for public single-statement reads (document verification): connections permanently
    in autocommit, so a lookup costs one round trip — no BEGIN, no ROLLBACK, no isolation switch at each
    checkout and return. Same database as the app's; created on first use, disposed with the app's."""
    app = current_app
    engine = app.extensions.get("bianmin_lookup")
    if engine is None:
        uri = app.config["SQLALCHEMY_DATABASE_URI"]
        engine = app.extensions.setdefault(
            "bianmin_lookup",
            create_engine(uri, isolation_level="AUTOCOMMIT", pool_reset_on_return=None, **config.engine_options(uri)),
        )
        ENGINES.add(engine)
    return engine


class _DriverQuery:
    """A SELECT compiled once to its driver's SQL, with a row type answering to the selected columns' names."""

    __slots__ = ("sql", "defaults", "row")

    def __init__(self, stmt: Select, dialect) -> None:
        compiled = stmt.compile(dialect=dialect)
        self.sql = str(compiled)
        self.defaults = {k: v for k, v in compiled.params.items() if v is not None}  # literals the statement binds
        self.row: Any = namedtuple("LookupRow", [c.key for c in stmt.selected_columns])  # type: ignore[misc]


_DRIVER_QUERIES: "weakref.WeakKeyDictionary[Select, _DriverQuery]" = weakref.WeakKeyDictionary()


def driver_fetchone(conn: Connection, sql: str, params: dict | tuple = ()):
    """One row of driver SQL on `conn`'s own driver cursor, or None: for the few reads every request makes, where
    SQLAlchemy's per-execution work costs more than the query. Any driver error (a lost connection) falls back to
    SQLAlchemy's execution of the same SQL on the same connection, which invalidates a lost connection and raises
    its own error, the one the error handlers answer (503)."""
    try:
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            return cursor.execute(sql, params).fetchone()
        finally:
            cursor.close()
    except Exception:
        return conn.exec_driver_sql(sql, params).first()


def lookup_one(stmt: Select, params: dict):
    """The first row of `stmt` (one SELECT, built once at import) on the lookup engine, or None.

    Every printed QR code lands on such a lookup, so on PostgreSQL it goes to psycopg directly (driver_fetchone)
    with the statement compiled once: the same statement, which psycopg prepares after a few uses, and the same
    types (psycopg loads JSON, dates and timestamps itself), without SQLAlchemy's per-execution work (~0.1 ms of a
    ~0.5 ms request). Other databases take SQLAlchemy's path, whose types convert SQLite's text."""
    with lookup_engine().connect() as conn:
        if conn.dialect.driver != "psycopg":
            return conn.execute(stmt, params).first()
        query = _DRIVER_QUERIES.get(stmt)
        if query is None:
            query = _DRIVER_QUERIES.setdefault(stmt, _DriverQuery(stmt, conn.dialect))
        found = driver_fetchone(conn, query.sql, {**query.defaults, **params})
        return None if found is None else query.row._make(found)


def dispose_engines(app) -> None:
    """Close every pooled connection of `app`: its database engines and the lookup engine (tests, shutdown)."""
    lookup = app.extensions.get("bianmin_lookup")
    if lookup is not None:
        lookup.dispose()
    db = app.extensions["sqlalchemy"]  # Flask-SQLAlchemy's handle (models.base.db), as the app knows it
    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
