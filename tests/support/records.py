"""Stored regions for tests that need an index without crawling a shop: random, but shaped as the search reads them."""

from __future__ import annotations

import numpy as np

from snapmode.config import REPO_ROOT
from snapmode.domain import VectorRecord
from snapmode.vision.article_types import WEIGHTS_NAME, ArticleTypeHead
from snapmode.vision.colour import COLOUR_DIM

# The shipped article-type head's classes: a search compares its query's article types with the stored ones.
ARTICLE_TYPES = len(ArticleTypeHead(REPO_ROOT / "models" / WEIGHTS_NAME).classes)


def random_record(rng: np.random.Generator, dim: int = 8192, **fields) -> VectorRecord:
    """A record with a random vector, colour signature and article-type probabilities; ``fields`` give the rest."""
    colour, kinds = rng.random(COLOUR_DIM), rng.random(ARTICLE_TYPES)
    return VectorRecord(
        vector=rng.standard_normal(dim).tolist(),
        colour=(colour / np.linalg.norm(colour)).tolist(),
        article_types=(kinds / kinds.sum()).tolist(),
        **fields,
    )
