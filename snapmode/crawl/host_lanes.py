"""Per-host work queues on one thread pool: the fetch stage's concurrency, kept out of the bolts.

Each host's items run in arrival order on at most ``concurrency(host)`` lanes at once (one for a
host with a politeness delay), so network waits overlap and a slow host never holds up others.
"""

from __future__ import annotations

import threading
from collections import defaultdict, deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Generic, TypeVar

Item = TypeVar("Item")


class HostLanes(Generic[Item]):
    def __init__(self, work: Callable[[str, Item], None], concurrency: Callable[[str], int], threads: int) -> None:
        """``work(host, item)`` must not raise: an exception would be lost in the pool."""
        self._work = work
        self._concurrency = concurrency
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="host-lane")
        self._lock = threading.Lock()
        self._queues: dict[str, deque[Item]] = defaultdict(deque)
        self._lanes: dict[str, int] = defaultdict(int)

    def submit(self, host: str, item: Item) -> None:
        with self._lock:
            self._queues[host].append(item)
            if self._lanes[host] >= self._concurrency(host):
                return  # a running lane of this host will take it
            self._lanes[host] += 1
        self._pool.submit(self._lane, host)

    def _lane(self, host: str) -> None:
        while True:
            with self._lock:
                if not self._queues[host]:
                    self._lanes[host] -= 1
                    if not self._lanes[host]:
                        del self._lanes[host], self._queues[host]
                    return
                item = self._queues[host].popleft()
            self._work(host, item)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
