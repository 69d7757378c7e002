from __future__ import annotations

from streamparse import Stream

from bolts.batching import PhotoBatchBolt
from snapmode.pipeline.imaging import DetectedImage, EncodedRecords, NotAProductPhoto, embed_many


class EmbedBolt(PhotoBatchBolt):
    """Tags every region of a batch of photos with the product classifier and embeds them with the DCGAN
    discriminator (both tensorflow: their own worker in cluster mode); photos that are no product photo go to the
    reject stream. Each photo's records leave as one tuple, their vectors in binary (EncodedRecords)."""

    outputs = [Stream(fields=["records"], name="default"), Stream(fields=["url", "reason"], name="rejected")]
    frameworks = ("tensorflow",)

    def process_batch(self, key, tups) -> None:
        images = [DetectedImage.model_validate_json(tup.values.image) for tup in tups]
        for tup, image, outcome in zip(tups, images, embed_many(self.services, images), strict=True):
            if isinstance(outcome, NotAProductPhoto):
                self.emit([image.task.image_url, outcome.reason], stream="rejected", anchors=[tup])
            else:
                self.emit([EncodedRecords.of(outcome).model_dump_json()], anchors=[tup])
            self.ack(tup)
