"""Configuration: working defaults, overridden by BIANMIN_* environment variables."""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path
from urllib.parse import urlsplit

DEFAULTS = {
    "SECRET_KEY": "",  # empty: a random key kept in the instance folder (secret_key())
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "MAX_CONTENT_LENGTH": 12 * 1024 * 1024,  # a little over the upload limit, so 413 is ours
    "UPLOAD_MAX_BYTES": 10 * 1024 * 1024,  # [cfg] 10 MiB per attachment
    "MAX_JSON_BYTES": 256 * 1024,
    "TOKEN_HOURS": 8,
    "LOCKOUT_FAILURES": 5,  # [cfg] failures in a row before a lock
    "LOCKOUT_MINUTES": 15,
    "LOCKOUT_ADDRESS_FAILURES": 50,  # [cfg] failures from one address (any accounts) within LOCKOUT_MINUTES
    "LOCKOUT_ADDRESS_EXEMPT": "127.0.0.1,::1",  # addresses never locked (the machine itself: cron, health checks)
    "LOOKUP_FAILURES": 20,  # [cfg] wrong number + credit code pairs from one address within
    # LOCKOUT_MINUTES before public lookups answer 429
    "PROXY_COUNT": 0,  # reverse proxies in front (nginx: 1): trust their X-Forwarded-For/-Proto
    "CROSS_COUNTY_PREMISE": False,  # [cfg] cross-county 一照多址, off
    "BASE_URL": "",  # printed in documents and QR codes; empty: http://HOST:PORT
    "HOST": "127.0.0.1",  # where `flask run` / bin/run listen (BIANMIN_HOST, BIANMIN_PORT)
    "PORT": 5000,
    "TRUSTED_HOSTS": "",  # Host headers served; empty: the base URL's host + local names
    "WTF_CSRF_TIME_LIMIT": None,
    "PER_PAGE_MAX": 100,
    # operations (README "Running in production"): empty means "not configured", and the app still works
    "REDIS_URL": "",  # background work on RQ; empty: run it inline
    "RQ_QUEUE": "bianmin",
    "SMTP_HOST": "",  # e-mail for notifications; empty: in-app only
    "SMTP_PORT": 25,
    "SMTP_USER": "",
    "SMTP_PASSWORD": "",
    "SMTP_FROM": "bianmin@localhost",
    "SMTP_STARTTLS": False,
    "LOG_JSON": False,  # one JSON object per log line, with the request id
    "RETRY_AFTER_SECONDS": 30,  # Retry-After of a 503 while the database or storage is unreachable
    "METRICS_TOKEN": "",  # if set, /metrics wants "Authorization: Bearer <token>"
    # document signing (docs/DEPLOY.md "Signing keys"): the keys' folder defaults into the instance folder; an
    # empty passphrase means the one `flask keys init` generated there (the embedded demo only)
    "KEYS_PASSPHRASE": "",
    "SIGNING_TSA_URL": "",  # an RFC 3161 timestamp authority: PAdES B-T instead of B-B
}

INTS = {
    "UPLOAD_MAX_BYTES",
    "MAX_JSON_BYTES",
    "TOKEN_HOURS",
    "LOCKOUT_FAILURES",
    "LOCKOUT_MINUTES",
    "LOCKOUT_ADDRESS_FAILURES",
    "LOOKUP_FAILURES",
    "MAX_CONTENT_LENGTH",
    "PER_PAGE_MAX",
    "SMTP_PORT",
    "PROXY_COUNT",
    "PORT",
    "RETRY_AFTER_SECONDS",
}
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
        name = key[len("BIANMIN_") :]
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


SECRET_FILE = "secret_key"
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


def secret_key(instance_path: str) -> str:
    """The embedded default's signing key: made once at random into the instance folder (mode 0600) and read
    back on every start, so that sessions survive a restart and no two installations share a key. A
    constant default would let anyone forge a session; gunicorn.conf.py refuses to serve without
    BIANMIN_SECRET_KEY instead."""
    path = Path(instance_path) / SECRET_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # another process may have just created it and not yet written the key
            key = path.read_text().strip()
            if key:
                return key
            time.sleep(0.02)
        raise RuntimeError(f"{path} is empty: delete it (a new key is made) or set BIANMIN_SECRET_KEY") from None
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w") as fh:
        fh.write(key + "\n")
    return key


def local_base_url(cfg: dict) -> str:
    """The embedded default's own address (`flask run`, bin/run): what documents print when BASE_URL is unset."""
    host = str(cfg.get("HOST") or "127.0.0.1")
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{cfg.get('PORT') or 5000}"


def trusted_hosts(cfg: dict) -> list[str] | None:
    """Flask's TRUSTED_HOSTS: BIANMIN_TRUSTED_HOSTS (comma-separated, "*" for any), else the base URL's host
    and the machine's own names (health checks, the embedded default)."""
    configured = [h.strip() for h in str(cfg.get("TRUSTED_HOSTS") or "").split(",") if h.strip()]
    if configured == ["*"]:
        return None
    if configured:
        return configured
    names = [urlsplit(cfg["BASE_URL"]).hostname, *LOCAL_HOSTS, cfg.get("HOST")]
    # a wildcard bind address is no name a client sends
    return list(dict.fromkeys(str(n) for n in names if n and n not in ("0.0.0.0", "::")))


def resolve(cfg: dict, instance_path: str) -> list[str]:
    """Fill in what depends on other settings (the key, the base URL, the trusted hosts); returns warnings."""
    warnings = []
    if not cfg.get("SECRET_KEY"):
        cfg["SECRET_KEY"] = secret_key(instance_path)
    if not cfg.get("BASE_URL"):
        cfg["BASE_URL"] = local_base_url(cfg)
        warnings.append(
            f"BIANMIN_BASE_URL is not set: documents and QR codes print {cfg['BASE_URL']} "
            "(set it to the public address before issuing real documents)"
        )
    cfg["BASE_URL"] = cfg["BASE_URL"].rstrip("/")
    if isinstance(cfg.get("TRUSTED_HOSTS"), str):
        cfg["TRUSTED_HOSTS"] = trusted_hosts(cfg)
    return warnings
