from __future__ import annotations

from streamparse import Bolt

from snapmode.components import UsesServices
from snapmode.domain import Product
from snapmode.pipeline.crawling import index_product


class IndexBolt(UsesServices, Bolt):
    """Upserts the product into the product index, then passes it on."""

    outputs = ["product", "outcome"]

    def process(self, tup) -> None:
        index_product(self.services, Product.model_validate_json(tup.values.product))
        self.emit([tup.values.product, tup.values.outcome])
