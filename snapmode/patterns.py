"""Operators' include/exclude patterns, compiled with RE2 so that matching a URL takes linear time.

Python's ``re`` backtracks: a pattern such as ``(a+)+$`` takes exponential time on a URL that almost
matches, and one such pattern would hang the crawler on every link it checks. RE2 guarantees time linear
in the URL's length; the price is that backreferences and lookaround assertions do not exist, so patterns
that use them are refused with the reason when a site is registered or changed.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Protocol

import re2

_SHOWN_CHARS = 100  # of a refused pattern, or of RE2's reason, quoted in the error
_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # the reason goes into the error raised, not to stderr


class Pattern(Protocol):
    def search(self, text: str) -> object | None: ...


@lru_cache(maxsize=256)  # a site's scope is built for every page it records
def compile_pattern(pattern: str) -> Pattern:
    """The compiled pattern, searched anywhere in a URL; ``ValueError`` naming the pattern and why it cannot be."""
    try:
        return re2.compile(pattern, _OPTIONS)
    except re2.error as exc:
        why = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise ValueError(
            f"invalid pattern {_cut(pattern)!r}: {_cut(why)} (patterns use RE2 syntax, which runs in linear time:"
            " no backreferences such as \\1, no lookarounds such as (?=...) or (?!...))"
        ) from None


def _cut(text: str) -> str:
    """RE2's reason quotes the pattern: both are cut, so a refusal never grows with the pattern."""
    return text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + "…"
