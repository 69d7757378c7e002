"""Stored forms of a region vector against exact 8192-d search: what the compact store keeps and what it could.

    .venv/bin/python bench/compact_forms.py [--photos 700] [--queries 150]

Selection set: training-split Myntra photos the projection was not fitted on (outside the 2,000 of
`snapmode train projection`, the evaluation photos, the held-out Luma views and the Myntra test split), each seen
whole and through its 7 detail views, as indexing stores them. For each of ``--queries`` vectors it compares the
10 and 200 nearest other vectors by exact cosine with those each stored form ranks first:

- today's form: the coordinates on the first D learned rows, scaled to unit length, a byte each (the reference);
- the same coordinates at their own length (the part of the cosine the rows carry, without inflating vectors whose
  energy lies more outside them);
- plus a sign sketch of the residual (what the rows miss): B random Gaussian directions, one bit each, and the
  residual's length; the query side keeps its exact residual, so ``q . v`` is estimated without bias by
  ``|r| * sqrt(pi/2) / B * (S q_r) . sign(S r)``;
- plus the exact residual: the ceiling of any residual code at that many coordinates.

The vectors (5,600 for 700 photos) are embedded once and cached under var/bench/compact_forms/.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from snapmode.backends.vectors.compact import PROJECTION_NAME, VectorCodec, pack_coordinates, unpack_coordinates

FITTED_PHOTOS, FITTED_SEED = 2000, 0  # the draw `snapmode train projection` fits the shipped rows on
SELECTION_SEED = 7
SKETCH_SEED = 42
DIMS = (768, 1024)
SKETCH_BITS = (512, 1024, 2048)


def selection_vectors(photos: int, cache: Path) -> np.ndarray:
    path = cache / f"vectors-{photos}.npy"
    if not path.is_file():
        from lab.evaluation.features import DcganSearchFeatures
        from lab.vision.projection_training import stored_vectors, training_photos
        from snapmode.config import Settings

        fitted = set(training_photos(FITTED_PHOTOS, FITTED_SEED))
        others = [p for p in training_photos(FITTED_PHOTOS + 2 * photos, SELECTION_SEED) if p not in fitted][:photos]
        settings = Settings()
        models = DcganSearchFeatures(settings.models_dir / "dcgan_discriminator.weights.h5",
                                     settings.models_dir / "article_types.npz")  # fmt: skip
        cache.mkdir(parents=True, exist_ok=True)
        np.save(path, stored_vectors(models, others))
    vectors = np.load(path)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def as_bytes(rows: np.ndarray) -> np.ndarray:
    return unpack_coordinates([pack_coordinates(row) for row in rows])


def unit(rows: np.ndarray) -> np.ndarray:
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


class Neighbours:
    """Recall@k of the exact nearest neighbours (the query itself left out) under another scoring."""

    def __init__(self, vectors: np.ndarray, queries: np.ndarray) -> None:
        self.queries = queries
        self.exact = self._ranked(vectors[queries] @ vectors.T)

    def _ranked(self, scores: np.ndarray) -> np.ndarray:
        scores = scores.copy()
        scores[np.arange(len(self.queries)), self.queries] = -np.inf
        return np.argsort(-scores, axis=1)[:, :200]

    def recall(self, scores: np.ndarray, k: int) -> float:
        ranked = self._ranked(scores)
        shares = [len(set(e[:k]) & set(r[:k])) / k for e, r in zip(self.exact, ranked, strict=True)]
        return float(np.mean(shares))


def forms(vectors: np.ndarray, rows: np.ndarray, queries: np.ndarray):
    """(name, bytes per region, scores of the queries against every vector) of each stored form."""
    for dims in DIMS:
        span_rows = rows[:dims]
        span = vectors @ span_rows.T
        residual = vectors - span @ span_rows
        residual_length = np.linalg.norm(residual, axis=1)
        stored_unit = as_bytes(unit(span))
        yield f"{dims} coordinates at unit length (today)", dims + 4, unit(span[queries]) @ stored_unit.T
        own_length = span[queries] @ as_bytes(span).T
        yield f"{dims} coordinates at their own length", dims + 4, own_length
        for bits in SKETCH_BITS:
            directions = np.random.default_rng(SKETCH_SEED).standard_normal((bits, vectors.shape[1]), np.float32)
            signs = np.sign(residual @ directions.T)
            estimate = (residual[queries] @ directions.T) @ signs.T * (residual_length * np.sqrt(np.pi / 2) / bits)
            yield f"  + {bits}-bit residual sketch", dims + 4 + bits // 8 + 4, own_length + estimate
        yield "  + the exact residual (ceiling)", None, own_length + residual[queries] @ residual.T


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=int, default=700)
    parser.add_argument("--queries", type=int, default=150)
    parser.add_argument("--cache", type=Path, default=REPO / "var" / "bench" / "compact_forms")
    args = parser.parse_args()
    vectors = selection_vectors(args.photos, args.cache)
    rows = VectorCodec(REPO / "models" / PROJECTION_NAME, 1, max(DIMS)).projection
    queries = np.random.default_rng(0).choice(len(vectors), args.queries, replace=False)
    neighbours = Neighbours(vectors, queries)
    table = Table(title=f"Stored forms against exact 8192-d search: {len(vectors):,} selection vectors, "
                        f"{args.queries} queries")  # fmt: skip
    for column in ("stored form", "bytes per region", "recall@10", "recall@200"):
        table.add_column(column, justify="left" if column == "stored form" else "right")
    for name, size, scores in forms(vectors, rows, queries):
        table.add_row(name, "-" if size is None else f"{size:,}",
                      f"{neighbours.recall(scores, 10):.3f}", f"{neighbours.recall(scores, 200):.3f}")  # fmt: skip
    Console(width=160).print(table)


if __name__ == "__main__":
    main()
