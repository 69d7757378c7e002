"""API keys of operators: created and revoked on the command line, checked by the API.

A key reads ``sm_<key_id>_<secret>``: the id is not secret (logs and ``keys list`` show it), the
secret is 32 random bytes. Only the SHA-256 of the whole key is stored: a random 256-bit secret
needs no slow password hash, and a leaked key file gives no usable key. Keys are local to a
deployment, in ``<home>/keys.sqlite3``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from snapmode.sqlite import connect

Role = Literal["operator", "admin"]
ROLES: tuple[Role, ...] = ("operator", "admin")  # each role may do everything the ones before it may
PREFIX = "sm"

_SCHEMA = """CREATE TABLE IF NOT EXISTS api_keys (
    key_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    key_hash TEXT NOT NULL,
    created_at REAL NOT NULL,
    revoked_at REAL
)"""


class ApiKey(BaseModel):
    """A key as stored: everything but the key itself."""

    key_id: str
    name: str
    role: Role
    created_at: float
    revoked_at: float | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def has_role(key: ApiKey, role: Role) -> bool:
    return ROLES.index(key.role) >= ROLES.index(role)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_id_of(key: str) -> str | None:
    """The id part of a well-formed key, else None."""
    prefix, _, rest = key.partition("_")
    key_id, _, secret = rest.partition("_")
    return key_id if prefix == PREFIX and key_id and secret else None


class KeyStore:
    def __init__(self, path: Path) -> None:
        self._db = connect(path)
        self._db.execute(_SCHEMA)

    def create(self, name: str, role: Role = "operator") -> tuple[ApiKey, str]:
        """A new key; the raw key is returned only here."""
        if not name.strip():
            raise ValueError("a key needs a name (who or what uses it)")
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
        key_id = secrets.token_hex(6)
        raw = f"{PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"
        record = ApiKey(key_id=key_id, name=name.strip(), role=role, created_at=time.time())
        self._db.execute(
            "INSERT INTO api_keys (key_id, name, role, key_hash, created_at) VALUES (?, ?, ?, ?, ?)",
            (record.key_id, record.name, record.role, _digest(raw), record.created_at),
        )
        return record, raw

    def list(self) -> list[ApiKey]:
        rows = self._db.execute(
            "SELECT key_id, name, role, created_at, revoked_at FROM api_keys ORDER BY created_at, key_id"
        ).fetchall()
        return [ApiKey(key_id=r[0], name=r[1], role=r[2], created_at=r[3], revoked_at=r[4]) for r in rows]

    def revoke(self, key_id: str) -> bool:
        """False if no active key has this id."""
        cursor = self._db.execute(
            "UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL", (time.time(), key_id)
        )
        return cursor.rowcount > 0

    def verify(self, key: str) -> ApiKey | None:
        """The active key this is, or None (unknown, malformed or revoked)."""
        key_id = key_id_of(key)
        if key_id is None:
            return None
        row = self._db.execute(
            "SELECT key_id, name, role, created_at, revoked_at, key_hash FROM api_keys WHERE key_id = ?", (key_id,)
        ).fetchone()
        if row is None or row[4] is not None or not hmac.compare_digest(row[5], _digest(key)):
            return None
        return ApiKey(key_id=row[0], name=row[1], role=row[2], created_at=row[3])

    def close(self) -> None:
        self._db.close()
