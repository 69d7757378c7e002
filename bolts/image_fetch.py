from __future__ import annotations

from streamparse import Bolt, Stream

from snapmode.components import UsesServices
from snapmode.domain import ImageTask
from snapmode.errors import BadImage
from snapmode.pipeline.imaging import ImageFetchFailed, already_embedded, download


class ImageFetchBolt(UsesServices, Bolt):
    """Downloads and validates an image; bad images go to the reject stream, flaky ones are failed for replay."""

    outputs = [Stream(fields=["image"], name="default"), Stream(fields=["url", "reason"], name="rejected")]
    auto_ack = False

    def process(self, tup) -> None:
        task = ImageTask.model_validate_json(tup.values.task)
        try:
            if not already_embedded(self.services, task):
                self.emit([download(self.services, task).model_dump_json()], anchors=[tup])
        except BadImage as exc:
            self.emit([task.image_url, exc.reason], stream="rejected", anchors=[tup])
        except ImageFetchFailed:
            self.fail(tup)
            return
        self.ack(tup)
