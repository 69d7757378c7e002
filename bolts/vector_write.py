from __future__ import annotations

import json

from streamparse import Bolt

from snapmode.components import UsesServices
from snapmode.domain import VectorRecord
from snapmode.pipeline.imaging import store


class VectorWriteBolt(UsesServices, Bolt):
    """Upserts region vectors into Milvus, keyed by image URL and box (replays overwrite, never duplicate)."""

    outputs = []

    def process(self, tup) -> None:
        store(self.services, [VectorRecord.model_validate(r) for r in json.loads(tup.values.records)])
