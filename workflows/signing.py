"""The app's side of signing: the key store as configured, and signature checks of stored files (cached)."""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections import OrderedDict
from pathlib import Path

from flask import Flask, current_app

from pdf.keys import PASSPHRASE_FILE, KeyStore, SigningKey, SigningUnavailable, fingerprint
from pdf.sign import check

log = logging.getLogger(__name__)

__all__ = ["SigningUnavailable", "ca_pem", "ca_summary", "check_pdf", "check_stored", "init_app", "key_for", "store"]


def init_app(app: Flask) -> None:
    if not app.config.get("KEYS_PASSPHRASE") and (Path(app.instance_path) / PASSPHRASE_FILE).exists():
        app.logger.warning(
            "BIANMIN_KEYS_PASSPHRASE is not set: the signing keys use the passphrase generated in "
            "%s, which suits the embedded demo only; a deployment must set BIANMIN_KEYS_PASSPHRASE "
            "(docs/DEPLOY.md, 'Signing keys')",
            Path(app.instance_path) / PASSPHRASE_FILE,
        )


def passphrase() -> str:
    """BIANMIN_KEYS_PASSPHRASE, else the one `flask keys init` generated into the instance folder, else ''."""
    configured = current_app.config.get("KEYS_PASSPHRASE") or ""
    if configured:
        return configured
    try:
        return (Path(current_app.instance_path) / PASSPHRASE_FILE).read_text().strip()
    except FileNotFoundError:
        return ""


def store() -> KeyStore:
    return KeyStore(current_app.config["KEYS_DIR"], passphrase())


def _certificates() -> KeyStore:
    """The key store for its public part (certificates, trust anchors): checking needs no passphrase."""
    return KeyStore(current_app.config["KEYS_DIR"])


def key_for(authority: str) -> SigningKey:
    """The authority's ("230102:market_regulation") current signing key; SigningUnavailable if it cannot be had."""
    return store().signing_key(authority)


def ca_pem() -> bytes | None:
    """The deployment CA's certificate (PEM), public: readers trust it to check documents offline."""
    path = Path(current_app.config["KEYS_DIR"]) / "ca.crt.pem"
    return path.read_bytes() if path.exists() else None


def ca_summary() -> dict | None:
    """Subject and SHA-256 fingerprint of the deployment CA, for the verification page."""
    keys = _certificates()
    if not keys.has_ca():
        return None
    cert = keys.ca_certificate()
    return {
        "subject": cert.subject.rfc4514_string(),
        "fingerprint": fingerprint(cert),
        "not_after": cert.not_valid_after_utc.date().isoformat(),
    }


def check_pdf(data: bytes) -> dict:
    """What the first signature of `data` proves (pdf.sign.Check as a dict) and whose key made it, by our store."""
    keys = _certificates()
    result = check(data, keys.trust_roots()).as_dict()
    fp = result["certificate_fingerprint"]
    result["authority"] = keys.authority_of(fp) if fp else None
    return result


# A stored document's check, per process: validating costs ~15 ms, and every scan of a printed QR code asks again.
# Two levels: a file (path, size, mtime) whose bytes were read and found to be the recorded sha256, and the check
# of those bytes under the current trust anchors. Either changes, the check is made again.
_FILES: OrderedDict = OrderedDict()
_CHECKS: OrderedDict = OrderedDict()
_LOCK = threading.Lock()
CACHE_SIZE = 20_000


def _cached(cache: OrderedDict, key, make):
    with _LOCK:
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
    value = make()
    with _LOCK:
        cache[key] = value
        while len(cache) > CACHE_SIZE:
            cache.popitem(last=False)
    return value


def check_stored(relpath: str, sha256: str) -> dict:
    """check_pdf of a stored document's file; a missing or altered file is a failed check, not an exception."""
    # not storage.root(), which makes the folder on each call; strings, not pathlib: this runs on every verification
    path = os.path.join(current_app.config["STORAGE_DIR"], relpath)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return {"signed": False, "valid": False, "problem": "stored_file_missing"}
    data: list[bytes] = []

    def read() -> bytes:
        with open(path, "rb") as fh:
            return fh.read()

    def read_and_compare() -> bool:
        data.append(read())
        return hashlib.sha256(data[0]).hexdigest() == sha256

    if not _cached(_FILES, (path, st.st_size, st.st_mtime_ns, sha256), read_and_compare):
        log.error("stored document %s no longer matches its recorded sha256", relpath)
        return {"signed": False, "valid": False, "problem": "stored_file_altered"}
    roots = _certificates().trust_roots()
    return _cached(_CHECKS, (sha256, roots), lambda: check_pdf(data[0] if data else read()))
