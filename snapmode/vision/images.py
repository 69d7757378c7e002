"""Validate and normalise image bytes before any model sees them.

Every image, crawled or uploaded, goes through `normalize_image`, so the indexing
path and the query path see identical pixels for identical bytes.
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from snapmode.config import ImagingSettings
from snapmode.errors import BadImage

# Only these decoders ever see the bytes: the type is sniffed from the bytes by them, never taken from a
# file name or Content-Type, and Pillow's many other parsers (EPS through Ghostscript, PSD...) stay out.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP")
MAX_SIDE = 1024  # larger photos only cost time: models see 64-320 px


@dataclass(frozen=True)
class NormalizedImage:
    image: Image.Image  # RGB, EXIF orientation applied, longest side <= MAX_SIDE
    jpeg: bytes  # the same pixels re-encoded, what travels between workers

    @property
    def size(self) -> tuple[int, int]:
        return self.image.size


def normalize_image(data: bytes, limits: ImagingSettings, *, max_side: int | None = None) -> NormalizedImage:
    """RGB pixels of an accepted image, or ``BadImage`` with the reason (never another exception).

    ``max_side`` refuses images with a longer side (uploads), on top of the pixel-count limit.
    """
    if not data:
        raise BadImage("empty body")
    if len(data) > limits.max_image_bytes:
        raise BadImage(f"image is {len(data)} bytes, over the {limits.max_image_bytes}-byte limit", too_large=True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
            width, height = probe.size
            # Checked before decoding: the header alone tells a decompression bomb.
            if width * height > limits.max_pixels:
                raise BadImage(f"image is {width}x{height} pixels, over the {limits.max_pixels}-pixel limit")
            if max_side is not None and max(width, height) > max_side:
                raise BadImage(f"image is {width}x{height}, over the {max_side}-pixel side limit")
            if min(width, height) < limits.min_side:
                raise BadImage(f"image is {width}x{height}, smaller than {limits.min_side} px")
            probe.seek(0)
            # A JPEG at least twice the size it is shrunk to decodes at 1/2-1/8 scale, never below that size:
            # a phone photo's full decode cost more than a whole search. Same bytes, same pixels, either path.
            shrink = min(1.0, MAX_SIDE / max(width, height))
            probe.draft("RGB", (math.ceil(width * shrink), math.ceil(height * shrink)))
            image = ImageOps.exif_transpose(probe)
            image = image.convert("RGB")
    except BadImage:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise BadImage(f"image is over the pixel limit: {exc}") from exc
    except UnidentifiedImageError as exc:
        # Pillow's message names an in-memory buffer, which tells the reader nothing.
        raise BadImage("not a decodable image: unknown format") from exc
    except (OSError, ValueError, SyntaxError) as exc:  # truncated or corrupt files surface as these
        raise BadImage(f"corrupt image: {str(exc) or type(exc).__name__}") from exc
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    # Decode the re-encoded bytes so both paths (bytes in a tuple, pixels in memory) agree exactly.
    jpeg = buffer.getvalue()
    return NormalizedImage(image=decode_normalized(jpeg), jpeg=jpeg)


def decode_normalized(jpeg: bytes) -> Image.Image:
    """Pixels of bytes that `normalize_image` produced (never normalise twice: JPEG is lossy)."""
    return Image.open(io.BytesIO(jpeg)).convert("RGB")


def crop(image: Image.Image, box: tuple[int, int, int, int]) -> Image.Image:
    x1, y1, x2, y2 = box
    return image.crop((x1, y1, x2, y2))
