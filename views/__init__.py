"""Blueprints by audience: auth, the JSON API, public pages, the applicant portal, the clerk console."""

from flask import Flask, request
from werkzeug.routing import IntegerConverter

from infra.extensions import csrf
from models.base import ID_MAX
from views import admin, api, auth, console, enterprises, health, lookup, portal, public, registers, stats
from workflows.errors import Malformed


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: 1 to 10 ASCII digits and at most ID_MAX, else the route does not match (404).
    Werkzeug's own accepts any length, which the database then refuses with an overflow (a 500), and any
    Unicode digit, so that /applications/１ (full-width) would be another address of /applications/1."""

    regex = r"[0-9]{1,10}"

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", ID_MAX)
        super().__init__(map, *args, **kwargs)


def no_nul_characters():
    """No database stores NUL in text and PostgreSQL cannot even compare it: a URL or a form field holding
    one is malformed: refused with a message (a 400 page, a flashed error for a form, the API's error
    shape), never a 500."""
    form = request.method == "POST" and request.mimetype == "application/x-www-form-urlencoded"
    query = request.query_string
    if not form and "\x00" not in request.path and b"%00" not in query and b"\x00" not in query:
        return  # the common case, without parsing the query: a NUL can only arrive percent-encoded
    values = [request.path, *(f"{k}{v}" for k, v in request.args.items(multi=True))]
    # text forms only: parsing a multipart upload here would refuse an oversized file with the generic
    # 413 before the upload view can say which file and what limit (the upload views check their fields)
    if form:
        values += [f"{k}{v}" for k, v in request.form.items(multi=True)]
    if any("\x00" in value for value in values):
        raise Malformed("请求含有非法字符（NUL）", "the request contains a NUL character", code="malformed_request")


def register_blueprints(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter
    app.before_request(no_nul_characters)
    csrf.exempt(api.bp)  # the API authenticates with bearer tokens, not cookies
    for module in (health, auth, api, lookup, public, portal, console, stats, admin, registers, enterprises):
        app.register_blueprint(module.bp)
