"""The OpenAPI 3.1 description of the v1 API, with field schemas generated from the procedures."""

from __future__ import annotations

from functools import lru_cache

from models.base import ID_MAX
from views.api.openapi_registers import add_to as add_registers
from vocabulary import DIVISIONS
from workflows.registry import PROCEDURES

TYPES = {
    "text": {"type": "string"},
    "textarea": {"type": "string"},
    "bool": {"type": "boolean"},
    "credit_code": {"type": "string", "pattern": "^[0-9A-HJ-NPQRTUWXY]{18}$"},
    "int": {"type": "integer", "minimum": 0},
    "decimal": {"type": "number", "minimum": 0},
    "date": {"type": "string", "format": "date"},
}

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}, "details": {}},
        }
    },
}

# what verification says of a document's PAdES signature (workflows.documents.signature_view)
_TEXT, _FLAG = {"type": ["string", "null"]}, {"type": "boolean"}
SIGNATURE = {
    "type": "object",
    "required": ["signer", "valid"],
    "properties": {
        "valid": {**_FLAG, "description": "intact, by a trusted certificate, and nothing changed after signing"},
        "signer": {**_TEXT, "description": "the certificate's subject (the authority's name)"},
        "authority": {**_TEXT, "description": "<division>:<kind> whose key made it, by this service's key store"},
        "certificate_serial": _TEXT,
        "certificate_fingerprint": {**_TEXT, "description": "SHA-256 of the certificate"},
        "signed_at": {**_TEXT, "format": "date-time"},
        "timestamped": _FLAG,
        "intact": _FLAG,
        "trusted": _FLAG,
        "modified_after_signing": _FLAG,
        "problem": {
            **_TEXT,
            "description": "why not valid: unsigned, unreadable, malformed, altered, untrusted, modified, "
            "stored_file_missing, stored_file_altered, being_issued (the file is still being rendered)",
        },
    },
}


def _field_schema(f) -> dict:
    if f.type == "choice":
        return {"type": "string", "enum": [c[0] for c in f.choices]}
    if f.type == "multichoice":
        return {
            "type": "array",
            "items": {"type": "string", "enum": [c[0] for c in f.choices]},
            "description": f"{f.zh} / {f.en}",
        }
    if f.type == "group":
        return {
            "type": "array",
            "maxItems": f.max_rows,
            "description": f"{f.zh} / {f.en}",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "properties": {c.name: _field_schema(c) for c in f.columns},
            },
        }
    if f.type == "division":
        return {"type": "string", "enum": sorted(DIVISIONS)}
    schema = dict(TYPES[f.type])
    if f.minimum is not None:
        schema["minimum"] = f.minimum
    if schema["type"] == "string" and f.type != "date":
        schema["maxLength"] = f.max_length
    schema["description"] = f"{f.zh} / {f.en}"
    return schema


def _errors(*codes: int) -> dict:
    return {
        str(c): {
            "description": "error",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        for c in codes
    }


def _ok(schema: dict | None = None, code: int = 200, desc: str = "OK") -> dict:
    body = {"description": desc}
    if schema is not None:
        body["content"] = {"application/json": {"schema": schema}}
    return {str(code): body}


def _json(schema: dict) -> dict:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


ID = [
    {"name": "app_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1, "maximum": ID_MAX}}
]
ATT_ID = [
    *ID,
    {"name": "att_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1, "maximum": ID_MAX}},
]
DRAW_ID = [
    {"name": "draw_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1, "maximum": ID_MAX}}
]
PROCEDURE = [{"name": "name", "in": "path", "required": True, "schema": {"type": "string", "enum": list(PROCEDURES)}}]
AUTHORITY = [
    {
        "name": "key",
        "in": "path",
        "required": True,
        "description": "division code:kind, e.g. 230102:housing",
        "schema": {"type": "string"},
    }
]
USERNAME = {"name": "username", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 64}}
SVG = {"200": {"description": "the state diagram", "content": {"image/svg+xml": {}}}}
LANG = {
    "name": "lang",
    "in": "query",
    "required": False,
    "description": "the drawing's language (default: Accept-Language)",
    "schema": {"type": "string", "enum": ["zh", "en"]},
}
APP = {"$ref": "#/components/schemas/Application"}
PAIR = [
    {
        "name": name,
        "in": "query",
        "required": True,
        "description": text,
        "schema": {"type": "string", "minLength": 1, "maxLength": 64},
    }
    for name, text in (
        ("number", "the application's or the document's number"),
        ("credit_code", "the holder's unified social credit code"),
    )
]
ZH_EN = {"type": "object", "required": ["zh", "en"], "properties": {"zh": {"type": "string"}, "en": {"type": "string"}}}
PROGRESS = {
    "type": "object",
    "required": ["number", "procedure", "state", "state_title", "next_step", "authority", "deadline"],
    "properties": {
        "number": {"type": "string"},
        "procedure": {"type": "string", "enum": list(PROCEDURES)},
        "state": {"type": "string"},
        "state_title": ZH_EN,
        "next_step": ZH_EN,
        "authority": {"type": ["object", "null"]},
        "deadline": {
            "anyOf": [
                {"type": "null"},
                {
                    "type": "object",
                    "required": ["due", "provisional"],
                    "properties": {"due": {"type": "string", "format": "date"}, "provisional": {"type": "boolean"}},
                },
            ]
        },
    },
}
FILE_READY = {
    "type": "boolean",
    "description": "false while the document is being issued (正在签发): a bulk action committed its number and "
    "snapshot and the worker is still rendering and signing its PDF; the download answers 202 until then",
}
DOCUMENT = {
    "type": "object",
    "required": ["number", "kind", "status", "url", "verify_url"],
    "properties": {
        "number": {"type": "string"},
        "kind": {"type": "string"},
        "status": {"type": "string", "enum": ["valid", "revoked", "expired", "superseded", "cancelled"]},
        "file_ready": FILE_READY,
        "sha256": {"type": ["string", "null"], "description": "of the PDF file; null while it is being issued"},
        "url": {"type": "string"},
        "verify_url": {"type": "string"},
    },
}
VERIFIED = {
    "type": "object",
    "required": ["number", "kind", "holder", "issued_at", "status", "facts", "signature"],
    "properties": {
        "status": {"type": "string", "enum": ["valid", "revoked", "expired", "superseded", "cancelled"]},
        "superseded_by": {"type": "string", "description": "the document now in force"},
        "file_ready": FILE_READY,
        "sha256": {"type": ["string", "null"], "description": "of the PDF file; null while it is being issued"},
        "signature": {"$ref": "#/components/schemas/Signature"},
    },
}
RATE_LIMITED = {
    "429": {
        "description": "too many wrong pairs from this address: wait Retry-After seconds",
        "headers": {"Retry-After": {"schema": {"type": "integer", "minimum": 1}}},
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
}
SECURE = [{"bearer": []}]


@lru_cache(maxsize=1)
def document() -> dict:
    fields = {
        name: {
            "type": "object",
            "additionalProperties": False,
            # null or "" leaves a field empty (clears it in a PATCH): a draft is filled in over time
            "properties": {f.name: {"anyOf": [_field_schema(f), {"const": ""}, {"type": "null"}]} for f in p.fields},
        }
        for name, p in PROCEDURES.items()
    }
    any_fields = {"oneOf": [{"$ref": f"#/components/schemas/Fields_{n}"} for n in PROCEDURES]}
    paths = {
        "/api/v1/tokens": {
            "post": {
                "summary": "log in, get a bearer token",
                "security": [],
                "requestBody": _json(
                    {
                        "type": "object",
                        "required": ["username", "password"],
                        "properties": {
                            "username": {"type": "string", "minLength": 1},
                            "password": {"type": "string", "minLength": 1},
                        },
                    }
                ),
                "responses": {**_ok({"type": "object"}, 201), **_errors(400, 401, 422, 423)},
            }
        },
        "/api/v1/tokens/current": {
            "delete": {
                "summary": "revoke the bearer token of this request (log out of the API)",
                "responses": {"204": {"description": "revoked"}, **_errors(401)},
            }
        },
        "/api/v1/users": {
            "post": {
                "summary": "admin: create a user (logged in the security log)",
                "requestBody": _json(
                    {
                        "type": "object",
                        "required": ["username", "password", "role"],
                        "properties": {
                            "username": {"type": "string"},
                            "password": {"type": "string"},
                            "role": {"type": "string"},
                            "authority": {"type": "string", "description": "division code:kind, for staff roles"},
                            "display_name": {"type": "string"},
                            "email": {"type": "string"},
                        },
                    }
                ),
                "responses": {
                    **_ok({"type": "object", "required": ["username", "role"]}, 201),
                    **_errors(400, 401, 403, 422),
                },
            }
        },
        "/api/v1/holidays": {
            "post": {
                "summary": "admin: load a holiday file (lines YYYY-MM-DD,holiday|workday,name and year,YYYY); the same "
                "file again changes nothing",
                "requestBody": _json(
                    {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}}
                ),
                "responses": {
                    **_ok({"type": "object", "required": ["days", "years", "recounted", "changed"]}),
                    **_errors(400, 401, 403, 422),
                },
            }
        },
        "/api/v1/users/{username}/lock": {
            "post": {
                "summary": "admin: lock an account until an admin unlocks it; its sessions and tokens end",
                "parameters": [USERNAME],
                "responses": {**_ok({"type": "object"}), **_errors(401, 403, 404)},
            }
        },
        "/api/v1/account/password": {
            "post": {
                "summary": "change one's own password; every session and token of the account ends",
                "requestBody": _json(
                    {
                        "type": "object",
                        "required": ["current_password", "new_password"],
                        "properties": {"current_password": {"type": "string"}, "new_password": {"type": "string"}},
                    }
                ),
                "responses": {**_ok({"type": "object"}), **_errors(400, 401, 422)},
            }
        },
        "/api/v1/applications/{app_id}/claim": {
            "post": {
                "summary": "staff: take the application to handle (only who may act on its current step)",
                "parameters": ID,
                "responses": {**_ok({"type": "object"}), **_errors(401, 403, 404, 409)},
            },
            "delete": {
                "summary": "staff: release an application one holds",
                "parameters": ID,
                "responses": {**_ok({"type": "object"}), **_errors(401, 404, 409)},
            },
        },
        "/api/v1/users/{username}/unlock": {
            "post": {
                "summary": "admin: unlock an account locked after failed logins (logged in the security log)",
                "parameters": [USERNAME],
                "responses": {**_ok({"type": "object"}), **_errors(401, 403, 404)},
            }
        },
        "/api/v1/users/{username}/tokens": {
            "delete": {
                "summary": "admin: revoke every API token and web session of a user (logged in the security log)",
                "parameters": [USERNAME],
                "responses": {**_ok({"type": "object", "required": ["revoked"]}), **_errors(401, 403, 404)},
            }
        },
        "/api/v1/addresses/unlock": {
            "post": {
                "summary": "admin: unlock a network address locked after failed logins",
                "requestBody": _json(
                    {"type": "object", "required": ["address"], "properties": {"address": {"type": "string"}}}
                ),
                "responses": {**_ok({"type": "object"}), **_errors(400, 401, 403, 404, 422)},
            }
        },
        "/api/v1/security-log": {
            "get": {
                "summary": "admins and auditors: the hash-chained log of admin and account actions",
                "responses": {**_ok({"type": "object", "required": ["items", "intact"]}), **_errors(401, 403)},
            }
        },
        "/api/v1/procedures": {"get": {"security": [], "responses": _ok({"type": "array"})}},
        "/api/v1/procedures/{name}": {
            "get": {"security": [], "parameters": PROCEDURE, "responses": {**_ok({"type": "object"}), **_errors(404)}}
        },
        "/api/v1/procedures/{name}/diagram.svg": {
            "get": {"security": [], "parameters": [*PROCEDURE, LANG], "responses": {**SVG, **_errors(404, 422)}}
        },
        "/api/v1/calendar/years": {"get": {"security": [], "responses": _ok({"type": "object"})}},
        "/api/v1/openapi.json": {"get": {"security": [], "responses": _ok({"type": "object"})}},
        "/api/v1/authorities/{key}/settings": {
            "get": {
                "parameters": AUTHORITY,
                "responses": {**_ok({"type": "object", "required": ["authority", "settings"]}), **_errors(401, 404)},
            },
            "put": {
                "parameters": AUTHORITY,
                "requestBody": _json(
                    {"type": "object", "required": ["fire_mode"], "properties": {"fire_mode": {"type": "string"}}}
                ),
                "responses": {
                    **_ok({"type": "object", "required": ["authority", "settings"]}),
                    **_errors(400, 401, 403, 404, 422),
                },
            },
        },
        "/api/v1/applications/{app_id}/attachments/{att_id}": {
            "get": {
                "parameters": ATT_ID,
                "responses": {"200": {"description": "the file, as a download"}, **_errors(401, 404)},
            },
            "delete": {
                "parameters": ATT_ID,
                "responses": {"204": {"description": "removed"}, **_errors(401, 403, 404, 409)},
            },
        },
        "/api/v1/applications/{app_id}/diagram.svg": {
            "get": {"parameters": [*ID, LANG], "responses": {**SVG, **_errors(401, 404, 422)}}
        },
        "/api/v1/eligibility/{procedure}": {
            "post": {
                "security": [],
                "parameters": [{**PROCEDURE[0], "name": "procedure"}],
                "requestBody": _json({"type": "object", "properties": {"fields": any_fields}}),
                "responses": {
                    **_ok(
                        {
                            "type": "object",
                            "properties": {
                                "eligible": {"type": "boolean"},
                                "route": {"type": ["string", "null"]},
                                "reasons": {"type": "array"},
                            },
                        }
                    ),
                    **_errors(400, 404, 422),
                },
            }
        },
        "/api/v1/calendar/add-working-days": {
            "get": {
                "security": [],
                "parameters": [
                    {"name": "from", "in": "query", "required": True, "schema": {"type": "string", "format": "date"}},
                    {
                        "name": "days",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "integer", "minimum": 0, "maximum": 3650},
                    },
                ],
                "responses": {
                    **_ok(
                        {
                            "type": "object",
                            "properties": {"due": {"type": "string"}, "provisional": {"type": "boolean"}},
                        }
                    ),
                    **_errors(422),
                },
            }
        },
        "/api/v1/calendar/period-end": {
            "get": {
                "security": [],
                "parameters": [
                    {"name": "from", "in": "query", "required": True, "schema": {"type": "string", "format": "date"}},
                    {
                        "name": "years",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "integer", "minimum": 1, "maximum": 100},
                    },
                ],
                "responses": {**_ok({"type": "object"}), **_errors(422)},
            }
        },
        "/api/v1/applications": {
            "get": {
                "parameters": [
                    {"name": n, "in": "query", "required": False, "schema": s}
                    for n, s in (
                        ("procedure", {"type": "string"}),
                        ("state", {"type": "string"}),
                        ("overdue", {"type": "string", "enum": ["true", "false"]}),
                        ("page", {"type": "integer", "minimum": 1}),
                        ("per_page", {"type": "integer", "minimum": 1, "maximum": 100}),
                    )
                ],
                "responses": {
                    **_ok(
                        {
                            "type": "object",
                            "required": ["items", "total"],
                            "properties": {
                                "items": {"type": "array"},
                                "total": {"type": "integer", "minimum": 0},
                                "total_capped": {
                                    "type": "boolean",
                                    "description": "true when more than 1,000 match: "
                                    "`total` is then 1000 and the pages show 1000+",
                                },
                            },
                        }
                    ),
                    **_errors(401, 422),
                },
            },
            "post": {
                "requestBody": _json(
                    {
                        "type": "object",
                        "required": ["procedure"],
                        "additionalProperties": False,
                        "properties": {"procedure": {"type": "string", "enum": list(PROCEDURES)}, "fields": any_fields},
                    }
                ),
                "responses": {**_ok(APP, 201), **_errors(400, 401, 403, 422)},
            },
        },
        "/api/v1/applications/{app_id}": {
            "get": {"parameters": ID, "responses": {**_ok(APP), **_errors(401, 404)}},
            "patch": {
                "parameters": ID,
                "requestBody": _json(
                    {
                        "type": "object",
                        "required": ["fields"],
                        "properties": {"fields": any_fields, "version": {"type": "integer"}},
                    }
                ),
                "responses": {**_ok(APP), **_errors(400, 401, 403, 404, 409, 422)},
            },
        },
        "/api/v1/applications/{app_id}/attachments": {
            "post": {
                "parameters": ID,
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["kind", "file"],
                                "properties": {
                                    "kind": {"type": "string"},
                                    "file": {"type": "string", "format": "binary"},
                                },
                            }
                        }
                    },
                },
                "responses": {**_ok({"type": "object"}, 201), **_errors(401, 403, 404, 409, 413, 415, 422)},
            },
            "get": {"parameters": ID, "responses": {**_ok({"type": "object"}), **_errors(401, 404)}},
        },
        "/api/v1/applications/{app_id}/events": {
            "post": {
                "parameters": ID,
                "requestBody": _json(
                    {
                        "type": "object",
                        "required": ["event", "version"],
                        "properties": {
                            "event": {"type": "string"},
                            "version": {"type": "integer"},
                            "comment": {"type": "string"},
                            "data": {"type": "object"},
                        },
                    }
                ),
                # 503 signing_unavailable: an event that issues a document cannot sign it (keys, passphrase, TSA)
                "responses": {**_ok(APP), **_errors(400, 401, 403, 404, 409, 422, 503)},
            },
            "get": {"parameters": ID, "responses": {**_ok({"type": "array"}), **_errors(401, 404)}},
        },
        "/api/v1/documents/{number}.pdf": {
            "get": {
                "parameters": [{"name": "number", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {
                    "200": {"description": "the PDF", "content": {"application/pdf": {}}},
                    "202": {
                        "description": "being issued (正在签发): the document is numbered, its PDF not rendered yet "
                        "(a bulk action's; the worker renders it); retry after Retry-After seconds",
                        "headers": {"Retry-After": {"schema": {"type": "integer", "minimum": 1}}},
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                    **_errors(401, 404),
                },
            }
        },
        "/api/v1/draws": {
            "post": {
                "requestBody": _json(
                    {
                        "type": "object",
                        "properties": {
                            "ratios": {
                                "type": "object",
                                "properties": {
                                    c.name: {"type": "number", "minimum": 0, "maximum": 1}
                                    for p in PROCEDURES.values()
                                    if p.draw
                                    for c in p.draw.categories
                                    if not c.always
                                },
                            }
                        },
                    }
                ),
                "responses": {
                    **_ok(
                        {"type": "object", "required": ["id", "seed", "ratios", "selected", "closed", "inspectors"]},
                        201,
                    ),
                    **_errors(400, 401, 403, 422),
                },
            },
            "get": {"security": [], "responses": _ok({"type": "object"})},
        },
        "/api/v1/draws/{draw_id}": {
            "get": {"security": [], "parameters": DRAW_ID, "responses": {**_ok({"type": "object"}), **_errors(404)}}
        },
        "/api/v1/draws/{draw_id}/verify": {
            "get": {
                "security": [],
                "parameters": DRAW_ID,
                "responses": {**_ok({"type": "object", "required": ["reproduced"]}), **_errors(404)},
            }
        },
        "/api/v1/applications/{app_id}/evaluation": {
            "post": {
                "parameters": ID,
                "requestBody": _json(
                    {
                        "type": "object",
                        "required": ["score"],
                        "properties": {
                            "score": {"type": "integer", "minimum": 1, "maximum": 5},
                            "comment": {"type": "string", "maxLength": 500},
                        },
                    }
                ),
                "responses": {**_ok({"type": "object"}, 201), **_errors(400, 401, 403, 404, 409, 422)},
            },
            "get": {"parameters": ID, "responses": {**_ok({"type": "object"}), **_errors(401, 404)}},
        },
        "/api/v1/stats": {
            "get": {
                "parameters": [
                    {"name": n, "in": "query", "required": False, "schema": s}
                    for n, s in (
                        ("procedure", {"type": "string", "enum": list(PROCEDURES)}),
                        ("from", {"type": "string", "format": "date"}),
                        ("to", {"type": "string", "format": "date"}),
                        ("authority", {"type": "string"}),
                    )
                ],
                "responses": {
                    **_ok(
                        {
                            "type": "object",
                            "required": [
                                "total",
                                "states",
                                "decided",
                                "median_working_days",
                                "open_overdue",
                                "evaluations",
                            ],
                        }
                    ),
                    **_errors(401, 403, 422),
                },
            }
        },
        "/api/v1/notifications": {"get": {"responses": {**_ok({"type": "object"}), **_errors(401)}}},
        "/api/v1/progress": {
            "get": {
                "security": [],
                "summary": "办件进度查询: an application's state, next step, authority and deadline, by its "
                "number and the holder's credit code (a wrong pair answers as an unknown number; rate-limited per address)",
                "parameters": PAIR,
                "responses": {**_ok(PROGRESS), **_errors(404, 422), **RATE_LIMITED},
            }
        },
        "/api/v1/verify": {
            "get": {
                "security": [],
                "summary": "verify a document by its number and the holder's credit code (a wrong pair "
                "answers as an unknown document; rate-limited per address)",
                "parameters": PAIR,
                "responses": {**_ok(VERIFIED), **_errors(404, 422), **RATE_LIMITED},
            }
        },
        "/api/v1/verify/{token}": {
            "get": {
                "security": [],
                "parameters": [{"name": "token", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {**_ok(VERIFIED), **_errors(404)},
            }
        },
    }
    document = add_registers(
        {
            "openapi": "3.1.0",
            "info": {
                "title": "Bianmin 便民 API",
                "version": "1",
                "description": "Business registration and permit workflows of Harbin (DOMAIN.md, API.md).",
            },
            "servers": [{"url": "/"}],
            "security": SECURE,
            "paths": paths,
            "components": {
                "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
                "schemas": {
                    "Error": ERROR,
                    "Signature": SIGNATURE,
                    "Application": {
                        "type": "object",
                        "required": [
                            "id",
                            "number",
                            "procedure",
                            "state",
                            "version",
                            "fields",
                            "applicant",
                            "authority",
                            "available_events",
                            "deadline",
                            "eligibility",
                            "correction_items",
                            "documents",
                        ],
                        "properties": {
                            "documents": {"type": "array", "items": {"$ref": "#/components/schemas/Document"}}
                        },
                    },
                    "Document": DOCUMENT,
                    **{f"Fields_{n}": s for n, s in fields.items()},
                },
            },
        }
    )
    for operations in document["paths"].values():
        for operation in operations.values():
            operation["responses"].update(
                {code: spec for code, spec in _errors(400, 503).items() if code not in operation["responses"]}
            )
    return document
