from __future__ import annotations

from streamparse import Bolt

from snapmode.components import UsesServices
from snapmode.pipeline.imaging import DownloadedImage, detect


class DetectBolt(UsesServices, Bolt):
    """Finds garment regions with the YOLO detector (torch: its own worker in cluster mode)."""

    outputs = ["image"]
    frameworks = ("torch",)

    def process(self, tup) -> None:
        self.emit([detect(self.services, DownloadedImage.model_validate_json(tup.values.image)).model_dump_json()])
