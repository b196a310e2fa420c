"""Flask extensions, created unbound and initialised in create_app()."""
from flask import has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.engine import Engine

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "请先登录 / Please log in"
csrf = CSRFProtect()
migrate = Migrate()


class SessionCookies(SecureCookieSessionInterface):
    """Signed-cookie sessions (HttpOnly, SameSite=Lax from config) that are also `Secure` whenever the
    request came over HTTPS — directly or through nginx's X-Forwarded-Proto, which gunicorn trusts from
    BIANMIN_FORWARDED_ALLOW_IPS — so the cookie never travels in clear once the site is served over TLS."""

    def get_cookie_secure(self, app) -> bool:
        return super().get_cookie_secure(app) or (has_request_context() and request.is_secure)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """SQLite: write-ahead log, durable commits, foreign keys enforced."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
