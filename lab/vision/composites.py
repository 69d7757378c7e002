"""Synthetic detector training images with exact boxes, made from product photos.

Shop photos show one product on a plain near-white background, so a threshold plus
morphology cuts the product out well enough. Cut-outs are pasted onto varied
backgrounds, and because we paste them we know every box exactly. A pasted product
may hide at most a small part of those already on the canvas, so every label stays
true to what is visible.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFilter

Box = tuple[int, int, int, int]  # x1, y1, x2, y2, pixels, x2/y2 exclusive

WHITE_LEVEL = 235  # a pixel whose channels all reach this is background
MAX_HIDDEN_FRACTION = 0.25  # pastes may hide at most this share of an earlier product
MIN_COMPONENT_SHARE = 0.05  # mask blobs smaller than this share of the largest are specks


@dataclass(frozen=True)
class SourcePhoto:
    path: Path
    label: str
    group: str  # "catalogue:product": all photos of one product fall in the same split
    # Rows (fractions of the photo height) that hold the garment when a model wears it:
    # then the foreground is a person cut by the frame, and only this band is the product.
    worn_band: tuple[float, float] | None = None


@dataclass(frozen=True)
class Cutout:
    image: Image.Image  # RGBA cropped to the product; alpha is the product mask
    label: str


@dataclass(frozen=True)
class LabeledBox:
    label: str
    box: Box


@dataclass(frozen=True)
class LabeledImage:
    image: Image.Image  # RGB
    boxes: list[LabeledBox]


def load_photo(path: Path, max_side: int) -> Image.Image:
    """RGB photo with its longest side at most `max_side` (JPEG draft mode keeps big photos cheap)."""
    with Image.open(path) as image:
        image.draft("RGB", (max_side, max_side))
        photo = image.convert("RGB")
    photo.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return photo


def foreground_mask(rgb: np.ndarray) -> np.ndarray:
    """Boolean mask of what is not near-white background."""
    mask = (rgb.min(axis=2) < WHITE_LEVEL).astype(np.uint8)
    side = min(mask.shape)
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))  # JPEG ringing specks
    close = max(3, side // 40) | 1
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (close, close)))
    # Fill holes (white prints, white garments): flood the background from the border.
    flood = np.pad(mask, 1)
    cv2.floodFill(flood, None, (0, 0), 2)
    mask = (flood[1:-1, 1:-1] != 2).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if count <= 1:
        return np.zeros(mask.shape, bool)
    areas = stats[1:, cv2.CC_STAT_AREA]
    keep = np.flatnonzero(areas >= MIN_COMPONENT_SHARE * areas.max()) + 1
    return np.isin(labels, keep)


def product_box(mask: np.ndarray, band: tuple[float, float] = (0.0, 1.0)) -> Box | None:
    """Bounding box of the mask within the row band, None when the band is empty."""
    height = mask.shape[0]
    top, bottom = round(band[0] * height), round(band[1] * height)
    rows = np.flatnonzero(mask[top:bottom].any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(mask[top:bottom].any(axis=0))
    return int(cols[0]), int(top + rows[0]), int(cols[-1] + 1), int(top + rows[-1] + 1)


def photo_box(photo: SourcePhoto, mask: np.ndarray) -> Box | None:
    """The product box in a source photo: the worn band when the foreground runs into the top or bottom edge."""
    edge = max(1, mask.shape[0] // 100)
    worn = photo.worn_band is not None and (mask[:edge].any() or mask[-edge:].any())
    return product_box(mask, photo.worn_band if worn else (0.0, 1.0))


def cut_out(photo: SourcePhoto, image: Image.Image, min_side: int = 8) -> Cutout | None:
    """The product of `image` (the loaded `photo`) on a transparent background; None if no product is found."""
    mask = foreground_mask(np.asarray(image))
    box = photo_box(photo, mask)
    if box is None or min(box[2] - box[0], box[3] - box[1]) < min_side:
        return None
    alpha = Image.fromarray(mask.astype(np.uint8) * 255).filter(ImageFilter.GaussianBlur(0.7))  # soft edge
    rgba = image.convert("RGBA")
    rgba.putalpha(alpha)
    return Cutout(rgba.crop(box), photo.label)


def tight_box_image(photo: SourcePhoto, image: Image.Image) -> LabeledImage | None:
    """The photo itself, labelled with its product box."""
    box = photo_box(photo, foreground_mask(np.asarray(image)))
    if box is None:
        return None
    return LabeledImage(image, [LabeledBox(photo.label, box)])


def random_background(rng: np.random.Generator, size: tuple[int, int], textures: Sequence[Image.Image]) -> Image.Image:
    """Plain shop white, a solid colour, a gradient, smooth noise, or a blurred crop of another photo."""
    width, height = size
    kind = rng.choice(["white", "solid", "gradient", "noise", "texture"], p=[0.2, 0.2, 0.2, 0.15, 0.25])
    if kind == "texture" and not textures:
        kind = "noise"
    if kind == "white":
        return Image.new("RGB", size, tuple(int(v) for v in rng.integers(238, 256, 3)))
    if kind == "solid":
        return Image.new("RGB", size, tuple(int(v) for v in rng.integers(0, 256, 3)))
    if kind == "gradient":
        start, end = rng.integers(0, 256, (2, 3))
        if rng.random() < 0.5:
            ramp = np.linspace(0.0, 1.0, width)[None, :, None]
        else:
            ramp = np.linspace(0.0, 1.0, height)[:, None, None]
        pixels = np.broadcast_to(start + ramp * (end - start), (height, width, 3))
        return Image.fromarray(pixels.astype(np.uint8))
    if kind == "noise":
        cells = int(rng.integers(2, 16))
        coarse = rng.integers(0, 256, (cells, cells, 3), dtype=np.uint8)
        smooth = cv2.resize(coarse, (width, height), interpolation=cv2.INTER_CUBIC).astype(np.int16)
        grain = rng.normal(0, rng.uniform(0, 20), (height, width, 3))
        return Image.fromarray(np.clip(smooth + grain, 0, 255).astype(np.uint8))
    texture = textures[int(rng.integers(len(textures)))]
    scale = rng.uniform(0.3, 1.0)
    crop_w, crop_h = max(2, int(texture.width * scale)), max(2, int(texture.height * scale))
    left = int(rng.integers(0, texture.width - crop_w + 1))
    top = int(rng.integers(0, texture.height - crop_h + 1))
    crop = texture.crop((left, top, left + crop_w, top + crop_h)).resize(size, Image.Resampling.BILINEAR)
    return crop.filter(ImageFilter.GaussianBlur(float(rng.uniform(2, 8))))


def compose(
    cutouts: Sequence[Cutout],
    background: Image.Image,
    rng: np.random.Generator,
    attempts: int = 12,
) -> LabeledImage:
    """Paste the cut-outs at random scales and positions; boxes cover each product's visible pixels.

    A cut-out that finds no place hiding little enough of the others is left out.
    """
    canvas = background.convert("RGB")
    width, height = canvas.size
    owner = np.zeros((height, width), np.int16)  # which paste each pixel shows, 0 = background
    areas: dict[int, int] = {}
    labels: dict[int, str] = {}
    largest = {1: 0.9, 2: 0.7}.get(len(cutouts), 0.55)
    for index, cutout in enumerate(cutouts, start=1):
        long_side = rng.uniform(0.3, largest) * min(width, height)
        scale = long_side / max(cutout.image.size)
        size = (max(4, round(cutout.image.width * scale)), max(4, round(cutout.image.height * scale)))
        if size[0] > width or size[1] > height:
            continue
        piece = cutout.image.resize(size, Image.Resampling.BILINEAR)
        if rng.random() < 0.5:
            piece = piece.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        solid = np.asarray(piece)[:, :, 3] > 127
        visible = np.bincount(owner.ravel(), minlength=index)
        for _ in range(attempts):
            x = int(rng.integers(0, width - size[0] + 1))
            y = int(rng.integers(0, height - size[1] + 1))
            hidden = np.bincount(owner[y : y + size[1], x : x + size[0]][solid], minlength=index)
            if all(visible[k] - hidden[k] >= (1 - MAX_HIDDEN_FRACTION) * areas[k] for k in areas):
                break
        else:
            continue
        canvas.paste(piece, (x, y), piece)
        owner[y : y + size[1], x : x + size[0]][solid] = index
        areas[index] = int(solid.sum())
        labels[index] = cutout.label
    boxes = []
    for index, label in labels.items():
        box = product_box(owner == index)
        if box is not None:
            boxes.append(LabeledBox(label, box))
    return LabeledImage(canvas, boxes)


def draw_boxes(sample: LabeledImage) -> Image.Image:
    """The image with its boxes drawn, for eyeballing a dataset."""
    image = sample.image.copy()
    draw = ImageDraw.Draw(image)
    for labeled in sample.boxes:
        draw.rectangle((labeled.box[0], labeled.box[1], labeled.box[2] - 1, labeled.box[3] - 1), outline="red", width=2)
        draw.text((labeled.box[0] + 2, labeled.box[1] + 1), labeled.label, fill="red")
    return image
