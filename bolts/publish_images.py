from __future__ import annotations

from streamparse import Bolt

from snapmode.components import UsesServices
from snapmode.domain import Product
from snapmode.pipeline.crawling import UrlOutcome, publish_images


class PublishImagesBolt(UsesServices, Bolt):
    """Puts the product's image URLs on the image queue for the imaging topology."""

    outputs = ["url", "outcome"]

    def process(self, tup) -> None:
        publish_images(self.services, Product.model_validate_json(tup.values.product))
        outcome = UrlOutcome.model_validate_json(tup.values.outcome)
        self.emit([outcome.task.url, tup.values.outcome])
