from __future__ import annotations

from streamparse import Stream

from bolts.batching import PhotoBatchBolt
from snapmode.domain import ImageTask
from snapmode.errors import BadImage
from snapmode.pipeline.imaging import ImageFetchFailed, already_embedded, download_many


class ImageFetchBolt(PhotoBatchBolt):
    """Downloads and validates a batch of images at once; bad images go to the reject stream, flaky ones are failed
    for replay, one by one."""

    outputs = [Stream(fields=["image"], name="default"), Stream(fields=["url", "reason"], name="rejected")]

    def process_batch(self, key, tups) -> None:
        todo = []
        for tup in tups:
            task = ImageTask.model_validate_json(tup.values.task)
            if already_embedded(self.services, task):
                self.ack(tup)
            else:
                todo.append((tup, task))
        for (tup, task), outcome in zip(todo, download_many(self.services, [task for _, task in todo]), strict=True):
            if isinstance(outcome, ImageFetchFailed):
                self.fail(tup)
                continue
            if isinstance(outcome, BadImage):
                self.emit([task.image_url, outcome.reason], stream="rejected", anchors=[tup])
            else:
                self.emit([outcome.model_dump_json()], anchors=[tup])
            self.ack(tup)
