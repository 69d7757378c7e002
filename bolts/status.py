from __future__ import annotations

from streamparse import Bolt

from snapmode.components import UsesServices
from snapmode.pipeline.crawling import UrlOutcome, record_outcome


class StatusBolt(UsesServices, Bolt):
    """Writes each URL's outcome and discovered links back to the frontier, last in the chain."""

    outputs = []

    def process(self, tup) -> None:
        record_outcome(self.services, UrlOutcome.model_validate_json(tup.values.outcome))
