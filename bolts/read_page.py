from __future__ import annotations

import uuid

from streamparse import Bolt, Stream

from bolts.base import UsesServices
from snapmode.pipeline.crawling import FetchedPage, ParsedPage, read_declared


class ReadPageBolt(UsesServices, Bolt):
    """First step of split extraction: a page's declared data and links.

    A page whose layout must still be read goes to every field-group bolt ("layout") and, without its
    body, to the join ("pending"); any other page is finished here, on the streams ParseBolt uses."""

    outputs = [
        Stream(fields=["key", "reading"], name="layout"),
        Stream(fields=["key", "reading"], name="pending"),
        Stream(fields=["product", "outcome"], name="product"),
        Stream(fields=["url", "outcome"], name="outcome"),
    ]

    def process(self, tup) -> None:
        result = read_declared(self.services, FetchedPage.model_validate_json(tup.values.page))
        if isinstance(result, ParsedPage):
            outcome = result.outcome.model_dump_json()
            if result.product is None:
                self.emit([result.outcome.task.url, outcome], stream="outcome")
            else:
                self.emit([result.product.model_dump_json(), outcome], stream="product")
            return
        # A fresh key per reading: parts of a replayed page never mix with a stale attempt's.
        key = f"{result.page.task.url} {uuid.uuid4().hex}"
        self.emit([key, result.model_dump_json()], stream="layout")
        waiting = result.model_copy(update={"page": result.page.model_copy(update={"body": b""})})
        self.emit([key, waiting.model_dump_json()], stream="pending")
