"""Imaging use cases: download an image, find its regions, embed them into vectors."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PIL import Image
from pydantic import BaseModel, ConfigDict

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


class DownloadedImage(BaseModel):
    model_config = ConfigDict(ser_json_bytes="base64", val_json_bytes="base64")

    task: ImageTask
    jpeg: bytes  # normalised pixels, see snapmode.vision.images


class DetectedImage(DownloadedImage):
    regions: list[Region]


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
    return DownloadedImage(task=task, jpeg=normalized.jpeg)


def detect(services: Services, image: DownloadedImage) -> DetectedImage:
    regions = services.detector.detect(decode_normalized(image.jpeg))
    return DetectedImage(task=image.task, jpeg=image.jpeg, regions=regions)


def classify(services: Services, regions: list[Region], crops: list[Image.Image]) -> list[Prediction]:
    """Each region's product category; raises NotAProductPhoto when the whole photo is not a product photo.

    One classifier batch covers every region: the whole-image region decides whether the photo is
    a product photo at all, each detection gets its own category.
    """
    predictions = services.classifier.classify(crops)
    for region, prediction in zip(regions, predictions, strict=True):
        if region.label == WHOLE_IMAGE_LABEL and not prediction.is_product:
            raise NotAProductPhoto(prediction.not_product)
    return predictions


def embed(services: Services, image: DetectedImage) -> list[VectorRecord]:
    """One record per region, with its vector, colour signature, category and article types, then one per detail
    view of the whole photo, which shares its category and article types (snapmode.similarity). Raises
    NotAProductPhoto, before embedding anything, for a photo that is not a product's.
    """
    pixels = decode_normalized(image.jpeg)
    predictions = classify(services, image.regions, [crop(pixels, region.box) for region in image.regions])
    return similarity.photo_records(
        services, pixels, image.regions, [prediction.label for prediction in predictions],
        product_id=image.task.product_id, image_url=image.task.image_url,
    )  # fmt: skip


def store(services: Services, records: list[VectorRecord]) -> None:
    # Regions and details before the whole image: a crash in between leaves the image "not embedded" and it is redone.
    regions = [r for r in records if r.label != WHOLE_IMAGE_LABEL]
    whole = [r for r in records if r.label == WHOLE_IMAGE_LABEL]
    if regions:
        services.vectors.upsert(regions)
    if whole:
        services.vectors.upsert(whole)
