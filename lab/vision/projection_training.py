"""Learn the compact vector projection (snapmode.backends.vectors.compact) from DCGAN vectors of training photos.

The projection is an uncentred PCA of the vectors SnapMode stores: whole photos and their detail views
(snapmode.similarity.photo_features), so both kinds keep their inner products. Its rows are orthonormal and
ordered by the variance they keep, so the first D rows are themselves the best D-row projection: the vector
index keeps a short prefix, the re-ranking a longer one, of the same coordinates.

Trained on Myntra photos outside every evaluation set: the 1,000 retrieval-evaluation photos, the held-out Luma
views and the Myntra test split (sha256 of the product id modulo 4 is 0) are excluded.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
from PIL import Image
from rich.progress import Progress
from threadpoolctl import threadpool_limits

from lab.datasets import MYNTRA_DIR, list_training_images, myntra_test_split, training_exclusions
from snapmode.backends.vectors.compact import PROJECTION_NAME, save_projection
from snapmode.similarity import photo_features

PHOTOS_PER_BATCH = 32


def training_photos(limit: int, seed: int = 0, myntra_dir: Path = MYNTRA_DIR) -> list[Path]:
    """Myntra photos no evaluation uses, a seeded draw of ``limit``."""
    images = myntra_dir / "images"
    test_split = {path.name for path in images.iterdir() if myntra_test_split(path.stem)}
    excluded = training_exclusions(myntra_dir) | test_split
    return list_training_images([images], exclude=excluded, limit=limit, seed=seed)


def stored_vectors(models, paths: list[Path]) -> np.ndarray:
    """The vectors indexing would store for these photos seen whole: each photo's and its detail views'."""
    rows = []
    with Progress() as progress:
        task = progress.add_task("embedding photos and detail views", total=len(paths))
        for start in range(0, len(paths), PHOTOS_PER_BATCH):
            batch = paths[start : start + PHOTOS_PER_BATCH]
            photos = [Image.open(path).convert("RGB") for path in batch]
            features = photo_features(models, photos)
            rows += [features.vectors, features.detail_vectors]
            progress.advance(task, len(batch))
    return np.concatenate(rows).astype(np.float32)


def fit_projection(vectors: np.ndarray, dims: int) -> tuple[np.ndarray, np.ndarray]:
    """(components (dims, d), the share of the vectors' energy each keeps): the top eigenvectors of the vectors'
    uncentred second moment, so a projection keeps inner products rather than the variance about a mean."""
    # Every core: no model runs beside these products (a process that loaded one keeps numpy on one thread).
    with threadpool_limits(limits=os.cpu_count(), user_api="blas"):
        gram = vectors.T @ vectors  # (d, d): cheaper than a singular value decomposition of many rows
        energy, eigenvectors = np.linalg.eigh(gram)
    order = np.argsort(energy)[::-1]
    share = np.clip(energy[order], 0, None) / np.clip(energy, 0, None).sum()
    return eigenvectors[:, order[:dims]].T.astype(np.float32), share[:dims].astype(np.float32)


def train(models, out: Path, photos: int, dims: int, seed: int = 0) -> dict:
    started = time.perf_counter()
    paths = training_photos(photos, seed)
    vectors = stored_vectors(models, paths)
    components, energy = fit_projection(vectors, dims)
    save_projection(out / PROJECTION_NAME, components)
    kept = np.cumsum(energy)
    return {
        "photos": len(paths),
        "vectors": len(vectors),
        "dims": dims,
        "energy_kept": {str(d): round(float(kept[d - 1]), 4) for d in (16, 32, 64, 128, 256, 512, 1024, dims) if d <= dims},
        "seconds": round(time.perf_counter() - started, 1),
        "out": str(out / PROJECTION_NAME),
    }
