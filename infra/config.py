"""Configuration: working defaults, overridden by BIANMIN_* environment variables."""
from __future__ import annotations

import os
from pathlib import Path

DEFAULTS = {
    "SECRET_KEY": "dev-only-change-me",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "MAX_CONTENT_LENGTH": 12 * 1024 * 1024,       # a little over the upload limit, so 413 is ours
    "UPLOAD_MAX_BYTES": 10 * 1024 * 1024,         # [cfg] 10 MiB per attachment
    "MAX_JSON_BYTES": 256 * 1024,
    "TOKEN_HOURS": 8,
    "LOCKOUT_FAILURES": 5,                        # [cfg] failures in a row before a lock
    "LOCKOUT_MINUTES": 15,
    "LOCKOUT_ADDRESS_FAILURES": 50,               # [cfg] failures from one address (any accounts) within LOCKOUT_MINUTES
    "LOCKOUT_ADDRESS_EXEMPT": "127.0.0.1,::1",    # addresses never locked (the machine itself: cron, health checks)
    "PROXY_COUNT": 0,                             # reverse proxies in front (nginx: 1): trust their X-Forwarded-For/-Proto
    "CROSS_COUNTY_PREMISE": False,                # [cfg] cross-county 一照多址, off
    "BASE_URL": "",                               # for QR codes; empty: the request's own host
    "WTF_CSRF_TIME_LIMIT": None,
    "PER_PAGE_MAX": 100,
    # operations (README "Running in production"): empty means "not configured", and the app still works
    "REDIS_URL": "",                              # background work on RQ; empty: run it inline
    "RQ_QUEUE": "bianmin",
    "SMTP_HOST": "",                              # e-mail for notifications; empty: in-app only
    "SMTP_PORT": 25,
    "SMTP_USER": "",
    "SMTP_PASSWORD": "",
    "SMTP_FROM": "bianmin@localhost",
    "SMTP_STARTTLS": False,
    "LOG_JSON": False,                            # one JSON object per log line, with the request id
    "METRICS_TOKEN": "",                          # if set, /metrics wants "Authorization: Bearer <token>"
    # document signing (docs/DEPLOY.md "Signing keys"): the keys' folder defaults into the instance folder; an
    # empty passphrase means the one `flask keys init` generated there (the embedded demo only)
    "KEYS_PASSPHRASE": "",
    "SIGNING_TSA_URL": "",                        # an RFC 3161 timestamp authority: PAdES B-T instead of B-B
}

INTS = {"UPLOAD_MAX_BYTES", "MAX_JSON_BYTES", "TOKEN_HOURS", "LOCKOUT_FAILURES", "LOCKOUT_MINUTES", "LOCKOUT_ADDRESS_FAILURES",
        "MAX_CONTENT_LENGTH", "PER_PAGE_MAX", "SMTP_PORT", "PROXY_COUNT"}
BOOLS = {"CROSS_COUNTY_PREMISE", "SMTP_STARTTLS", "LOG_JSON"}


def from_environment(instance_path: str) -> dict:
    """Defaults, then BIANMIN_<NAME> variables; the database and storage default into the instance folder."""
    cfg = dict(DEFAULTS)
    cfg["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(instance_path) / 'bianmin.sqlite'}"
    cfg["STORAGE_DIR"] = str(Path(instance_path) / "storage")
    cfg["KEYS_DIR"] = str(Path(instance_path) / "keys")
    for key, value in os.environ.items():
        if not key.startswith("BIANMIN_"):
            continue
        name = key[len("BIANMIN_"):]
        if name == "DATABASE_URL":
            cfg["SQLALCHEMY_DATABASE_URI"] = value
        elif name in INTS:
            cfg[name] = int(value)
        elif name in BOOLS:
            cfg[name] = value.lower() in ("1", "true", "yes", "on")
        else:
            cfg[name] = value
    return cfg


def engine_options(uri: str) -> dict:
    """SQLite: WAL, durable commits, waits for the write lock; PostgreSQL: a pool of connections renewed every
    half hour. No pre-ping: it costs a round trip before every request's first query, and a connection the
    database dropped (a restart) invalidates the pool on its first error, so one request per worker fails then."""
    if uri.startswith("sqlite"):
        return {"connect_args": {"timeout": 30, "check_same_thread": False}}
    return {"pool_recycle": 1800, "pool_size": 10, "max_overflow": 20}
