from __future__ import annotations

from streamparse import Bolt, Stream

from snapmode.components import UsesServices
from snapmode.crawl.host_lanes import HostLanes
from snapmode.pipeline.crawling import CrawlTask, UrlOutcome, fetch


class FetchBolt(UsesServices, Bolt):
    """Fetches URLs on per-host lanes; fields-grouped by host so one task owns each host's politeness.

    Each result is emitted anchored to its input as soon as it arrives, then the input is acked
    (failed if fetching raised): the tree completes after the whole chain, as on Storm.
    pystorm's emit and ack are thread-safe.
    """

    outputs = [Stream(fields=["page"], name="page"), Stream(fields=["url", "outcome"], name="outcome")]
    auto_ack = False

    def initialize(self, storm_conf, context) -> None:
        super().initialize(storm_conf, context)
        crawl = self.services.settings.crawl
        self.lanes = HostLanes(self._fetch, self.services.host_slots.concurrency, crawl.fetch_threads)

    def process(self, tup) -> None:
        self.lanes.submit(tup.values.host, tup)

    def _fetch(self, host: str, tup) -> None:
        try:
            task = CrawlTask.model_validate_json(tup.values.task)
            result = fetch(self.services, task)
            if isinstance(result, UrlOutcome):
                self.emit([task.url, result.model_dump_json()], stream="outcome", anchors=[tup])
            else:
                self.emit([result.model_dump_json()], stream="page", anchors=[tup])
        except Exception:
            self.logger.exception("fetching %s failed; it will be replayed", tup.values.task)
            self.fail(tup)
            return
        self.ack(tup)
