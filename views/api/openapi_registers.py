"""The registers' and enterprises' part of the OpenAPI document: the open-data schema of each register (its
common columns and its declared facts), the search, the exports and the enterprise object."""

from __future__ import annotations

from models.base import ID_MAX
from vocabulary import DIVISIONS
from workflows.credit_code import CHARSET
from workflows.ledger import registers
from workflows.register_search import CAP, PAGE_MAX, PER_PAGE_MAX, Q_MAX

CODE = {"type": "string", "pattern": f"^[{CHARSET}]{{18}}$", "description": "统一社会信用代码 (GB 32100-2015)"}
DATE = {"type": ["string", "null"], "format": "date"}
TITLE = {"type": "object", "required": ["zh", "en"], "properties": {"zh": {"type": "string"}, "en": {"type": "string"}}}
FACT_TYPES = {
    "string": {"type": ["string", "null"]},
    "integer": {"type": ["integer", "null"]},
    "number": {"type": ["number", "null"]},
    "boolean": {"type": ["boolean", "null"]},
    "date": DATE,
    "array": {"type": ["array", "null"], "items": {"type": "string"}},
}
ENTRY = {
    "type": "object",
    "required": [
        "id",
        "register",
        "status",
        "status_title",
        "in_force",
        "since",
        "until",
        "name",
        "enterprise",
        "address",
        "division",
        "division_name",
        "street",
        "street_name",
        "changed_on",
        "facts",
    ],
    "properties": {
        "id": {"type": "integer", "minimum": 1},
        "register": {"type": "string"},
        "status": {"type": "string"},
        "status_title": TITLE,
        "in_force": {"type": "boolean"},
        "since": DATE,
        "until": DATE,
        "name": {"type": "string", "description": "the enterprise, facility or institution (what q searches)"},
        "enterprise": {
            "type": "object",
            "required": ["name", "credit_code"],
            "properties": {"name": {"type": ["string", "null"]}, "credit_code": {"type": ["string", "null"]}},
        },
        "address": {"type": "string", "description": "division + street office + address, each once"},
        "division": {"type": ["string", "null"]},
        "division_name": {"anyOf": [TITLE, {"type": "null"}]},
        "street": {"type": ["string", "null"], "description": "the street office's 9-digit code, when known"},
        "street_name": {"type": ["string", "null"]},
        "changed_on": DATE,
        "facts": {"type": "object", "description": "the register's own public facts (see RegisterEntry_<name>)"},
    },
}
ERRORS = {
    str(c): {
        "description": "error",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    for c in (401, 403, 404, 409, 413, 415, 422)
}


def _errors(*codes: int) -> dict:
    return {str(c): ERRORS[str(c)] for c in codes}


def _ok(schema: dict, code: int = 200) -> dict:
    return {str(code): {"description": "OK", "content": {"application/json": {"schema": schema}}}}


def _query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def schemas() -> dict:
    out = {
        "RegisterEntry": ENTRY,
        "Enterprise": {
            "type": "object",
            "required": ["credit_code", "name", "domicile", "registered_scope", "entries"],
            "properties": {
                "credit_code": CODE,
                "name": {"type": "string"},
                "domicile": {"type": ["object", "null"]},
                "registered_scope": {"type": ["string", "null"]},
                "entries": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["id", "register", "status", "since", "until", "next_date", "document"],
                        "properties": {
                            "next_date": {"type": ["object", "null"], "description": "the soonest of `dates`"},
                            "dates": {"type": "array"},
                            "document": {"type": ["object", "null"]},
                        },
                    },
                },
                "account": {"type": "object", "description": "(applicants) how this account acts for it"},
            },
        },
        "EnterpriseAccount": {
            "type": "object",
            "required": ["credit_code", "name", "capacity", "acting"],
            "properties": {
                "credit_code": CODE,
                "name": {"type": "string"},
                "capacity": {"type": "string", "enum": ["own", "agent"]},
                "acting": {
                    "type": "boolean",
                    "description": "own accounts at once; agents with a power of attorney on file",
                },
                "power_of_attorney": {"type": ["object", "null"]},
            },
        },
    }
    for name, reg in registers().items():
        facts = {
            "type": "object",
            "required": [f.key for f in reg.facts],
            "properties": {
                f.key: {
                    **FACT_TYPES[f.type],
                    "description": f"{f.zh} / {f.en}",
                    **({"enum": [c[0] for c in f.choices] + [None]} if f.choices else {}),
                }
                for f in reg.facts
            },
        }
        out[f"RegisterEntry_{name}"] = {
            "allOf": [
                {"$ref": "#/components/schemas/RegisterEntry"},
                {
                    "type": "object",
                    "properties": {"status": {"type": "string", "enum": list(reg.statuses)}, "facts": facts},
                },
            ]
        }
    return out


def paths() -> dict:
    names = list(registers())
    name = {"name": "name", "in": "path", "required": True, "schema": {"type": "string", "enum": names}}
    code = {"name": "credit_code", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 40}}
    search = [
        _query("q", {"type": "string", "maxLength": Q_MAX}, "a part of the name (case-insensitive)"),
        _query("credit_code", CODE, "the holder's credit code, exactly"),
        _query("division", {"type": "string", "enum": sorted(DIVISIONS)}, "a county-level division code"),
        _query("street", {"type": "string", "pattern": "^2301[0-9]{5}$"}, "a street office's 9-digit code"),
        _query("status", {"type": "string"}, "one of the register's statuses"),
        _query("page", {"type": "integer", "minimum": 1, "maximum": PAGE_MAX}, "1 first"),
        _query("per_page", {"type": "integer", "minimum": 1, "maximum": PER_PAGE_MAX}, "default 20"),
    ]
    export = (
        "The whole register (open data), streamed in id order. Fields, in this order: the register's "
        "`fields` (GET /api/v1/registers): the common columns, then its own facts."
    )
    return {
        "/api/v1/registers": {
            "get": {
                "security": [],
                "summary": "the registers, their statuses and fields",
                "responses": _ok({"type": "object", "required": ["items"]}),
            }
        },
        "/api/v1/registers/{name}": {
            "get": {
                "security": [],
                "summary": "search a register: newest first, public facts only",
                "parameters": [name, *search],
                "responses": {
                    **_ok(
                        {
                            "type": "object",
                            "required": ["register", "items", "total", "total_capped"],
                            "properties": {
                                "items": {"type": "array", "items": {"$ref": "#/components/schemas/RegisterEntry"}},
                                "total": {"type": "integer", "minimum": 0, "maximum": CAP},
                                "total_capped": {
                                    "type": "boolean",
                                    "description": f"more than {CAP} match: total is {CAP}",
                                },
                            },
                        }
                    ),
                    **_errors(404, 422),
                },
            }
        },
        "/api/v1/registers/{name}/{entry_id}": {
            "get": {
                "security": [],
                "parameters": [
                    name,
                    {
                        "name": "entry_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer", "minimum": 1, "maximum": ID_MAX},
                    },
                ],
                "responses": {**_ok({"$ref": "#/components/schemas/RegisterEntry"}), **_errors(404)},
            }
        },
        "/api/v1/registers/{name}.csv": {
            "get": {
                "security": [],
                "parameters": [name],
                "description": export
                + (
                    " CSV: RFC 4180, UTF-8, one header row of field names; true/false; empty for null; lists joined by ';'."
                ),
                "responses": {
                    "200": {
                        "description": "the register as CSV",
                        "content": {"text/csv": {"schema": {"type": "string"}}},
                    },
                    **_errors(404),
                },
            }
        },
        "/api/v1/registers/{name}.json": {
            "get": {
                "security": [],
                "parameters": [name],
                "description": export,
                "responses": {
                    **_ok(
                        {
                            "type": "object",
                            "required": ["register", "title", "fields", "items"],
                            "properties": {
                                "fields": {"type": "array"},
                                "items": {"type": "array", "items": {"$ref": "#/components/schemas/RegisterEntry"}},
                            },
                        }
                    ),
                    **_errors(404),
                },
            }
        },
        "/api/v1/enterprises": {
            "get": {
                "summary": "applicants: the enterprises this account acts for",
                "responses": {
                    **_ok(
                        {
                            "type": "object",
                            "required": ["items"],
                            "properties": {
                                "items": {"type": "array", "items": {"$ref": "#/components/schemas/EnterpriseAccount"}}
                            },
                        }
                    ),
                    **_errors(401, 403),
                },
            },
            "post": {
                "summary": "act for an enterprise, as itself (own) or as its agent",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["credit_code"],
                                "properties": {
                                    "credit_code": CODE,
                                    "capacity": {"type": "string", "enum": ["own", "agent"]},
                                    "name": {"type": "string", "maxLength": 200},
                                },
                            }
                        }
                    },
                },
                "responses": {
                    **_ok({"$ref": "#/components/schemas/EnterpriseAccount"}, 201),
                    **_errors(401, 403, 409, 422),
                },
            },
        },
        "/api/v1/enterprises/{credit_code}": {
            "get": {
                "summary": "the enterprise with its entries in force across registers and their next dates "
                "(accounts acting for it, staff, auditors)",
                "parameters": [code],
                "responses": {**_ok({"$ref": "#/components/schemas/Enterprise"}), **_errors(401, 404, 422)},
            }
        },
        "/api/v1/enterprises/{credit_code}/power-of-attorney": {
            "post": {
                "summary": "an agent's power of attorney, on file (PDF, PNG or JPEG)",
                "parameters": [code],
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["file"],
                                "properties": {"file": {"type": "string", "format": "binary"}},
                            }
                        }
                    },
                },
                "responses": {
                    **_ok({"$ref": "#/components/schemas/EnterpriseAccount"}, 201),
                    **_errors(401, 404, 409, 413, 415, 422),
                },
            }
        },
    }


def add_to(document: dict) -> dict:
    """The document with the registers' paths and schemas, and `enterprise` on POST /api/v1/applications."""
    document["paths"].update(paths())
    document["components"]["schemas"].update(schemas())
    create = document["paths"]["/api/v1/applications"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    create["properties"]["enterprise"] = {
        **CODE,
        "description": "prefill the fields from an enterprise this account acts for (the given fields win)",
    }
    return document
