"""The OpenAPI 3.1 description of the v1 API, with field schemas generated from the procedures."""
from __future__ import annotations

from functools import lru_cache

from models.base import ID_MAX
from views.api.openapi_registers import add_to as add_registers
from workflows.places import DIVISIONS
from workflows.registry import PROCEDURES

TYPES = {"text": {"type": "string"}, "textarea": {"type": "string"}, "bool": {"type": "boolean"},
         "credit_code": {"type": "string", "pattern": "^[0-9A-HJ-NPQRTUWXY]{18}$"},
         "int": {"type": "integer", "minimum": 0}, "decimal": {"type": "number", "minimum": 0},
         "date": {"type": "string", "format": "date"}}

ERROR = {"type": "object", "required": ["error"], "properties": {"error": {
    "type": "object", "required": ["code", "message"],
    "properties": {"code": {"type": "string"}, "message": {"type": "string"}, "details": {}}}}}


def _field_schema(f) -> dict:
    if f.type == "choice":
        return {"type": "string", "enum": [c[0] for c in f.choices]}
    if f.type == "division":
        return {"type": "string", "enum": sorted(DIVISIONS)}
    schema = dict(TYPES[f.type])
    if schema["type"] == "string" and f.type != "date":
        schema["maxLength"] = f.max_length
    schema["description"] = f"{f.zh} / {f.en}"
    return schema


def _errors(*codes: int) -> dict:
    return {str(c): {"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            for c in codes}


def _ok(schema: dict | None = None, code: int = 200, desc: str = "OK") -> dict:
    body = {"description": desc}
    if schema is not None:
        body["content"] = {"application/json": {"schema": schema}}
    return {str(code): body}


def _json(schema: dict) -> dict:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


ID = [{"name": "app_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1, "maximum": ID_MAX}}]
ATT_ID = [*ID, {"name": "att_id", "in": "path", "required": True,
                "schema": {"type": "integer", "minimum": 1, "maximum": ID_MAX}}]
DRAW_ID = [{"name": "draw_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1, "maximum": ID_MAX}}]
PROCEDURE = [{"name": "name", "in": "path", "required": True, "schema": {"type": "string", "enum": list(PROCEDURES)}}]
AUTHORITY = [{"name": "key", "in": "path", "required": True, "description": "division code:kind, e.g. 230102:housing",
              "schema": {"type": "string"}}]
USERNAME = {"name": "username", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 64}}
SVG = {"200": {"description": "the state diagram", "content": {"image/svg+xml": {}}}}
LANG = {"name": "lang", "in": "query", "required": False, "description": "the drawing's language (default: Accept-Language)",
        "schema": {"type": "string", "enum": ["zh", "en"]}}
APP = {"$ref": "#/components/schemas/Application"}
SECURE = [{"bearer": []}]


@lru_cache(maxsize=1)
def document() -> dict:
    fields = {name: {"type": "object", "additionalProperties": False,
                     "properties": {f.name: {"anyOf": [_field_schema(f), {"type": "null"}]} for f in p.fields}}
              for name, p in PROCEDURES.items()}
    any_fields = {"oneOf": [{"$ref": f"#/components/schemas/Fields_{n}"} for n in PROCEDURES]}
    paths = {
        "/api/v1/tokens": {"post": {"summary": "log in, get a bearer token", "security": [],
                                    "requestBody": _json({"type": "object", "required": ["username", "password"],
                                                          "properties": {"username": {"type": "string"},
                                                                         "password": {"type": "string"}}}),
                                    "responses": {**_ok({"type": "object"}, 201), **_errors(400, 401, 422, 423)}}},
        "/api/v1/tokens/current": {"delete": {
            "summary": "revoke the bearer token of this request (log out of the API)",
            "responses": {"204": {"description": "revoked"}, **_errors(401)}}},
        "/api/v1/users/{username}/unlock": {"post": {
            "summary": "admin: unlock an account locked after failed logins (logged in the security log)",
            "parameters": [USERNAME], "responses": {**_ok({"type": "object"}), **_errors(401, 403, 404)}}},
        "/api/v1/users/{username}/tokens": {"delete": {
            "summary": "admin: revoke every API token of a user (logged in the security log)",
            "parameters": [USERNAME], "responses": {**_ok({"type": "object", "required": ["revoked"]}), **_errors(401, 403, 404)}}},
        "/api/v1/addresses/unlock": {"post": {
            "summary": "admin: unlock a network address locked after failed logins",
            "requestBody": _json({"type": "object", "required": ["address"], "properties": {"address": {"type": "string"}}}),
            "responses": {**_ok({"type": "object"}), **_errors(400, 401, 403, 404, 422)}}},
        "/api/v1/security-log": {"get": {
            "summary": "admins and auditors: the hash-chained log of admin and account actions",
            "responses": {**_ok({"type": "object", "required": ["items", "intact"]}), **_errors(401, 403)}}},
        "/api/v1/procedures": {"get": {"security": [], "responses": _ok({"type": "array"})}},
        "/api/v1/procedures/{name}": {"get": {"security": [], "parameters": PROCEDURE,
                                              "responses": {**_ok({"type": "object"}), **_errors(404)}}},
        "/api/v1/procedures/{name}/diagram.svg": {"get": {"security": [], "parameters": [*PROCEDURE, LANG],
                                                          "responses": {**SVG, **_errors(404, 422)}}},
        "/api/v1/calendar/years": {"get": {"security": [], "responses": _ok({"type": "object"})}},
        "/api/v1/openapi.json": {"get": {"security": [], "responses": _ok({"type": "object"})}},
        "/api/v1/authorities/{key}/settings": {
            "get": {"parameters": AUTHORITY, "responses": {**_ok({"type": "object", "required": ["authority", "settings"]}),
                                                           **_errors(401, 404)}},
            "put": {"parameters": AUTHORITY, "requestBody": _json({"type": "object", "required": ["fire_mode"], "properties": {
                "fire_mode": {"type": "string"}}}),
                "responses": {**_ok({"type": "object", "required": ["authority", "settings"]}),
                              **_errors(400, 401, 403, 404, 422)}}},
        "/api/v1/applications/{app_id}/attachments/{att_id}": {
            "get": {"parameters": ATT_ID, "responses": {"200": {"description": "the file, as a download"},
                                                        **_errors(401, 404)}},
            "delete": {"parameters": ATT_ID, "responses": {"204": {"description": "removed"},
                                                           **_errors(401, 403, 404, 409)}}},
        "/api/v1/applications/{app_id}/diagram.svg": {"get": {"parameters": [*ID, LANG],
                                                              "responses": {**SVG, **_errors(401, 404, 422)}}},
        "/api/v1/eligibility/{procedure}": {"post": {
            "security": [], "parameters": [{**PROCEDURE[0], "name": "procedure"}],
            "requestBody": _json({"type": "object", "properties": {"fields": any_fields}}),
            "responses": {**_ok({"type": "object", "properties": {"eligible": {"type": "boolean"},
                                                                    "route": {"type": ["string", "null"]},
                                                                    "reasons": {"type": "array"}}}),
                          **_errors(400, 404, 422)}}},
        "/api/v1/calendar/add-working-days": {"get": {"security": [], "parameters": [
            {"name": "from", "in": "query", "required": True, "schema": {"type": "string", "format": "date"}},
            {"name": "days", "in": "query", "required": True, "schema": {"type": "integer", "minimum": 0, "maximum": 3650}}],
            "responses": {**_ok({"type": "object", "properties": {"due": {"type": "string"}, "provisional": {"type": "boolean"}}}),
                          **_errors(422)}}},
        "/api/v1/calendar/period-end": {"get": {"security": [], "parameters": [
            {"name": "from", "in": "query", "required": True, "schema": {"type": "string", "format": "date"}},
            {"name": "years", "in": "query", "required": True, "schema": {"type": "integer", "minimum": 1, "maximum": 100}}],
            "responses": {**_ok({"type": "object"}), **_errors(422)}}},
        "/api/v1/applications": {
            "get": {"parameters": [{"name": n, "in": "query", "required": False, "schema": s} for n, s in (
                ("procedure", {"type": "string"}), ("state", {"type": "string"}), ("overdue", {"type": "string", "enum": ["true", "false"]}),
                ("page", {"type": "integer", "minimum": 1}), ("per_page", {"type": "integer", "minimum": 1, "maximum": 100}))],
                "responses": {**_ok({"type": "object", "required": ["items", "total"], "properties": {
                    "items": {"type": "array"}, "total": {"type": "integer", "minimum": 0},
                    "total_capped": {"type": "boolean", "description": "true when more than 1,000 match: "
                                     "`total` is then 1000 and the pages show 1000+"}}}),
                              **_errors(401, 422)}},
            "post": {"requestBody": _json({"type": "object", "required": ["procedure"], "properties": {
                "procedure": {"type": "string", "enum": list(PROCEDURES)}, "fields": any_fields}}),
                "responses": {**_ok(APP, 201), **_errors(400, 401, 403, 422)}}},
        "/api/v1/applications/{app_id}": {
            "get": {"parameters": ID, "responses": {**_ok(APP), **_errors(401, 404)}},
            "patch": {"parameters": ID, "requestBody": _json({"type": "object", "required": ["fields"], "properties": {
                "fields": any_fields, "version": {"type": "integer"}}}),
                "responses": {**_ok(APP), **_errors(400, 401, 403, 404, 409, 422)}}},
        "/api/v1/applications/{app_id}/attachments": {
            "post": {"parameters": ID, "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "required": ["kind", "file"],
                "properties": {"kind": {"type": "string"}, "file": {"type": "string", "format": "binary"}}}}}},
                "responses": {**_ok({"type": "object"}, 201), **_errors(401, 403, 404, 409, 413, 415, 422)}},
            "get": {"parameters": ID, "responses": {**_ok({"type": "object"}), **_errors(401, 404)}}},
        "/api/v1/applications/{app_id}/events": {
            "post": {"parameters": ID, "requestBody": _json({"type": "object", "required": ["event", "version"], "properties": {
                "event": {"type": "string"}, "version": {"type": "integer"}, "comment": {"type": "string"},
                "data": {"type": "object"}}}),
                "responses": {**_ok(APP), **_errors(400, 401, 403, 404, 409, 422)}},
            "get": {"parameters": ID, "responses": {**_ok({"type": "array"}), **_errors(401, 404)}}},
        "/api/v1/documents/{number}.pdf": {"get": {"parameters": [
            {"name": "number", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "the PDF", "content": {"application/pdf": {}}}, **_errors(401, 404)}}},
        "/api/v1/draws": {
            "post": {"requestBody": _json({"type": "object", "properties": {"ratios": {"type": "object", "properties": {
                k: {"type": "number", "minimum": 0, "maximum": 1} for k in ("crowded", "standard", "simplified")}}}}),
                "responses": {**_ok({"type": "object", "required": ["id", "seed", "ratios", "selected", "closed", "inspectors"]}, 201),
                              **_errors(400, 401, 403, 422)}},
            "get": {"security": [], "responses": _ok({"type": "object"})}},
        "/api/v1/draws/{draw_id}": {"get": {"security": [], "parameters": DRAW_ID,
            "responses": {**_ok({"type": "object"}), **_errors(404)}}},
        "/api/v1/draws/{draw_id}/verify": {"get": {"security": [], "parameters": DRAW_ID,
            "responses": {**_ok({"type": "object", "required": ["reproduced"]}), **_errors(404)}}},
        "/api/v1/applications/{app_id}/evaluation": {
            "post": {"parameters": ID, "requestBody": _json({"type": "object", "required": ["score"], "properties": {
                "score": {"type": "integer", "minimum": 1, "maximum": 5}, "comment": {"type": "string", "maxLength": 500}}}),
                "responses": {**_ok({"type": "object"}, 201), **_errors(400, 401, 403, 404, 409, 422)}},
            "get": {"parameters": ID, "responses": {**_ok({"type": "object"}), **_errors(401, 404)}}},
        "/api/v1/stats": {"get": {"parameters": [{"name": n, "in": "query", "required": False, "schema": s} for n, s in (
            ("procedure", {"type": "string", "enum": list(PROCEDURES)}), ("from", {"type": "string", "format": "date"}),
            ("to", {"type": "string", "format": "date"}), ("authority", {"type": "string"}))],
            "responses": {**_ok({"type": "object", "required": ["total", "states", "decided", "median_working_days",
                                                                "open_overdue", "evaluations"]}),
                          **_errors(401, 403, 422)}}},
        "/api/v1/notifications": {"get": {"responses": {**_ok({"type": "object"}), **_errors(401)}}},
        "/api/v1/verify/{token}": {"get": {"security": [], "parameters": [
            {"name": "token", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {**_ok({"type": "object", "required": ["number", "kind", "holder", "issued_at", "status", "facts"]}),
                          **_errors(404)}}},
    }
    return add_registers({
        "openapi": "3.1.0",
        "info": {"title": "Bianmin 便民 API", "version": "1",
                 "description": "Business registration and permit workflows of Harbin (DOMAIN.md, API.md)."},
        "servers": [{"url": "/"}],
        "security": SECURE,
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": ERROR, "Application": {"type": "object", "required": [
                "id", "number", "procedure", "state", "version", "fields", "applicant", "authority",
                "available_events", "deadline", "eligibility", "correction_items", "documents"]},
                **{f"Fields_{n}": s for n, s in fields.items()}},
        },
    })
