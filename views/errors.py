"""Errors handled once, app-wide: JSON in the API.md shape under /api/, a page or flash elsewhere."""
from __future__ import annotations

import logging

from flask import Flask, flash, redirect, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from infra.i18n import bi, pair
from models import db
from infra.keys import SigningUnavailable
from infra.storage import StoredFileProblem
from workflows.errors import DomainError

log = logging.getLogger(__name__)

HTTP_TEXT = {400: ("请求格式有误", "bad request"), 401: ("需要登录", "login required"), 403: ("无权访问", "forbidden"),
             404: ("未找到，或您无权查看", "not found"), 405: ("不支持该请求方法", "method not allowed"),
             413: ("请求体或文件过大", "payload too large"), 415: ("不支持的类型", "unsupported media type"),
             429: ("请求过于频繁", "too many requests")}


def _lang() -> str:
    return "en" if request.accept_languages.best_match(["zh", "zh-CN", "en"]) == "en" else "zh"


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _json(status: int, code: str, message: str, details=None):
    return {"error": {"code": code, "message": message, "details": details or []}}, status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        db.session.rollback()
        if _is_api():
            return _json(exc.status, exc.code, exc.message(_lang()), exc.details)
        # a form that cannot be done as filled in goes back to its page with the message beside it; an act the
        # user may not do at all (403) is refused with its own page and status, never a redirect that looks done
        if request.method == "POST" and exc.status in (409, 422, 400, 413, 415):
            flash(pair(exc.message("zh"), exc.message("en")), "error")
            return redirect(request.referrer or request.path)
        return render_template("error.html", status=exc.status, zh=exc.message("zh"), en=exc.message("en")), exc.status

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        if _is_api():
            return _json(400, "csrf_failed", "CSRF token missing or invalid")
        return render_template("error.html", status=400, zh="表单已过期或缺少安全令牌，请刷新页面后重试",
                               en="The form's CSRF token is missing or invalid: reload and retry"), 400

    @app.errorhandler(StoredFileProblem)
    def stored_file(exc):
        log.error("stored file problem: %s", exc)
        zh, en = "文件存储异常（文件缺失或已被改动），已记录，请联系管理员", f"stored file problem: {exc}"
        if _is_api():
            return _json(503, "stored_file_problem", zh if _lang() == "zh" else en)
        return render_template("error.html", status=503, zh=zh, en=en), 503

    @app.errorhandler(SigningUnavailable)
    def signing_unavailable(exc: SigningUnavailable):
        # the server cannot sign as configured (keys, passphrase, timestamp authority): nothing was issued, the
        # request may be repeated once an operator fixes it, hence 503 and not the caller's 4xx
        db.session.rollback()
        log.error("cannot sign documents: %s", exc.en)
        if _is_api():
            return _json(503, "signing_unavailable", exc.zh if _lang() == "zh" else exc.en)
        return render_template("error.html", status=503, zh=exc.zh, en=exc.en), 503

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        zh, en = HTTP_TEXT.get(exc.code, (exc.name, exc.name))
        if _is_api():
            return _json(exc.code, exc.name.lower().replace(" ", "_"), zh if _lang() == "zh" else en)
        if exc.code == 413 and request.method == "POST" and request.referrer:
            limit = app.config["UPLOAD_MAX_BYTES"] // (1024 * 1024)
            flash(bi("文件过大：单个文件不得超过%(limit)s MiB", limit=limit), "error")
            return redirect(request.referrer, 303)
        return render_template("error.html", status=exc.code, zh=zh, en=en), exc.code

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        db.session.rollback()
        log.exception("unexpected error on %s %s", request.method, request.path)
        zh, en = "系统内部错误，已记录", "internal error; it has been logged"
        if _is_api():
            return _json(500, "internal_error", zh if _lang() == "zh" else en)
        return render_template("error.html", status=500, zh=zh, en=en), 500

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Content-Security-Policy",
                                    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                                    "frame-src 'self'; object-src 'self'; frame-ancestors 'none'")
        return response
