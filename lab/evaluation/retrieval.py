"""Leave-one-out retrieval metrics: every item queries all the others by cosine similarity.

Relevance is "same label". Similarities are rounded to ``TIE_DECIMALS`` places first (float32 matrix
products differ in the last bits depending on summation order, so equal scores would not compare
equal), then ties are broken by the candidate's position in the input. A query whose label has no other member (a
singleton) still counts for precision, where it scores 0 (nothing relevant can be retrieved);
recall@k is averaged only over queries that have at least one relevant item.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict

from snapmode import similarity
from snapmode.config import SearchSettings
from snapmode.similarity import PhotoSignals

TIE_DECIMALS = 5
BLOCK = 512  # queries per similarity block: a 7,000 x 7,000 float matrix would not need to be held at once


class RetrievalScores(BaseModel):
    model_config = ConfigDict(frozen=True)

    k: int
    precision_at_1: float
    precision_at_k: float
    recall_at_1: float  # share of queries with a relevant item first (same-item: found at once)
    recall_at_k: float  # share of queries with any relevant item in the top k
    queries: int
    singleton_queries: int  # queries with no relevant item anywhere: precision 0, left out of recall


def l2_normalise(features: np.ndarray) -> np.ndarray:
    """Rows of unit length; an all-zero row stays zero (similar to nothing)."""
    features = np.asarray(features, dtype=np.float32)
    norms = np.linalg.norm(features, axis=1, keepdims=True)
    return features / np.where(norms > 0, norms, 1.0)


def rank_neighbours(
    features: np.ndarray, k: int, signals: PhotoSignals | None = None, weights: SearchSettings | None = None
) -> np.ndarray:
    """(n, k) indices of each row's k most similar other rows, best first, ties by lower index.

    Similarity is the cosine of the rows; with ``signals`` and ``weights``, it is the search's ranking score
    (snapmode.similarity): a photo is found at the best score of its whole vector and of its detail views, colour
    and category counted.
    """
    n = len(features)
    if n < 2:
        raise ValueError(f"leave-one-out retrieval needs at least 2 items, got {n}")
    if not 1 <= k < n:
        raise ValueError(f"k must be between 1 and {n - 1} (the other items), got {k}")
    if signals is not None and (len(signals.details) != n or signals.details.shape[2] != features.shape[1]):
        raise ValueError(f"signals must describe {n} photos of {features.shape[1]}-d vectors")
    if (signals is None) != (weights is None):
        raise ValueError("signals and the weights that rank by them come together")
    unit = l2_normalise(features)
    views = None if signals is None else l2_normalise(signals.details.reshape(-1, features.shape[1]))
    ranked = np.empty((n, k), dtype=np.int64)
    for start in range(0, n, BLOCK):
        queries = unit[start : start + BLOCK]
        if signals is None:
            similarity = queries @ unit.T
        else:
            similarity = _search_scores(queries, unit, views, start, signals, weights)
        similarity = np.round(similarity, TIE_DECIMALS)
        rows = np.arange(len(similarity))
        similarity[rows, start + rows] = -np.inf  # the query itself is never a result
        # A stable sort of the negated scores keeps equal scores in index order.
        ranked[start : start + BLOCK] = np.argsort(-similarity, axis=1, kind="stable")[:, :k]
    return ranked


def _search_scores(
    queries: np.ndarray,
    unit: np.ndarray,
    detail_unit: np.ndarray,
    start: int,
    signals: PhotoSignals,
    weights: SearchSettings,
) -> np.ndarray:
    """The ranking score of a block of unit query rows (rows ``start``... of ``unit``) against every photo: the
    best of whole against whole, whole against the photo's detail views, and the query's detail views against
    the whole photo (with ``weights.query_views``)."""
    block = slice(start, start + len(queries))
    n, views = signals.details.shape[:2]
    agreement = signals.article_types[block] @ signals.article_types.T
    colour = signals.colours[block] @ signals.colours.T
    whole = similarity.scores(queries @ unit.T, colour, agreement, False, weights)
    gallery_details = _best_view(
        queries @ detail_unit.T, signals.colours[block] @ _flat(signals.detail_colours).T, (len(queries), n, views),
        agreement, weights,
    )
    best = np.maximum(whole, gallery_details)
    if not weights.query_views:
        return best
    query_details = _best_view(
        (detail_unit.reshape(n, views, -1)[block].reshape(-1, unit.shape[1]) @ unit.T),
        _flat(signals.detail_colours[block]) @ signals.colours.T, (len(queries), views, n), agreement, weights,
        axis=1,
    )
    return np.maximum(best, query_details)


def _flat(views: np.ndarray) -> np.ndarray:
    return views.reshape(-1, views.shape[-1])


def _best_view(
    cosine: np.ndarray, colour: np.ndarray, shape: tuple[int, int, int], agreement: np.ndarray,
    weights: SearchSettings, axis: int = 2,
) -> np.ndarray:
    """The best detail-view score of each (query, photo) pair; the views lie along ``axis`` of ``shape``."""
    agreement = np.expand_dims(agreement, axis)
    return similarity.scores(cosine.reshape(shape), colour.reshape(shape), agreement, True, weights).max(axis=axis)


def relevance(labels: Sequence[str], ranked: np.ndarray) -> np.ndarray:
    """(n, k) booleans: does result j of query i share the query's label?"""
    codes = np.unique(np.asarray(labels), return_inverse=True)[1]
    return codes[ranked] == codes[:, None]


def score(labels: Sequence[str], ranked: np.ndarray) -> RetrievalScores:
    """Precision and recall at 1 and at k from the rankings of ``rank_neighbours``."""
    if len(labels) != len(ranked):
        raise ValueError(f"{len(labels)} labels for {len(ranked)} rankings")
    relevant = relevance(labels, ranked)
    group_sizes = np.unique(np.asarray(labels), return_inverse=True, return_counts=True)
    has_relevant = group_sizes[2][group_sizes[1]] > 1
    k = ranked.shape[1]
    found_at_k = relevant.any(axis=1)[has_relevant]
    return RetrievalScores(
        k=k,
        precision_at_1=float(relevant[:, 0].mean()),
        precision_at_k=float(relevant.mean()),
        recall_at_1=float(relevant[has_relevant, 0].mean()) if has_relevant.any() else 0.0,
        recall_at_k=float(found_at_k.mean()) if has_relevant.any() else 0.0,
        queries=len(labels),
        singleton_queries=int((~has_relevant).sum()),
    )


def evaluate(
    features: np.ndarray,
    labels: Sequence[str],
    k: int,
    signals: PhotoSignals | None = None,
    weights: SearchSettings | None = None,
) -> tuple[RetrievalScores, np.ndarray]:
    """Scores and the (n, k) rankings behind them."""
    if len(features) != len(labels):
        raise ValueError(f"{len(features)} feature rows for {len(labels)} labels")
    ranked = rank_neighbours(features, k, signals, weights)
    return score(labels, ranked), ranked
