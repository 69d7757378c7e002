"""The article-type head: a linear softmax over Myntra's article types on the DCGAN's 8192-d vector.

Two photos of one product agree on what kind of thing it is (a tee, a bra, a handbag) whatever their pose,
zoom or colour, and so do other products of that kind. The search adds that agreement to a hit's score
(``search.article_type_weight``, snapmode.ranking), a soft narrowing to the query's kind, finer than the product
classifier's 14 categories. The head reads the vector the embedder already computed, so it costs one small
matrix product and no extra model run. Trained by ``snapmode train article-types``
(snapmode.vision.article_types_training); docs/models.md ("Article types in the ranking") has the figures.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

WEIGHTS_NAME = "article_types.npz"


class ArticleTypeHead:
    def __init__(self, weights_path: Path) -> None:
        if not weights_path.is_file():
            raise FileNotFoundError(
                f"no article-type head at {weights_path} (train it with `snapmode train article-types`)"
            )
        with np.load(weights_path) as stored:
            self._kernel = stored["kernel"].astype(np.float32)
            self._bias = stored["bias"].astype(np.float32)
            self.classes: tuple[str, ...] = tuple(str(name) for name in stored["classes"])

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        """(n, classes) float32 rows summing to 1, for (n, 8192) embeddings."""
        logits = np.asarray(vectors, np.float32).reshape(-1, len(self._kernel)) @ self._kernel + self._bias
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)
