"""API: the public registers (search, entries, open-data exports) and enterprises (API.md "Registers")."""

from __future__ import annotations

from flask import Response, current_app, request, stream_with_context

from views.api import api_user, bp, json_body
from workflows import enterprise_view, enterprises, register_search
from workflows.context import today
from workflows.definition import Reason
from workflows.errors import Forbidden, Invalid
from workflows.ledger import registers
from workflows.transaction import commit


@bp.get("/registers")
def register_list():
    return {"items": [r.as_dict() for r in registers().values()]}


@bp.get("/registers/<name>")
def register_search_api(name):
    reg = register_search.register(name)
    search = register_search.parse(reg, request.args)
    items, counted = register_search.run(reg, search)
    return {
        "register": reg.name,
        "items": items,
        "total": min(counted, register_search.CAP),
        "total_capped": counted > register_search.CAP,
        "page": search.page,
        "per_page": search.per_page,
    }


@bp.get("/registers/<name>/<int:entry_id>")
def register_entry_api(name, entry_id):
    return register_search.entry(register_search.register(name), entry_id)


def _download(chunks, mimetype: str, filename: str) -> Response:
    return Response(
        stream_with_context(chunks),
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "public, max-age=300"},
    )


@bp.get("/registers/<name>.csv")
def register_csv(name):
    reg = register_search.register(name)
    return _download(register_search.csv_chunks(reg), "text/csv", f"{reg.name}.csv")


@bp.get("/registers/<name>.json")
def register_json(name):
    reg = register_search.register(name)
    return _download(register_search.json_chunks(reg), "application/json", f"{reg.name}.json")


# --- enterprises -----------------------------------------------------------------------------------------------


def _account(link) -> dict:
    return {
        "credit_code": link.enterprise.credit_code,
        "name": link.enterprise.name,
        "capacity": link.capacity,
        "acting": link.is_acting,
        "power_of_attorney": {
            "filename": link.attorney_filename,
            "size": link.attorney_size,
            "sha256": link.attorney_sha256,
        }
        if link.attorney_path
        else None,
    }


@bp.get("/enterprises")
def my_enterprises():
    user = api_user()
    if user.role != "applicant":
        raise Forbidden("只有申请人账户代表企业办理", "only applicant accounts act for enterprises")
    return {"items": [_account(link) for link in enterprises.accounts_of(user)]}


@bp.post("/enterprises")
def act_for_enterprise():
    user = api_user()
    body = json_body()
    extra = set(body) - {"credit_code", "capacity", "name"}
    if extra:
        raise Invalid(
            "未知的参数",
            "unknown keys",
            [Reason("unknown_field", f"未知参数：{k}", f"unknown key: {k}", k) for k in sorted(extra)],
        )
    link = enterprises.act_for(user, body.get("credit_code"), body.get("capacity", "own"), body.get("name"))
    commit()
    return _account(link), 201


@bp.post("/enterprises/<credit_code>/power-of-attorney")
def file_power_of_attorney(credit_code):
    user = api_user()
    upload = request.files.get("file")
    if upload is None:
        raise Invalid("缺少文件", "a file is required", [Reason("required", "file：必填", "file: required", "file")])
    link = enterprises.file_attorney(
        user, credit_code, upload.filename, upload.read(current_app.config["UPLOAD_MAX_BYTES"] + 1)
    )
    commit()
    return _account(link), 201


@bp.get("/enterprises/<credit_code>")
def enterprise(credit_code):
    user = api_user()
    found = enterprises.visible(user, credit_code)
    out = enterprise_view.enterprise(found, user, today())
    if user.role == "applicant":
        out["account"] = _account(enterprises.acting_link(user, found.credit_code))
    return enterprise_view.jsonable(out)
