"""Per-host pacing: when may the next request to a host start."""

from __future__ import annotations

import threading
from collections.abc import Collection
from dataclasses import dataclass
from urllib.parse import urlsplit

from snapmode.crawl.ssrf import is_allow_listed

# Requests in flight at once to a no-delay host: Scrapy's CONCURRENT_REQUESTS_PER_DOMAIN default.
NO_DELAY_CONCURRENCY = 8


def host_key(url: str) -> str:
    """The key ``HostSlots`` expects for ``url``: lower-case host, plus ``:port`` when one is given."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    return f"{host}:{parts.port}" if parts.port is not None else host


@dataclass
class _Slot:
    next_at: float = 0.0
    adaptive: float | None = None


class HostSlots:
    """Next-allowed-time bookkeeping per host; one per worker, shared by its fetch threads.

    The delay after a response is the largest of: robots.txt Crawl-delay (or
    ``default_delay`` when it names none), an adaptive delay that follows the server's
    latency like Scrapy's AutoThrottle with one request in flight, and Retry-After.
    Hosts in ``no_delay_hosts`` ("host" or "host:port", e.g. the local demo shop when the
    caller opts in) are never delayed. ``concurrency`` says how many requests may be in
    flight to a host: one wherever a delay applies (it runs from the end of a response).
    """

    def __init__(
        self,
        default_delay: float,
        *,
        max_adaptive_delay: float = 60.0,
        no_delay_hosts: Collection[str] = (),
        no_delay_concurrency: int = NO_DELAY_CONCURRENCY,
    ) -> None:
        if no_delay_concurrency < 1:
            raise ValueError(f"no_delay_concurrency must be at least 1, got {no_delay_concurrency}")
        self._default_delay = default_delay
        self._max_adaptive_delay = max_adaptive_delay
        self._no_delay_hosts = tuple(no_delay_hosts)
        self._no_delay_concurrency = no_delay_concurrency
        self._slots: dict[str, _Slot] = {}
        self._lock = threading.Lock()

    def wait_time(self, host: str, now: float) -> float:
        """Seconds to wait before the next request to ``host`` may start (0: go)."""
        with self._lock:
            slot = self._slots.get(host)
            return max(0.0, slot.next_at - now) if slot else 0.0

    def concurrency(self, host: str) -> int:
        """How many requests may be in flight to ``host`` at once."""
        return self._no_delay_concurrency if self._exempt(host) else 1

    def record(
        self,
        host: str,
        now: float,
        latency: float,
        crawl_delay: float | None,
        retry_after: float | None = None,
    ) -> float:
        """Note a finished request (``now``: when it ended) and return the delay imposed on ``host``."""
        if self._exempt(host):
            return 0.0
        with self._lock:
            slot = self._slots.setdefault(host, _Slot())
            # AutoThrottle: move halfway towards the latency, so one slow answer does not stall a host.
            target = min(max(latency, 0.0), self._max_adaptive_delay)
            slot.adaptive = target if slot.adaptive is None else (slot.adaptive + target) / 2
            delay = max(
                crawl_delay if crawl_delay is not None else self._default_delay,
                slot.adaptive,
                retry_after or 0.0,
            )
            slot.next_at = now + delay
            return delay

    def _exempt(self, host: str) -> bool:
        try:
            parts = urlsplit(f"//{host}")
            port = parts.port
        except ValueError:
            return False
        return parts.hostname is not None and is_allow_listed(parts.hostname, port, self._no_delay_hosts)
