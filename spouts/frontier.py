from __future__ import annotations

import time
from collections import deque

from streamparse import Spout

from bolts.base import UsesServices
from snapmode.backends.frontier.base import Completion
from snapmode.pipeline.crawling import CrawlTask

LEASE_SECONDS = 600.0  # a URL claimed but never completed (crash) is due again after this
SITES_CONF = "snapmode.crawl_sites"  # topology conf key: crawl only these site ids (default: every site)


class FrontierSpout(UsesServices, Spout):
    """Emits due URLs from the frontier, holding back hosts that are still in their politeness delay."""

    outputs = ["host", "task"]

    def initialize(self, storm_conf, context) -> None:
        super().initialize(storm_conf, context)
        # One frontier spout per topology: URLs left in flight by a crashed run are due again at once.
        self.services.frontier.reset_in_flight()
        self.site_ids = storm_conf.get(SITES_CONF)
        self.buffer: deque = deque()

    def next_tuple(self) -> None:
        if not self.buffer:
            self.buffer.extend(
                self.services.frontier.claim_due(16, time.time(), LEASE_SECONDS, site_ids=self.site_ids)
            )
        now = time.monotonic()
        for _ in range(len(self.buffer)):
            entry = self.buffer.popleft()
            if self.services.host_slots.wait_time(entry.host, now) > 0:
                self.buffer.append(entry)
                continue
            self.emit([entry.host, CrawlTask.from_entry(entry).model_dump_json()], tup_id=entry.url)
            return

    def fail(self, tup_id) -> None:
        """A bolt failed on this URL (or its tree timed out): retry after a backoff, as an attempt spent."""
        self.services.frontier.complete(Completion(url=tup_id, status="transient_error", error="processing_failed"))

    def deactivate(self) -> None:
        """Hand back the URLs claimed but not emitted, so a stop costs no lease wait and no attempt."""
        self.services.frontier.release(entry.url for entry in self.buffer)
        self.buffer.clear()
