from __future__ import annotations

from streamparse import Bolt

from snapmode.components import UsesServices


class RejectBolt(UsesServices, Bolt):
    """Keeps every refused image with its reason (unreadable, or not a product photo): never silently dropped."""

    outputs = []

    def process(self, tup) -> None:
        self.services.rejects.record("image", tup.values.url, tup.values.reason)
