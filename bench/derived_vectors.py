"""Derived vectors: near duplicates of real ones, to fill a vector index past what can be embedded on a CPU.

NumPy only, so a second interpreter with another Milvus Lite (bench/milvus_engines.py) can import it too.
"""

from __future__ import annotations

import numpy as np

# A derived vector sits at a cosine in this range from its source: another shot or crop of the same
# product, never an exact copy.
COSINE = (0.80, 0.95)


def derive(rng: np.random.Generator, sources: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """``count`` unit vectors around randomly picked rows of ``sources`` (unit rows): (picked rows, vectors)."""
    picked = rng.integers(0, len(sources), count)
    cosine = rng.uniform(*COSINE, count)
    noise = rng.standard_normal((count, sources.shape[1])).astype(np.float32)
    # Noise of norm sqrt(1/c^2 - 1) around a unit vector leaves it at cosine c from its source.
    noise *= (np.sqrt(1 / cosine**2 - 1) / np.linalg.norm(noise, axis=1))[:, None]
    derived = sources[picked] + noise
    derived /= np.linalg.norm(derived, axis=1, keepdims=True)
    return picked, derived
