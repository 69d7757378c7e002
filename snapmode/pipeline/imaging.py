"""Imaging use cases: download an image, find its regions, embed them into vectors.

Each step takes a batch of photos (the `*_many` functions): downloads run concurrently, the detector sees the batch
in one call, the classifier and the embedder see every region of the batch at once, and the store writes it in one
go. What goes wrong with one photo (a 404, a fake image, a banner) is that photo's outcome in the list returned,
never its batch-mates'. The single-photo functions are batches of one.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image
from pydantic import BaseModel, ConfigDict, PrivateAttr

from snapmode import similarity
from snapmode.domain import ImageTask, Region, VectorRecord
from snapmode.errors import BadImage
from snapmode.services import Services
from snapmode.vision.images import crop, decode_normalized, normalize_image
from snapmode.vision.taxonomy import WHOLE_IMAGE_LABEL

if TYPE_CHECKING:  # importing the classifier loads TensorFlow, which the detecting process must not
    from snapmode.vision.classifier import Prediction


class ImageFetchFailed(Exception):
    """The image could not be downloaded now; retrying later may succeed."""


class NotAProductPhoto(BadImage):
    """The classifier judged the whole photo a logo, banner, icon, blank or the like: never indexed."""

    def __init__(self, not_product: float) -> None:
        super().__init__(f"not_a_product_photo ({not_product:.2f})")
        self.not_product = not_product


# Downloads of a batch in flight at once: they hide a shop's latency, while decoding and validating hold the GIL
# (on loopback, with no latency to hide, 8 threads cost 3 times the CPU of one; bench/images.py).
DOWNLOAD_THREADS = 4


class DownloadedImage(BaseModel):
    model_config = ConfigDict(ser_json_bytes="base64", val_json_bytes="base64")

    task: ImageTask
    jpeg: bytes  # normalised pixels, see snapmode.vision.images
    _pixels: Image.Image | None = PrivateAttr(None)

    def pixels(self) -> Image.Image:
        """The decoded pixels, decoded once per process (the detector and the embedder both read them)."""
        if self._pixels is None:
            self._pixels = decode_normalized(self.jpeg)
        return self._pixels


class DetectedImage(DownloadedImage):
    regions: list[Region]


class EncodedRecords(BaseModel):
    """A photo's records as they travel between workers: the vectors as one float32 matrix, not as thousands of
    decimal numbers (JSON lists of 8192 floats cost milliseconds a record each way). Lossless: the vectors are
    float32 to begin with."""

    model_config = ConfigDict(ser_json_bytes="base64", val_json_bytes="base64")

    records: list[dict]  # every field of each VectorRecord but its vector
    vectors: bytes  # (records, dim) float32, row-major

    @classmethod
    def of(cls, records: Sequence[VectorRecord]) -> EncodedRecords:
        matrix = np.asarray([record.vector for record in records], np.float32)
        return cls(records=[record.model_dump(exclude={"vector"}) for record in records], vectors=matrix.tobytes())

    def decoded(self) -> list[VectorRecord]:
        rows = np.frombuffer(self.vectors, np.float32).reshape(len(self.records), -1) if self.records else []
        return [VectorRecord(**fields, vector=row.tolist()) for fields, row in zip(self.records, rows, strict=True)]


def already_embedded(services: Services, task: ImageTask) -> bool:
    """An image whose whole-photo vector exists was fully processed (it is written last)."""
    return bool(services.vectors.image_ids(task.image_url, label=WHOLE_IMAGE_LABEL))


def download(services: Services, task: ImageTask) -> DownloadedImage:
    """Raises BadImage for input that will never work, ImageFetchFailed for what may work later."""
    limits = services.settings.imaging
    result = services.fetcher.fetch(task.image_url, max_bytes=limits.max_image_bytes)
    if result.transient:
        raise ImageFetchFailed(f"{task.image_url}: {result.error}")
    if result.error:
        too_large = result.error == "too_large"
        raise BadImage(f"download failed: {result.error} ({result.error_detail})", too_large=too_large)
    try:
        normalized = normalize_image(result.body, limits)
    except BadImage as exc:
        # What the server said it sent tells an operator at a glance what came instead (a login page, an SVG).
        served = f"served as {result.content_type or 'no content type'}"
        raise BadImage(f"{exc.reason} ({served})", too_large=exc.too_large) from exc
    image = DownloadedImage(task=task, jpeg=normalized.jpeg)
    image._pixels = normalized.image
    return image


def download_many(
    services: Services, tasks: Sequence[ImageTask]
) -> list[DownloadedImage | BadImage | ImageFetchFailed]:
    """`download` of each task, concurrently; each task's image or the error that `download` raises for it."""

    def attempt(task: ImageTask) -> DownloadedImage | BadImage | ImageFetchFailed:
        try:
            return download(services, task)
        except (BadImage, ImageFetchFailed) as exc:
            return exc

    if len(tasks) < 2:
        return [attempt(task) for task in tasks]
    with ThreadPoolExecutor(min(len(tasks), DOWNLOAD_THREADS), thread_name_prefix="image-download") as pool:
        return list(pool.map(attempt, tasks))


def detect(services: Services, image: DownloadedImage) -> DetectedImage:
    return detect_many(services, [image])[0]


def detect_many(services: Services, images: Sequence[DownloadedImage]) -> list[DetectedImage]:
    """The regions of each photo, from one detector call for the batch."""
    found = services.detector.detect_batch([image.pixels() for image in images])
    detected = []
    for image, regions in zip(images, found, strict=True):
        item = DetectedImage(task=image.task, jpeg=image.jpeg, regions=regions)
        item._pixels = image._pixels
        detected.append(item)
    return detected


def embed(services: Services, image: DetectedImage) -> list[VectorRecord]:
    """One record per region, with its vector, colour signature, category and article types, then one per detail
    view of the whole photo, which shares its category and article types (snapmode.similarity). Raises
    NotAProductPhoto, before embedding anything, for a photo that is not a product's.
    """
    (outcome,) = embed_many(services, [image])
    if isinstance(outcome, NotAProductPhoto):
        raise outcome
    return outcome


def embed_many(services: Services, images: Sequence[DetectedImage]) -> list[list[VectorRecord] | NotAProductPhoto]:
    """`embed` of each photo, with one classifier call for every region of the batch and the embedder's calls of
    `similarity.photos_records`: each photo's records, or NotAProductPhoto for a photo that is no product's (none
    of its regions is embedded)."""
    crops = [crop(image.pixels(), region.box) for image in images for region in image.regions]
    predictions = services.classifier.classify(crops)
    outcomes: list[list[Prediction] | NotAProductPhoto] = []
    start = 0
    for image in images:
        mine = predictions[start : start + len(image.regions)]
        start += len(image.regions)
        try:
            outcomes.append(_judged(image.regions, mine))
        except NotAProductPhoto as exc:
            outcomes.append(exc)
    kept = [(image, found) for image, found in zip(images, outcomes, strict=True) if isinstance(found, list)]
    photos = [
        similarity.DetectedPhoto(
            image.pixels(), image.regions, [prediction.label for prediction in found],
            product_id=image.task.product_id, image_url=image.task.image_url,
        )
        for image, found in kept
    ]  # fmt: skip
    records = iter(similarity.photos_records(services, photos))
    return [next(records) if isinstance(found, list) else found for found in outcomes]


def _judged(regions: Sequence[Region], predictions: list[Prediction]) -> list[Prediction]:
    """The predictions, or NotAProductPhoto when the whole-image region's says the photo is not a product photo."""
    for region, prediction in zip(regions, predictions, strict=True):
        if region.label == WHOLE_IMAGE_LABEL and not prediction.is_product:
            raise NotAProductPhoto(prediction.not_product)
    return predictions


def store(services: Services, records: list[VectorRecord]) -> None:
    """Upserts the records of one photo or of a batch: two writes whatever their number."""
    # Regions and details before the whole images: a crash in between leaves an image "not embedded" and it is redone.
    regions = [r for r in records if r.label != WHOLE_IMAGE_LABEL]
    whole = [r for r in records if r.label == WHOLE_IMAGE_LABEL]
    if regions:
        services.vectors.upsert(regions)
    if whole:
        services.vectors.upsert(whole)
