from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from streamparse import Bolt, Stream

from snapmode.domain import ExtractedProduct
from snapmode.extract.heuristics import FIELD_GROUPS
from snapmode.pipeline.crawling import PageReading, join_product

DEFAULT_MESSAGE_TIMEOUT = 30.0  # Storm's default topology.message.timeout.secs


@dataclass
class _Waiting:
    since: float
    tuples: list[Any] = field(default_factory=list)
    reading: PageReading | None = None
    parts: dict[str, ExtractedProduct] = field(default_factory=dict)


class JoinProductBolt(Bolt):
    """Joins a page's declared data with every field group's part into its product (fields grouping on key).

    Input tuples are held, unacked, until their page is joined; the joined product is anchored to all of
    them, so a crash here replays the page rather than losing it. A page whose parts stop coming (a
    field bolt failed it) is dropped after the message timeout, failing what was held."""

    auto_ack = False
    outputs = [
        Stream(fields=["product", "outcome"], name="product"),
        Stream(fields=["url", "outcome"], name="outcome"),
    ]

    def initialize(self, storm_conf, context) -> None:
        self.timeout = float(storm_conf.get("topology.message.timeout.secs") or DEFAULT_MESSAGE_TIMEOUT)
        self.waiting: dict[str, _Waiting] = {}

    def process(self, tup) -> None:
        self._expire(time.monotonic())
        key = tup.values.key
        page = self.waiting.setdefault(key, _Waiting(since=time.monotonic()))
        page.tuples.append(tup)
        if tup.stream == "pending":
            page.reading = PageReading.model_validate_json(tup.values.reading)
        else:
            page.parts[tup.values.group] = ExtractedProduct.model_validate_json(tup.values.fields)
        if page.reading is None or page.parts.keys() != FIELD_GROUPS.keys():
            return
        del self.waiting[key]
        parsed = join_product(page.reading, [page.parts[group] for group in FIELD_GROUPS])
        outcome = parsed.outcome.model_dump_json()
        if parsed.product is None:
            self.emit([parsed.outcome.task.url, outcome], stream="outcome", anchors=page.tuples)
        else:
            self.emit([parsed.product.model_dump_json(), outcome], stream="product", anchors=page.tuples)
        for held in page.tuples:
            self.ack(held)

    def _expire(self, now: float) -> None:
        for key in [key for key, page in self.waiting.items() if now - page.since > self.timeout]:
            for held in self.waiting.pop(key).tuples:
                self.fail(held)
