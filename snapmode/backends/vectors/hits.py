"""What a vector store answers a search with: one stored region and its score."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np


@dataclass(frozen=True, slots=True)
class VectorHit:
    """A found region. Its colour and article types stay float32 arrays, as the ranking (snapmode.similarity)
    multiplies them: a search returns hundreds of hits, and 512-bin colours turned into Python lists and back cost
    more than the ranking itself."""

    id: str
    product_id: str
    image_url: str
    box: tuple[int, int, int, int]
    label: str
    score: float  # cosine similarity of the vectors, higher is closer; the ranking score once rescored
    category: str | None
    colour: np.ndarray  # as stored
    article_types: np.ndarray

    def scored(self, score: float) -> VectorHit:
        return replace(self, score=score)
