"""Run every feature extractor over one labelled photo set and score each by leave-one-out retrieval."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import numpy as np
from PIL import Image, UnidentifiedImageError
from pydantic import BaseModel, ConfigDict

from lab.evaluation.features import BATCH_SIZE, FeatureExtractor, SearchRanked
from lab.evaluation.labels import LabelledImage
from lab.evaluation.retrieval import RetrievalScores, evaluate

# Photos are decoded once, at most this size: every model looks at 96 px or less, and 725 full-size
# Luma photos would need 3 GB. JPEG draft mode decodes straight to a reduced scale.
LOADED_SIZE = 256


class ModelResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    scores: RetrievalScores
    dim: int
    ms_per_image: float  # preprocessing + model, on already decoded photos
    size_mb: float
    ranked: list[list[int]]  # each query's top k, indices into the photo list

    def summary(self) -> dict[str, float | int]:
        k = self.scores.k
        return {
            "precision@1": round(self.scores.precision_at_1, 4),
            f"precision@{k}": round(self.scores.precision_at_k, 4),
            "recall@1": round(self.scores.recall_at_1, 4),
            f"recall@{k}": round(self.scores.recall_at_k, 4),
            "ms_per_image": round(self.ms_per_image, 3),
            "size_mb": self.size_mb,
            "dim": self.dim,
            "queries": self.scores.queries,
        }


def load_photo(image: LabelledImage) -> Image.Image | None:
    """The decoded photo, shrunk to at most LOADED_SIZE on its long side; None when unreadable."""
    try:
        with Image.open(image.path) as photo:
            photo.draft("RGB", (LOADED_SIZE, LOADED_SIZE))
            photo.load()
            photo.thumbnail((LOADED_SIZE, LOADED_SIZE), Image.Resampling.LANCZOS)
            return photo.copy()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError):
        return None


def embed_all(
    extractor: FeatureExtractor, photos: Sequence[Image.Image], on_batch: Callable[[int], None]
) -> tuple[np.ndarray, float]:
    """(features, milliseconds per photo); a one-photo warm-up call before the timed batches."""
    extractor.embed(photos[:1])  # tracing and lazy initialisation are not a per-photo cost
    rows, seconds = [], 0.0
    for start in range(0, len(photos), BATCH_SIZE):
        batch = photos[start : start + BATCH_SIZE]
        began = time.perf_counter()
        rows.append(extractor.embed(batch))
        seconds += time.perf_counter() - began
        on_batch(len(batch))
    return np.concatenate(rows), 1000 * seconds / max(1, len(photos))


def compare(
    extractors: Sequence[FeatureExtractor],
    photos: Sequence[Image.Image],
    labels: Sequence[str],
    k: int,
    on_batch: Callable[[str, int], None] = lambda name, n: None,
) -> list[ModelResult]:
    results = []
    for extractor in extractors:
        features, ms = embed_all(extractor, photos, lambda n, name=extractor.name: on_batch(name, n))
        signals, weights = None, None
        if isinstance(extractor, SearchRanked):
            began = time.perf_counter()
            signals, weights = extractor.signals(photos), extractor.weights
            ms += 1000 * (time.perf_counter() - began) / max(1, len(photos))  # indexing a photo does all this too
        scores, ranked = evaluate(features, labels, k, signals, weights)
        results.append(
            ModelResult(
                name=extractor.name,
                scores=scores,
                dim=features.shape[1],
                ms_per_image=ms,
                size_mb=extractor.size_mb,
                ranked=ranked.tolist(),
            )
        )
    return results
