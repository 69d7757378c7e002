"""Square-pad and resize photos to what the DCGAN sees, identically in training and at inference.

Product photos sit on a plain background, so padding with the border colour (not black)
keeps a tall dress and a wide bag on the same backdrop as everything else.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageOps

BACKGROUND_FOR_TRANSPARENCY = (255, 255, 255)


def to_rgb(image: Image.Image) -> Image.Image:
    """RGB pixels; transparent areas become white, as on a shop page."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, BACKGROUND_FOR_TRANSPARENCY)
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def border_colour(image: Image.Image) -> tuple[int, int, int]:
    """Median colour of the outermost pixel ring of an RGB image (robust to a stray dark corner)."""
    pixels = np.asarray(image)
    ring = np.concatenate([pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]])
    return tuple(int(c) for c in np.median(ring, axis=0))


def square_resize(image: Image.Image, size: int) -> Image.Image:
    """Pad to a square with the border colour, then resize to ``size`` x ``size`` (Lanczos). An RGB image of that
    size already is its own result (padding and resizing it would copy it), so a photo squared once can be handed
    to every reader of squares."""
    if image.width < 1 or image.height < 1:
        raise ValueError(f"cannot resize an empty {image.width}x{image.height} image")
    if image.size == (size, size) and image.mode == "RGB":
        return image
    rgb = to_rgb(image)
    return ImageOps.pad(rgb, (size, size), method=Image.Resampling.LANCZOS, color=border_colour(rgb))


def to_model_input(images: Sequence[Image.Image], size: int) -> np.ndarray:
    """(n, size, size, 3) float32 in [-1, 1], the range of the generator's tanh."""
    if not images:
        return np.zeros((0, size, size, 3), np.float32)
    pixels = np.stack([np.asarray(square_resize(image, size)) for image in images])
    return pixels.astype(np.float32) / 127.5 - 1.0
