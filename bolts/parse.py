from __future__ import annotations

from streamparse import Bolt, Stream

from snapmode.components import UsesServices
from snapmode.pipeline.crawling import FetchedPage, parse


class ParseBolt(UsesServices, Bolt):
    """Extracts the product and the links of a fetched page."""

    outputs = [
        Stream(fields=["product", "outcome"], name="product"),
        Stream(fields=["url", "outcome"], name="outcome"),
    ]

    def process(self, tup) -> None:
        parsed = parse(self.services, FetchedPage.model_validate_json(tup.values.page))
        outcome = parsed.outcome.model_dump_json()
        if parsed.product is None:
            self.emit([parsed.outcome.task.url, outcome], stream="outcome")
        else:
            self.emit([parsed.product.model_dump_json(), outcome], stream="product")
