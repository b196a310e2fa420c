"""The app's side of signing: the key store as configured, and signature checks of stored files (cached)."""
from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from pathlib import Path

from flask import Flask, current_app

from infra import storage
from infra.keys import PASSPHRASE_FILE, KeyStore, SigningKey, SigningUnavailable
from pdf.sign import check

log = logging.getLogger(__name__)

__all__ = ["SigningUnavailable", "check_pdf", "check_stored", "init_app", "key_for", "store"]


def init_app(app: Flask) -> None:
    if not app.config.get("KEYS_PASSPHRASE") and (Path(app.instance_path) / PASSPHRASE_FILE).exists():
        app.logger.warning("BIANMIN_KEYS_PASSPHRASE is not set: the signing keys use the passphrase generated in "
                           "%s, which suits the embedded demo only; a deployment must set BIANMIN_KEYS_PASSPHRASE "
                           "(docs/DEPLOY.md, 'Signing keys')", Path(app.instance_path) / PASSPHRASE_FILE)


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


def key_for(authority: str) -> SigningKey:
    """The authority's ("230102:market_regulation") current signing key; SigningUnavailable if it cannot be had."""
    return store().signing_key(authority)


def check_pdf(data: bytes) -> dict:
    """What the first signature of `data` proves (pdf.sign.Check as a dict) and whose key made it, by our store."""
    keys = store()
    result = check(data, keys.trust_roots()).as_dict()
    fp = result["certificate_fingerprint"]
    result["authority"] = keys.authority_of(fp) if fp else None
    return result


# A stored document's check, per process, while its file is unchanged (same path, size and mtime) and the trust
# anchors are the same: validating costs ~15 ms, and every scan of a printed QR code asks again.
_CHECKED: OrderedDict = OrderedDict()
_LOCK = threading.Lock()
CACHE_SIZE = 20_000


def check_stored(relpath: str, sha256: str) -> dict:
    """check_pdf of a stored document's file; a missing or altered file is a failed check, not an exception."""
    path = storage.root() / relpath
    try:
        st = path.stat()
    except FileNotFoundError:
        return {"signed": False, "valid": False, "problem": "stored_file_missing"}
    roots = store().trust_roots()
    key = (str(path), st.st_size, st.st_mtime_ns, sha256, hash(roots))
    with _LOCK:
        found = _CHECKED.get(key)
        if found is not None:
            _CHECKED.move_to_end(key)
            return found
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != sha256:
        log.error("stored document %s no longer matches its recorded sha256", relpath)
        found = {"signed": False, "valid": False, "problem": "stored_file_altered"}
    else:
        found = check_pdf(data)
    with _LOCK:
        _CHECKED[key] = found
        while len(_CHECKED) > CACHE_SIZE:
            _CHECKED.popitem(last=False)
    return found
