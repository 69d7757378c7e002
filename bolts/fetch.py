from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from concurrent.futures import ThreadPoolExecutor

from streamparse import Bolt, Stream

from bolts.base import UsesServices
from snapmode.pipeline.crawling import CrawlTask, UrlOutcome, fetch

FETCH_THREADS = 16  # fetches in flight per bolt task at most, like Scrapy's CONCURRENT_REQUESTS


class FetchBolt(UsesServices, Bolt):
    """Fetches URLs on a thread pool, one queue per host; fields-grouped by host so one task owns
    each host's politeness.

    Each host gets as many lanes as HostSlots allows (one for every host with a delay, which the
    lane waits out itself), so network waits overlap with the parsing downstream and a slow host
    never holds up the others. A lane emits each result anchored to its input tuple as soon as it
    arrives, then acks that tuple (fails it if fetching raised): the tree completes after the
    whole chain, as on Storm. pystorm's emit and ack are thread-safe.
    """

    outputs = [Stream(fields=["page"], name="page"), Stream(fields=["url", "outcome"], name="outcome")]
    auto_ack = False

    def initialize(self, storm_conf, context) -> None:
        super().initialize(storm_conf, context)
        self._pool = ThreadPoolExecutor(FETCH_THREADS, thread_name_prefix="fetch")
        self._lock = threading.Lock()
        self._queues: dict[str, deque] = defaultdict(deque)
        self._lanes: dict[str, int] = defaultdict(int)

    def process(self, tup) -> None:
        host = tup.values.host
        with self._lock:
            self._queues[host].append(tup)
            if self._lanes[host] >= self.services.host_slots.concurrency(host):
                return
            self._lanes[host] += 1
        self._pool.submit(self._lane, host)

    def _lane(self, host: str) -> None:
        """Fetch the host's queued tuples one after the other until none is left."""
        while True:
            with self._lock:
                if not self._queues[host]:
                    self._lanes[host] -= 1
                    if not self._lanes[host]:
                        del self._lanes[host], self._queues[host]
                    return
                tup = self._queues[host].popleft()
            self._fetch(host, tup)

    def _fetch(self, host: str, tup) -> None:
        try:
            task = CrawlTask.model_validate_json(tup.values.task)
            time.sleep(self.services.host_slots.wait_time(host, time.monotonic()))
            result = fetch(self.services, task)
            if isinstance(result, UrlOutcome):
                self.emit([task.url, result.model_dump_json()], stream="outcome", anchors=[tup])
            else:
                self.emit([result.model_dump_json()], stream="page", anchors=[tup])
        except Exception:
            # The pool would swallow the exception: log it and fail the tree, so the spout replays the URL.
            self.logger.exception("fetching %s failed; it will be replayed", tup.values.task)
            self.fail(tup)
            return
        self.ack(tup)
