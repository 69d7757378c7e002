"""Garment detection: the regions of a photo worth embedding on their own.

Every result ends with the whole photo as an extra region, so a photo whose product
the detector misses is still searchable, and callers need no special case.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image

from snapmode.domain import Region
from snapmode.errors import SnapModeError
from snapmode.vision.taxonomy import WHOLE_IMAGE_LABEL
from snapmode.vision.ultralytics_env import import_yolo

if TYPE_CHECKING:
    from ultralytics.engine.results import Results

DEFAULT_IMGSZ = 320


class DetectorError(SnapModeError):
    """The detector weights are missing or unusable."""


class GarmentDetector:
    """YOLO garment detector on the CPU.

    `max_regions` bounds the whole answer, the whole-image region included, so it is
    also the most embeddings one photo costs.
    """

    def __init__(self, weights_path: Path, confidence: float = 0.25, max_regions: int = 6) -> None:
        if not 0.0 <= confidence <= 1.0:
            raise DetectorError(f"confidence must be within [0, 1], got {confidence}")
        if max_regions < 1:
            raise DetectorError(f"max_regions must be >= 1, got {max_regions}")
        weights_path = Path(weights_path)
        if not weights_path.is_file():
            raise DetectorError(f"detector weights {weights_path} do not exist (train them: snapmode train detector)")
        YOLO = import_yolo()

        try:
            self._model = YOLO(str(weights_path), task="detect")
        except Exception as error:  # ultralytics raises many kinds on a bad checkpoint
            raise DetectorError(f"cannot load detector weights {weights_path}: {error}") from error
        self.confidence = confidence
        self.max_regions = max_regions
        self.imgsz = int(self._model.overrides.get("imgsz") or DEFAULT_IMGSZ)  # the size it was trained at
        self.labels: tuple[str, ...] = tuple(self._model.names[index] for index in sorted(self._model.names))

    def detect(self, image: Image.Image) -> list[Region]:
        return self.detect_batch([image])[0]

    def detect_batch(self, images: Sequence[Image.Image]) -> list[list[Region]]:
        """Per image: detections by descending score, then the whole image (label "image", score 1.0)."""
        if not images:
            return []
        rgb = [image if image.mode == "RGB" else image.convert("RGB") for image in images]
        detections = self.max_regions - 1
        if detections == 0:
            return [[_whole_image(image)] for image in rgb]
        # One call per size of photo: ultralytics pads a batch of one size as it pads a photo alone, and a batch of
        # mixed sizes to a square, which would move a photo's boxes with the company it is detected in.
        by_size: dict[tuple[int, int], list[int]] = {}
        for at, image in enumerate(rgb):
            by_size.setdefault(image.size, []).append(at)
        found: dict[int, list[Region]] = {}
        for group in by_size.values():
            results = self._model.predict(
                [rgb[at] for at in group],
                imgsz=self.imgsz,
                conf=self.confidence,
                max_det=detections,
                agnostic_nms=True,  # one label per object: a second label would embed the same crop twice
                device="cpu",
                verbose=False,
            )
            found |= {at: _regions(result, rgb[at], detections) for at, result in zip(group, results, strict=True)}
        return [found[at] for at in range(len(rgb))]


def _regions(result: Results, image: Image.Image, limit: int) -> list[Region]:
    width, height = image.size
    regions = []
    boxes = result.boxes
    for (x1, y1, x2, y2), score, index in zip(boxes.xyxy.tolist(), boxes.conf.tolist(), boxes.cls.tolist()):
        box = (
            min(max(round(x1), 0), width),
            min(max(round(y1), 0), height),
            min(max(round(x2), 0), width),
            min(max(round(y2), 0), height),
        )
        if box[2] > box[0] and box[3] > box[1]:
            regions.append(Region(box=box, label=result.names[int(index)], score=round(float(score), 4)))
    regions.sort(key=lambda region: region.score, reverse=True)
    return regions[:limit] + [_whole_image(image)]


def _whole_image(image: Image.Image) -> Region:
    return Region(box=(0, 0, image.width, image.height), label=WHOLE_IMAGE_LABEL, score=1.0)
