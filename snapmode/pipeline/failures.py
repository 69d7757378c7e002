"""Crawl failures in plain words, for operators: what failed, why, and what happens next.

The frontier keeps an error's kind (``timeout``, ``robots_unreachable``...); this turns a failing entry into
a sentence such as "robots.txt could not be fetched: 127.0.0.1 is a loopback address (this machine
itself)... Attempt 1 failed; next try in 10 min." Where the kind alone cannot say why (a refused or
unreachable host), the site's address is checked again with the registration guard.
"""

from __future__ import annotations

import math
from functools import lru_cache
from urllib.parse import urlsplit

from snapmode.backends.frontier.base import FrontierEntry
from snapmode.crawl.ssrf import UnsafeURLError, check_site_url

_PAGE = "the page could not be fetched"
# kind -> (what failed, why, when nothing more precise is known)
_WORDS: dict[str, tuple[str, str]] = {
    "robots_unreachable": (
        "robots.txt could not be fetched",
        "the server did not answer, or answered with an error; until it can be read, nothing else is fetched from it",
    ),
    "robots_disallowed": ("the page is not fetched", "the shop's robots.txt does not allow it"),
    "connect": (_PAGE, "the server could not be reached (the connection was refused or failed)"),
    "timeout": (_PAGE, "the server took too long to answer"),
    "network": (_PAGE, "the connection broke off"),
    "protocol": (_PAGE, "the server's answer was not valid HTTP"),
    "ssrf": (_PAGE, "it is, or redirects to, a private or local network address, which the crawler does not fetch"),
    "invalid_url": (_PAGE, "its address is not a valid web address"),
    "decoding": (_PAGE, "its compressed content could not be decoded"),
    "too_large": (_PAGE, "it is larger than the crawler's size limit"),
    "redirect_loop": (_PAGE, "its redirects go round in a loop"),
    "too_many_redirects": (_PAGE, "it redirects too many times"),
    "bad_redirect": (_PAGE, "it redirects without a usable address"),
    "http_4xx": (_PAGE, "the server answered with a client error (HTTP 4xx, such as 404 not found or 403 forbidden)"),
    "http_5xx": (_PAGE, "the server answered with a server error (HTTP 5xx)"),
    "bad_content_type": (_PAGE, "its content type is not one the crawler reads"),
    "not_html": ("the page was not read", "it is not an HTML page"),
    "bad_sitemap": ("the sitemap could not be read", "it is not a valid sitemap"),
    "site_unregistered": ("the page was dropped", "its site is no longer registered"),
    "lease_expired": ("the fetch did not finish", "the worker that took it stopped or ran out of time"),
    "interrupted": ("the fetch did not finish", "the crawl was stopped while it ran"),
}
# Kinds whose cause may be the host itself: refused by the guard, or a name that does not resolve.
_HOST_KINDS = frozenset({"robots_unreachable", "connect", "ssrf"})


class FailureWords:
    """Describes a site's failing entries at time ``now``."""

    def __init__(self, allow_hosts: list[str], now: float) -> None:
        self._allow_hosts = tuple(allow_hosts)
        self._now = now

    def describe(self, entry: FrontierEntry) -> str:
        kind = entry.last_error or "unknown"
        what, why = _WORDS.get(kind, (_PAGE, f"the crawler reported {kind}"))
        origin = _origin(entry.url) if kind in _HOST_KINDS else None
        if origin is not None:
            why = _host_cause(origin, self._allow_hosts, int(self._now // 60)) or why
        return f"{what}: {why.rstrip('.')}. {self._next(entry)}."

    def _next(self, entry: FrontierEntry) -> str:
        if entry.status == "error":
            return f"Gave up after {entry.attempts} attempts" if entry.attempts > 1 else "Not retried"
        return f"Attempt {entry.attempts} failed; next try {in_words(entry.next_fetch_at - self._now)}"


@lru_cache(maxsize=256)  # per origin and minute: a card polls every 2 s, a name that does not resolve can take seconds
def _host_cause(origin: str, allow_hosts: tuple[str, ...], minute: int) -> str | None:
    """Why the origin's host cannot be fetched, per the registration guard, or None when nothing is wrong with it
    (``minute`` only keys the cache: the answer is asked again each minute)."""
    try:
        resolved = check_site_url(origin, allow_hosts)
    except UnsafeURLError as exc:
        return exc.reason
    return None if resolved else f"the host name {urlsplit(origin).hostname} does not resolve"


def _origin(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError:  # not even splittable (an unclosed IPv6 bracket): nothing to ask the guard
        return None
    return f"{parts.scheme}://{parts.netloc}/"


def in_words(seconds: float) -> str:
    """A delay as people say it: "now", "in under a minute", "in 10 min", "in 2 h 5 min"."""
    if seconds <= 0:
        return "now"
    if seconds < 60:
        return "in under a minute"
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return f"in {minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"in {hours} h {minutes} min" if minutes else f"in {hours} h"
