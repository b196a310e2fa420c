"""The public registers (公示, DOMAIN §6): a page per register with its search, each entry's page, the exports."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from vocabulary import DIVISIONS, DIVISIONS_EN, STREETS
from workflows import register_search
from workflows.errors import Invalid
from workflows.ledger import registers

bp = Blueprint("registers", __name__, url_prefix="/registers")


@bp.get("/")
def index():
    return render_template("registers/index.html", registers=registers().values())


@bp.get("/<name>")
def register(name):
    reg = register_search.register(name)
    problems, items, counted, search = [], [], 0, register_search.Search()
    try:
        search = register_search.parse(reg, request.args)
        items, counted = register_search.run(reg, search)
    except Invalid as exc:
        problems = exc.details
    pages = max(1, -(-min(counted, register_search.CAP) // search.per_page))
    more = len(items) == search.per_page and (counted > register_search.CAP or search.page < pages)
    return render_template(
        "registers/register.html",
        reg=reg,
        items=items,
        counted=counted,
        cap=register_search.CAP,
        search=search,
        pages=pages,
        more=more,
        problems=problems,
        args=request.args,
        divisions=DIVISIONS,
        divisions_en=DIVISIONS_EN,
        streets=STREETS,
    ), 422 if problems else 200


@bp.get("/<name>/<int:entry_id>")
def entry(name, entry_id):
    reg = register_search.register(name)
    return render_template("registers/entry.html", reg=reg, item=register_search.entry(reg, entry_id))
