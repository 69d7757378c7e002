"""Who may operate SnapMode: API keys with roles, stored hashed (see keys.py)."""

from snapmode.access.keys import ApiKey, KeyStore, Role, has_role

__all__ = ["ApiKey", "KeyStore", "Role", "has_role"]
