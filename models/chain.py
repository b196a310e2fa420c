"""One hash-chain implementation for both logs (the applications' audit trails and the security log).

An entry's hash is sha256 over a canonical JSON of the columns its `hash_version` names, its predecessor's
hash among them. Version 1 (the first release) left the actor's id out; version 2 covers every column that
states a fact, so that changing any of them — who acted included — is caught. Old entries keep version 1
and stay verifiable; new ones are written with CURRENT.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime

GENESIS = "0" * 64
CURRENT = 2


def utc_text(at: datetime) -> str:
    """The same text for a time whether the database gave it back with or without its zone (SQLite)."""
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def chain_hash(values: Mapping, fields: tuple[str, ...]) -> str:
    """sha256 of `fields` of `values` (a row's attributes, or the dict of values about to be inserted)."""
    payload = {key: values[key] for key in fields}
    if "at" in payload:
        payload["at"] = utc_text(payload["at"])
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


class Chained:
    """A model whose rows form hash chains: HASHED maps each hash version to the columns it covers."""

    HASHED: dict[int, tuple[str, ...]] = {}
    hash_version: int | None  # a column of each chained model

    @classmethod
    def hash_of(cls, values: Mapping) -> str:
        """The hash of an entry given as a mapping (values to insert); its `hash_version`, else CURRENT."""
        version = values.get("hash_version") or CURRENT
        return chain_hash({**values, "hash_version": version}, cls.HASHED[version])

    def compute_hash(self) -> str:
        version = self.hash_version or CURRENT
        if version not in self.HASHED:  # a version this code does not know cannot be vouched for
            return ""
        return chain_hash({key: getattr(self, key) for key in self.HASHED[version]}, self.HASHED[version])
