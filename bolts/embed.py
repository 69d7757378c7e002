from __future__ import annotations

import json

from streamparse import Bolt, Stream

from snapmode.components import UsesServices
from snapmode.pipeline.imaging import DetectedImage, NotAProductPhoto, embed


class EmbedBolt(UsesServices, Bolt):
    """Tags every region with the product classifier and embeds it with the DCGAN discriminator
    (both tensorflow: their own worker in cluster mode); photos that are no product photo go to the reject stream.
    """

    outputs = [Stream(fields=["records"], name="default"), Stream(fields=["url", "reason"], name="rejected")]
    frameworks = ("tensorflow",)

    def process(self, tup) -> None:
        image = DetectedImage.model_validate_json(tup.values.image)
        try:
            records = embed(self.services, image)
        except NotAProductPhoto as exc:
            self.emit([image.task.image_url, exc.reason], stream="rejected")
            return
        self.emit([json.dumps([record.model_dump(mode="json") for record in records])])
