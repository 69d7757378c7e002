from __future__ import annotations

import time
from collections import deque
from urllib.parse import urlsplit

from streamparse import Spout

from bolts.base import UsesServices
from snapmode.pipeline.crawling import CrawlTask

LEASE_SECONDS = 600.0  # a URL claimed but never completed (crash) is due again after this


class FrontierSpout(UsesServices, Spout):
    """Emits due URLs from the frontier, holding back hosts that are still in their politeness delay."""

    outputs = ["host", "task"]

    def initialize(self, storm_conf, context) -> None:
        super().initialize(storm_conf, context)
        # One frontier spout per topology: URLs left in flight by a crashed run are due again at once.
        self.services.frontier.reset_in_flight()
        self.buffer: deque = deque()

    def next_tuple(self) -> None:
        if not self.buffer:
            self.buffer.extend(self.services.frontier.claim_due(16, time.time(), LEASE_SECONDS))
        now = time.monotonic()
        for _ in range(len(self.buffer)):
            entry = self.buffer.popleft()
            host = urlsplit(entry.url).netloc
            if self.services.host_slots.wait_time(host, now) > 0:
                self.buffer.append(entry)
                continue
            task = CrawlTask(url=entry.url, site_id=entry.site_id, depth=entry.depth, kind=entry.kind)
            self.emit([host, task.model_dump_json()], tup_id=entry.url)
            return
