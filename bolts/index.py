from __future__ import annotations

from streamparse import Bolt

from snapmode.components import UsesServices
from snapmode.domain import Product
from snapmode.errors import BackendUnavailable
from snapmode.pipeline.crawling import index_product


class IndexBolt(UsesServices, Bolt):
    """Upserts the product into the product index, then passes it on.

    An index that cannot take the write now (a Solr node down) fails the tuple, so the spout retries the page
    after a backoff; raising would end this bolt's process, and on Storm its worker with it, leaving every page
    the worker held to wait out its frontier lease."""

    outputs = ["product", "outcome"]
    auto_ack = False

    def process(self, tup) -> None:
        try:
            index_product(self.services, Product.model_validate_json(tup.values.product))
        except BackendUnavailable:
            self.logger.warning("indexing a product failed; its page will be replayed", exc_info=True)
            self.fail(tup)
            return
        self.emit([tup.values.product, tup.values.outcome], anchors=[tup])
        self.ack(tup)
