"""Stored regions for tests that need an index without crawling a shop: random, but shaped as the search reads them."""

from __future__ import annotations

import json

import numpy as np

from snapmode.config import REPO_ROOT
from snapmode.domain import VectorRecord
from snapmode.vision.colour import COLOUR_DIM

# The shipped classifier's product classes: a search compares its query's categories with the stored ones.
PRODUCT_CLASSES = len(json.loads((REPO_ROOT / "models" / "classifier.json").read_text())["classes"]) - 1


def random_record(rng: np.random.Generator, dim: int = 8192, **fields) -> VectorRecord:
    """A record with a random vector, colour signature and category probabilities; ``fields`` give the rest."""
    colour, categories = rng.random(COLOUR_DIM), rng.random(PRODUCT_CLASSES)
    return VectorRecord(
        vector=rng.standard_normal(dim).tolist(),
        colour=(colour / np.linalg.norm(colour)).tolist(),
        categories=(categories / categories.sum()).tolist(),
        **fields,
    )
