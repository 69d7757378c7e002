"""How a photo search scores a stored region against the searched one; the search and its evaluation share it.

    score = (1 - colour_weight) * cosine similarity of the DCGAN vectors
          + colour_weight * cosine similarity of the colour signatures (snapmode.vision.colour)
          + article_type_weight * agreement of the article-type head's probabilities (their dot product)
          - detail_discount, when either side is a detail view (snapmode.vision.details)

The DCGAN vector finds garments of the same kind and shape; colour is what a product's views share across pose
and zoom; the article-type agreement is a soft narrowing to the query's kind of product, which costs nothing when
the head is unsure. Detail views go both ways: a stored photo's details meet a close-up query, and the query's
own details (searched beside it) meet a stored close-up; a detail never meets a detail. The search fetches
``search.candidates`` regions by DCGAN cosine alone (the vector index) and ranks them by this score;
``snapmode eval retrieval --models dcgan_search`` scores every pair the same way. docs/models.md ("Colour and
category in the ranking", "Article types in the ranking") has the figures behind the weights.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from snapmode.config import SearchSettings
from snapmode.domain import RegionFeatures, VectorHit
from snapmode.errors import BackendUnavailable
from snapmode.vision.details import DETAIL_LABEL


def scores(
    cosine: ArrayLike, colour: ArrayLike, article_types: ArrayLike, detail: ArrayLike, weights: SearchSettings
) -> np.ndarray:
    """The score of each (query, region) pair from its three similarities; any broadcastable shapes."""
    colour_weight = weights.colour_weight
    return (
        (1 - colour_weight) * np.asarray(cosine)
        + colour_weight * np.asarray(colour)
        + weights.article_type_weight * np.asarray(article_types)
        - weights.detail_discount * np.asarray(detail, dtype=np.float32)
    )


def rescored(
    query: RegionFeatures, hits: list[VectorHit], weights: SearchSettings, query_is_detail: bool = False
) -> list[VectorHit]:
    """The hits (whose ``score`` is the vector index's cosine) with ``score`` replaced by the ranking score;
    ``query_is_detail`` when the query is one of the searched photo's detail views (its hits are no details)."""
    if not hits:
        return []
    colour = np.asarray([hit.colour for hit in hits], np.float32) @ np.asarray(query.colour, np.float32)
    article_types = _stored_article_types(hits, len(query.article_types)) @ np.asarray(query.article_types, np.float32)
    cosine = [hit.score for hit in hits]
    detail = [query_is_detail or hit.label == DETAIL_LABEL for hit in hits]
    return [
        hit.model_copy(update={"score": float(value)})
        for hit, value in zip(hits, scores(cosine, colour, article_types, detail, weights), strict=True)
    ]


def _stored_article_types(hits: list[VectorHit], classes: int) -> np.ndarray:
    stored = {len(hit.article_types) for hit in hits}
    if stored != {classes}:
        # A deployment state, not a bad request: photo search is unavailable until the vectors are rebuilt.
        raise BackendUnavailable(
            f"stored regions carry {sorted(stored)} article-type probabilities, the head gives {classes}: "
            "the vector index was built with another article-type head; rebuild it with `snapmode reembed`"
        )
    return np.asarray([hit.article_types for hit in hits], np.float32)


@dataclass(frozen=True)
class PhotoSignals:
    """What the ranking reads of a set of photos beside their whole-photo vectors, row-aligned with them (the
    retrieval evaluation scores every pair of photos with these, as the search scores its candidates)."""

    colours: np.ndarray  # (n, c) colour signatures of the whole photos
    article_types: np.ndarray  # (n, classes) the article-type head's probabilities, which a photo's details share
    details: np.ndarray  # (n, views, d) vectors of each photo's detail views
    detail_colours: np.ndarray  # (n, views, c) their colour signatures

    def __post_init__(self) -> None:
        n, views = self.details.shape[:2]
        shapes = (len(self.colours), len(self.article_types), self.detail_colours.shape[:2])
        if shapes != (n, n, (n, views)):
            raise ValueError(f"signals of {n} photos with {views} views each do not fit: {shapes}")
