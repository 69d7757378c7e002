"""robots.txt per origin (scheme, host, port), following RFC 9309."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

from snapmode.crawl.addresses import http_address
from snapmode.crawl.fetcher import Fetcher, FetchResult

MAX_ROBOTS_BYTES = 500 * 1024  # RFC 9309 2.5: parse at least the first 500 KiB
_FRESH_SECONDS = 24 * 3600  # RFC 9309 2.4: do not use a cached copy for more than 24 h
_UNREACHABLE_RETRY_SECONDS = 600


@dataclass(frozen=True)
class _Rules:
    parser: Protego | None  # None: no usable file, ``allow_all`` decides
    allow_all: bool
    expires_at: float


class RobotsCache:
    """Answers robots.txt questions for a user agent, fetching each origin's file once per day.

    One per worker, shared by its fetch threads. ``clock`` is monotonic seconds, injectable for tests.
    """

    def __init__(
        self,
        fetcher: Fetcher,
        user_agent: str,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetcher = fetcher
        # Groups match on the product token ("SnapModeBot"), not the whole UA string.
        self._token = user_agent.split("/", 1)[0].strip().lower()
        self._clock = clock
        self._cache: dict[str, _Rules] = {}
        self._lock = threading.Lock()  # guards _origin_locks
        self._origin_locks: dict[str, threading.Lock] = {}

    def allowed(self, url: str) -> bool:
        rules = self._rules(url)
        if rules is None:
            return False
        if urlsplit(url).path == "/robots.txt":
            return True  # RFC 9309 2.2.2: implicitly allowed
        if rules.parser is None:
            return rules.allow_all
        return rules.parser.can_fetch(url, self._token)

    def unreachable_until(self, url: str) -> float | None:
        """While ``url``'s robots.txt could not be fetched (5xx, network trouble), the wall-clock
        time it will be asked for again; None when it was read, or is missing (4xx)."""
        rules = self._rules(url)
        if rules is None or rules.parser is not None or rules.allow_all:
            return None
        return time.time() + max(0.0, rules.expires_at - self._clock())

    def crawl_delay(self, url: str) -> float | None:
        """Seconds between requests asked for by Crawl-delay or Request-rate (the larger), if any."""
        rules = self._rules(url)
        if rules is None or rules.parser is None:
            return None
        delays = []
        crawl_delay = rules.parser.crawl_delay(self._token)
        if crawl_delay is not None:
            delays.append(float(crawl_delay))
        rate = rules.parser.request_rate(self._token)
        if rate is not None and rate.requests > 0:
            delays.append(rate.seconds / rate.requests)
        return max(delays, default=None)

    def sitemaps(self, url: str) -> list[str]:
        rules = self._rules(url)
        if rules is None or rules.parser is None:
            return []
        return list(rules.parser.sitemaps)

    def _rules(self, url: str) -> _Rules | None:
        address = http_address(url)
        if address is None:
            return None
        origin = address.origin
        rules = self._cache.get(origin)
        if rules is not None and rules.expires_at > self._clock():
            return rules
        # One lock per origin: threads asking about it wait for one fetch; other origins go on.
        with self._lock:
            origin_lock = self._origin_locks.setdefault(origin, threading.Lock())
        with origin_lock:
            rules = self._cache.get(origin)
            now = self._clock()
            if rules is None or rules.expires_at <= now:
                rules = self._load(origin, now)
                self._cache[origin] = rules
            return rules

    def _load(self, origin: str, now: float) -> _Rules:
        result = self._fetcher.fetch(f"{origin}/robots.txt", truncate_at=MAX_ROBOTS_BYTES)
        fresh_until = now + _FRESH_SECONDS
        if result.ok:
            return _Rules(Protego.parse(result.body.decode("utf-8", errors="replace")), True, fresh_until)
        if _unavailable(result):
            return _Rules(None, True, fresh_until)
        # Unreachable: assume complete disallow, and ask again soon.
        return _Rules(None, False, now + _UNREACHABLE_RETRY_SECONDS)


def _unavailable(result: FetchResult) -> bool:
    """RFC 9309 "unavailable" (crawl freely): 4xx, or more redirects than we follow.

    429 is treated as unreachable instead: the server is asking us to slow down."""
    if result.error in ("too_many_redirects", "redirect_loop", "bad_redirect"):
        return True
    return result.error == "http_4xx" and result.status != 429
