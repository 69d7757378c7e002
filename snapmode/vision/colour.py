"""Colour signatures: what a garment's views share when pose, framing and zoom do not.

The views of one product (front, back, a close-up of its fabric) differ in layout, which the DCGAN's 4x4 feature
map is sensitive to, and agree in colour, which a histogram sees whatever the layout. The signature is the
square root of the joint 8x8x8 RGB histogram of the preprocessed 64x64 photo (the Hellinger form, which keeps
a large plain area from swamping the rest), L2-normalised so that a dot product is its cosine similarity.
docs/models.md ("Colour and category in the ranking") has the figures.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import Image

from snapmode.vision.preprocess import square_resize

HISTOGRAM_BINS = 8  # per channel: 8 x 8 x 8 = 512 colours
HISTOGRAM_SIZE = 64
COLOUR_DIM = HISTOGRAM_BINS**3


def colour_histograms(images: Sequence[Image.Image]) -> np.ndarray:
    """(n, 512) pixel counts of the preprocessed 64x64 photos."""
    shift = 8 - int(np.log2(HISTOGRAM_BINS))
    rows = []
    for image in images:
        bins = np.asarray(square_resize(image, HISTOGRAM_SIZE)).reshape(-1, 3).astype(np.int64) >> shift
        codes = (bins[:, 0] * HISTOGRAM_BINS + bins[:, 1]) * HISTOGRAM_BINS + bins[:, 2]
        rows.append(np.bincount(codes, minlength=COLOUR_DIM))
    return np.asarray(rows, np.float32).reshape(len(images), COLOUR_DIM)


def colour_signatures(images: Sequence[Image.Image]) -> np.ndarray:
    """(n, 512) float32 unit rows: the square-rooted histograms (every photo has pixels, so none is zero)."""
    roots = np.sqrt(colour_histograms(images))
    return roots / np.linalg.norm(roots, axis=1, keepdims=True)
