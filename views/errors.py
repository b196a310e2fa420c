"""Errors handled once, app-wide: JSON in the API.md shape under /api/, a page or flash elsewhere."""

from __future__ import annotations

import errno
import logging

from flask import Flask, Response, flash, redirect, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as SATimeoutError
from werkzeug.exceptions import HTTPException, MethodNotAllowed, SecurityError

from infra.i18n import bi, lang, pair
from infra.storage import StoredFileProblem
from models import db
from pdf.keys import SigningUnavailable
from workflows.errors import DomainError

log = logging.getLogger(__name__)

HTTP_TEXT = {
    400: ("请求格式有误", "bad request"),
    401: ("需要登录", "login required"),
    403: ("无权访问", "forbidden"),
    404: ("未找到，或您无权查看", "not found"),
    405: ("不支持该请求方法", "method not allowed"),
    413: ("请求体或文件过大", "payload too large"),
    415: ("不支持的类型", "unsupported media type"),
    429: ("请求过于频繁", "too many requests"),
}


UNAVAILABLE = {
    "database": (
        "服务暂时不可用（数据库无法访问），请稍后再试",
        "service unavailable (the database cannot be reached): please try again later",
    ),
    "storage": (
        "服务暂时不可用（文件存储无法写入），未作任何改动，请稍后再试",
        "service unavailable (file storage cannot be written): nothing was changed; please try again later",
    ),
}
STORAGE_ERRNOS = {errno.EROFS, errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EPERM, errno.EIO}


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _json(status: int, code: str, message: str, details=None):
    return {"error": {"code": code, "message": message, "details": details or []}}, status


def register_error_handlers(app: Flask) -> None:
    def page(status: int, zh: str, en: str):
        """The error page; if drawing it needs the database (the header asks who is logged in) and that is
        down, the standalone 503 page instead of a second error inside this one."""
        try:
            return render_template("error.html", status=status, zh=zh, en=en), status
        except (DBAPIError, SATimeoutError) as exc:
            return unavailable("database", exc)

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        db.session.rollback()
        if _is_api():
            return _json(exc.status, exc.code, exc.message(lang()), exc.details)
        # a form that cannot be done as filled in goes back to its page with the message beside it; an act the
        # user may not do at all (403) is refused with its own page and status, never a redirect that looks done
        if request.method == "POST" and exc.status in (409, 422, 400, 413, 415):
            flash(pair(exc.message("zh"), exc.message("en")), "error")
            return redirect(request.referrer or request.path)
        return page(exc.status, exc.message("zh"), exc.message("en"))

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        if _is_api():
            return _json(400, "csrf_failed", "CSRF token missing or invalid")
        return page(
            400,
            "表单已过期或缺少安全令牌，请刷新页面后重试",
            "The form's CSRF token is missing or invalid: reload and retry",
        )

    @app.errorhandler(StoredFileProblem)
    def stored_file(exc):
        log.error("stored file problem: %s", exc)
        zh, en = "文件存储异常（文件缺失或已被改动），已记录，请联系管理员", f"stored file problem: {exc}"
        if _is_api():
            return _json(503, "stored_file_problem", zh if lang() == "zh" else en)
        return page(503, zh, en)

    @app.errorhandler(SecurityError)
    def untrusted_host(exc: SecurityError):
        """A Host header not in TRUSTED_HOSTS: no URL can be built for it, so no page template either."""
        log.warning("refused a request for an untrusted host: %s", request.environ.get("HTTP_HOST", "")[:200])
        zh, en = "请求的主机名不受信任", "the requested host name is not trusted"
        if _is_api():
            return _json(400, "untrusted_host", zh if lang() == "zh" else en)
        return Response(f"400 {zh}\n400 {en}\n", 400, mimetype="text/plain")

    @app.errorhandler(SigningUnavailable)
    def signing_unavailable(exc: SigningUnavailable):
        # the server cannot sign as configured (keys, passphrase, timestamp authority): nothing was issued, the
        # request may be repeated once an operator fixes it, hence 503 and not the caller's 4xx
        db.session.rollback()
        log.error("cannot sign documents: %s", exc.en)
        if _is_api():
            return _json(503, "signing_unavailable", exc.zh if lang() == "zh" else exc.en)
        return render_template("error.html", status=503, zh=exc.zh, en=exc.en), 503

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        zh, en = HTTP_TEXT.get(exc.code, (exc.name, exc.name))
        # a 405 says which methods the URL takes (RFC 9110 §15.5.6), whatever the shape of the body
        allow = (
            {"Allow": ", ".join(exc.valid_methods)} if isinstance(exc, MethodNotAllowed) and exc.valid_methods else {}
        )
        if _is_api():
            return (*_json(exc.code, exc.name.lower().replace(" ", "_"), zh if lang() == "zh" else en), allow)
        if exc.code == 413 and request.method == "POST" and request.referrer:
            limit = app.config["UPLOAD_MAX_BYTES"] // (1024 * 1024)
            flash(bi("文件过大：单个文件不得超过%(limit)s MiB", limit=limit), "error")
            return redirect(request.referrer, 303)
        shown = page(exc.code, zh, en)
        return shown if len(shown) == 3 else (*shown, allow)

    def unavailable(what: str, exc: Exception):
        """The database or the storage cannot be reached: 503 with Retry-After, never a 500 (API.md). The
        page does not extend base.html, which would ask the database for the user again."""
        try:
            db.session.rollback()
        except Exception:  # the connection is gone: there is nothing to roll back
            log.debug("rollback after %s failure also failed", what, exc_info=True)
        log.error("%s unavailable on %s %s: %s: %s", what, request.method, request.path, type(exc).__name__, exc)
        zh, en = UNAVAILABLE[what]
        retry = str(app.config.get("RETRY_AFTER_SECONDS", 30))
        if _is_api():
            body, status = _json(503, f"{what}_unavailable", zh if lang() == "zh" else en)
            return body, status, {"Retry-After": retry}
        # rendered by Jinja alone: Flask's context processors would look up the logged-in user in the database
        page = app.jinja_env.get_template("unavailable.html").render(zh=zh, en=en, retry=retry)
        return page, 503, {"Retry-After": retry, "Content-Type": "text/html; charset=utf-8"}

    @app.errorhandler(DBAPIError)
    def database_error(exc: DBAPIError):
        if isinstance(exc, (OperationalError, InterfaceError)) or exc.connection_invalidated:
            return unavailable("database", exc)
        return unexpected(exc)

    @app.errorhandler(SATimeoutError)
    def pool_exhausted(exc: SATimeoutError):
        return unavailable("database", exc)

    @app.errorhandler(OSError)
    def os_error(exc: OSError):
        if exc.errno in STORAGE_ERRNOS:  # a read-only, full or failing disk while writing a file
            return unavailable("storage", exc)
        return unexpected(exc)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        db.session.rollback()
        log.exception("unexpected error on %s %s", request.method, request.path)
        zh, en = "系统内部错误，已记录", "internal error; it has been logged"
        if _is_api():
            return _json(500, "internal_error", zh if lang() == "zh" else en)
        return page(500, zh, en)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "frame-src 'self'; object-src 'self'; frame-ancestors 'none'",
        )
        return response
