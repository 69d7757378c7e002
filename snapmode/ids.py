"""Deterministic keys: every write is an upsert keyed by these, so replays never duplicate."""

from __future__ import annotations

import hashlib

from w3lib.url import canonicalize_url


def canonical(url: str) -> str:
    return canonicalize_url(url, keep_fragments=False)


def _digest(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:20]


def product_id(url: str) -> str:
    return _digest(canonical(url))


def site_id(url: str) -> str:
    return _digest("site", canonical(url))


def vector_id(image_url: str, box: tuple[int, int, int, int], view: str | None = None) -> str:
    """A region's key; a detail view (``view``) of the same box gets a key of its own."""
    return _digest(canonical(image_url), ",".join(map(str, box)), *([view] if view else []))
