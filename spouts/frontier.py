from __future__ import annotations

import time
from collections import deque

from streamparse import Spout

from snapmode.backends.frontier.base import Completion
from snapmode.components import UsesServices
from snapmode.pipeline.crawling import CrawlTask
from snapmode.pipeline.operators import paused_sites

LEASE_SECONDS = 600.0  # a URL claimed but never completed (crash) is due again after this
PAUSED_REFRESH_SECONDS = 1.0  # how stale the spout's view of paused sites may be
# Nothing due: the frontier is asked again after this long, or as soon as a tree finishes (its page's links may be
# due), rather than at each poll of an idle spout (Storm's is 10 ms), since a claim on the Solr frontier starts with
# a soft commit.
EMPTY_CLAIM_WAIT_SECONDS = 0.2
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
        self.paused: frozenset[str] = frozenset()
        self.paused_read_at = float("-inf")
        self.claim_again_at = float("-inf")

    def next_tuple(self) -> None:
        now = time.monotonic()
        if now - self.paused_read_at >= PAUSED_REFRESH_SECONDS:
            self._hold_paused_sites(now)
        if not self.buffer and now >= self.claim_again_at:
            claimed = self.services.frontier.claim_due(
                16, time.time(), LEASE_SECONDS, site_ids=self.site_ids, exclude_sites=self.paused
            )
            self.buffer.extend(claimed)
            if not claimed:
                self.claim_again_at = now + EMPTY_CLAIM_WAIT_SECONDS
        for _ in range(len(self.buffer)):
            entry = self.buffer.popleft()
            if self.services.host_slots.wait_time(entry.host, now) > 0:
                self.buffer.append(entry)
                continue
            self.emit([entry.host, CrawlTask.from_entry(entry).model_dump_json()], tup_id=entry.url)
            return

    def _hold_paused_sites(self, now: float) -> None:
        """Re-read which sites are paused and hand back what is claimed of them, so a pause holds in a second."""
        self.paused, self.paused_read_at = paused_sites(self.services), now
        held = [entry for entry in self.buffer if entry.site_id in self.paused]
        if held:
            self.services.frontier.release(entry.url for entry in held)
            self.buffer = deque(entry for entry in self.buffer if entry.site_id not in self.paused)

    def ack(self, tup_id) -> None:
        """A page's tree is done: the links it found are in the frontier, so the next poll asks for them."""
        self.claim_again_at = float("-inf")

    def fail(self, tup_id) -> None:
        """A bolt failed on this URL (or its tree timed out): retry after a backoff, as an attempt spent."""
        self.services.frontier.complete(Completion(url=tup_id, status="transient_error", error="processing_failed"))

    def deactivate(self) -> None:
        """Hand back the URLs claimed but not emitted, so a stop costs no lease wait and no attempt."""
        self.services.frontier.release(entry.url for entry in self.buffer)
        self.buffer.clear()
