"""Key operations: the deployment CA and each authority's document-signing certificate (DOMAIN §0, Documents),
each change with its security-log entry (after the files are in place: a key on disk without its entry is
harmless, an entry naming a key that is not there would mislead the auditor)."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import select

from models import Authority, db
from pdf.keys import KeyStore, SigningUnavailable
from workflows import security, signing


class Initialised(NamedTuple):
    directory: str
    ca_created: bool
    certificates: list[str]


def init_keys(store: KeyStore) -> Initialised:
    """The CA if missing, and a certificate for every authority that has none (idempotent)."""
    authorities = (
        db.session.execute(select(Authority).order_by(Authority.division_code, Authority.kind)).scalars().all()
    )
    if not authorities:
        raise SigningUnavailable(
            "数据库中还没有机关：请先运行 flask init-db", "no authorities in the database: run `flask init-db` first"
        )
    made_ca = store.ensure_ca()
    store.check_passphrase()  # an existing store opened with the wrong passphrase fails here
    made = []
    for authority in authorities:
        if store.current(authority.key) is None:
            store.issue(authority.key, authority.name)
            made.append(authority.key)
    if made_ca or made:
        security.record("keys.init", None, str(store.dir), {"ca_created": made_ca, "certificates": len(made)})
    return Initialised(str(store.dir), made_ca, made)


def import_certificate(authority: Authority, p12: bytes, password: str | None) -> tuple[str, bool]:
    """Sign `authority`'s documents with a certificate and key from a real CA: (fingerprint, installed)."""
    fp, installed = signing.store().import_p12(authority.key, p12, password)
    if installed:
        security.record("keys.import", None, authority.key, {"fingerprint": fp})
    return fp, installed


def rotate_key(authority: Authority) -> tuple[str | None, str]:
    """A new key and certificate; documents signed before keep verifying with the old certificate."""
    store = signing.store()
    old = store.current(authority.key)
    new = store.issue(authority.key, authority.name)
    security.record("keys.rotate", None, authority.key, {"old": old, "new": new})
    return old, new
