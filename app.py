"""Bianmin (便民): create_app() wires configuration, extensions, blueprints, errors and commands."""

from __future__ import annotations

import logging
import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from cli import register_commands
from infra import config, i18n, observability, tasks
from infra.extensions import (
    ENGINES,
    SessionCookies,
    csrf,
    csrf_check,
    login_manager,
    migrate,
    resolve_psycopg_dumpers,
)
from models import db
from pdf import harfbuzz_subset_available
from views import register_blueprints
from views.errors import register_error_handlers
from views.filters import register_filters
from workflows import notifications, signals, signing, stats

log = logging.getLogger(__name__)


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(config.from_environment(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
    for warning in config.resolve(app.config, app.instance_path):
        log.warning(warning)
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", config.engine_options(app.config["SQLALCHEMY_DATABASE_URI"]))

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        resolve_psycopg_dumpers()  # before any request thread adapts a date (psycopg's first-use race)
    observability.init_app(app)  # first: the request id exists before any other hook runs
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "migrations"))
    login_manager.init_app(app)
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # csrf_check instead: the method first, then the exemptions
    csrf.init_app(app)
    app.before_request(csrf_check)
    app.session_interface = SessionCookies()
    if app.config.get("PROXY_COUNT"):  # behind nginx: the client's address and scheme come from its headers
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_COUNT"], x_proto=app.config["PROXY_COUNT"])
    i18n.init_app(app)  # Flask-Babel, the language switch and the zh/en template helpers

    register_blueprints(app)
    register_error_handlers(app)
    register_filters(app)
    register_commands(app)
    _subscribe(app)
    signing.init_app(app)
    _check_pdf_speed(app)
    _fresh_pool_after_fork(app)
    return app


def _subscribe(app: Flask) -> None:
    """What hears the engine (tell, don't ask, downward): metrics count committed events, mail sends committed
    notifications; the gauges read at scrape time."""
    signals.event_committed.connect(observability.count_event)
    signals.notifications_committed.connect(notifications.mail_committed)
    observability.add_gauge(
        app,
        "bianmin_overdue_applications",
        "Open applications past their deadline and held by the authority",
        ["procedure"],
        stats.overdue_by_procedure,
    )
    observability.add_gauge(app, "bianmin_queue_depth", "Jobs waiting in the background queue", ["queue"], tasks.depth)
    observability.add_gauge(
        app, "bianmin_queue_failed_jobs", "Jobs that failed in the background queue", ["queue"], tasks.failed
    )


def _fresh_pool_after_fork(app: Flask) -> None:
    """gunicorn preloads the app and forks workers from it: each child starts with empty pools (extensions.ENGINES)."""
    with app.app_context():
        ENGINES.update(db.engines.values())


def _check_pdf_speed(app: Flask) -> None:
    """WeasyPrint prints nothing when libharfbuzz-subset is absent, but CJK PDFs take ~20x longer."""
    if not harfbuzz_subset_available():
        app.logger.warning(
            "libharfbuzz-subset0 is not installed: PDF issuing will be ~20x slower "
            "(apt-get install libharfbuzz-subset0)"
        )
