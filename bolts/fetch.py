from __future__ import annotations

import time

from streamparse import Bolt, Stream

from bolts.base import UsesServices
from snapmode.pipeline.crawling import CrawlTask, UrlOutcome, fetch


class FetchBolt(UsesServices, Bolt):
    """Fetches one URL; fields-grouped by host so one task owns each host's politeness."""

    outputs = [Stream(fields=["page"], name="page"), Stream(fields=["url", "outcome"], name="outcome")]

    def process(self, tup) -> None:
        task = CrawlTask.model_validate_json(tup.values.task)
        time.sleep(self.services.host_slots.wait_time(tup.values.host, time.monotonic()))
        result = fetch(self.services, task)
        if isinstance(result, UrlOutcome):
            self.emit([task.url, result.model_dump_json()], stream="outcome")
        else:
            self.emit([result.model_dump_json()], stream="page")
