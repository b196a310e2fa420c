"""The JSON API of API.md (v1): bearer tokens, JSON in and out, errors in one shape."""

from __future__ import annotations

import json

from flask import Blueprint, current_app, g, request
from flask_login import current_user

from infra.i18n import lang  # noqa: F401  (the one choice of language, cookie first; re-exported)
from workflows.accounts import user_for_token
from workflows.definition import Reason
from workflows.errors import Invalid, Malformed, TooLarge, Unauthenticated

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def json_body() -> dict:
    """The request's JSON object; 400 for anything malformed, 413 for an oversized body."""
    if (request.content_length or 0) > current_app.config["MAX_JSON_BYTES"]:
        raise TooLarge("请求体过大", "request body too large")
    raw = request.get_data(cache=True)
    if len(raw) > current_app.config["MAX_JSON_BYTES"]:
        raise TooLarge("请求体过大", "request body too large")
    try:
        body = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError, UnicodeDecodeError):
        raise Malformed(
            "请求体不是有效的UTF-8 JSON", "the body is not valid UTF-8 JSON", code="malformed_json"
        ) from None
    if not isinstance(body, dict):
        raise Malformed("请求体应为JSON对象", "the body must be a JSON object", code="malformed_json")
    try:  # \ud800-style escapes decode to lone surrogates, which no database (nor UTF-8) can hold
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except (UnicodeEncodeError, RecursionError):
        raise Malformed(
            "请求体含有无效的Unicode字符", "the body contains invalid Unicode (a lone surrogate)", code="malformed_json"
        ) from None
    return body


def api_user():
    """The caller: a bearer token, or (for safe methods only) the logged-in web session."""
    if "api_user" in g:
        return g.api_user
    header = request.headers.get("Authorization", "")
    user = None
    if header.startswith("Bearer "):
        user = user_for_token(header[7:].strip())
        if user is None:
            raise Unauthenticated("令牌无效或已过期", "the token is invalid or has expired", code="invalid_token")
    elif request.method in ("GET", "HEAD") and current_user.is_authenticated:
        user = current_user._get_current_object()
    if user is None:
        raise Unauthenticated(
            "需要登录（Authorization: Bearer <token>）", "authentication required (Authorization: Bearer <token>)"
        )
    g.api_user = user
    return user


def image_lang() -> str:
    """The language of a drawing: ?lang=zh|en (an <img> on a page asks in the page's language, which its
    Accept-Language need not be), else Accept-Language."""
    asked = request.args.get("lang")
    if asked is None:
        return lang()
    if asked not in ("zh", "en"):
        raise Invalid(
            "lang 应为 zh 或 en",
            "lang must be zh or en",
            [Reason("choice", "lang：应为 zh 或 en", "lang: zh or en", "lang")],
        )
    return asked


from views.api import applications, draws, progress, public, registers, security, stats  # noqa: E402,F401  (routes on bp)
