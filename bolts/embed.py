from __future__ import annotations

import json

from streamparse import Bolt

from bolts.base import UsesServices
from snapmode.pipeline.imaging import DetectedImage, embed


class EmbedBolt(UsesServices, Bolt):
    """Embeds every region with the DCGAN discriminator (tensorflow: its own worker in cluster mode)."""

    outputs = ["records"]

    def process(self, tup) -> None:
        records = embed(self.services, DetectedImage.model_validate_json(tup.values.image))
        self.emit([json.dumps([record.model_dump(mode="json") for record in records])])
