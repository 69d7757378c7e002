from __future__ import annotations

from bolts.batching import PhotoBatchBolt
from snapmode.pipeline.imaging import DownloadedImage, detect_many


class DetectBolt(PhotoBatchBolt):
    """Finds garment regions with the YOLO detector, one call per batch of photos (torch: its own worker in
    cluster mode)."""

    outputs = ["image"]
    frameworks = ("torch",)

    def process_batch(self, key, tups) -> None:
        images = [DownloadedImage.model_validate_json(tup.values.image) for tup in tups]
        for tup, detected in zip(tups, detect_many(self.services, images), strict=True):
            self.emit([detected.model_dump_json()], anchors=[tup])
            self.ack(tup)
