"""The article-type head: a linear softmax over Myntra's article types on the DCGAN's 8192-d vector.

Two photos of one product agree on what kind of thing it is (a tee, a bra, a handbag) whatever their pose,
zoom or colour, and so do other products of that kind. The search adds that agreement to a hit's score
(``search.article_type_weight``, snapmode.similarity), a soft narrowing to the query's kind, finer than the product
classifier's 14 categories. The head reads the vector the embedder already computed, so it costs one small
matrix product and no extra model run. Trained by ``snapmode train article-types``
(lab.vision.article_types_training); docs/models.md ("Article types in the ranking") has the figures.

It also names the kind of product a photo shows, at the grain it is reliable at: the family of its types (Myntra's
subCategory: Topwear, Bottomwear, Shoes, Bags, Watches...). On the demo shop's photos, which it never trained on, the
family it names is right 95-97% of the time, while its single most likely type is often another of the family
(Kurtas for 101 of the 654 photos: hoodies, jackets, tanks) (docs/models.md, "Is it the kind the shopper asked for?").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike

WEIGHTS_NAME = "article_types.npz"
# Beside the weights: each class's family (Myntra's subCategory), written by scripts/build_article_type_families.py.
FAMILIES_NAME = "article_type_families.json"
# A photo's kind is named when its most likely family has at least this probability; a stored region is counted
# as of the query's kind from SAME_KIND_MIN_SCORE on. Chosen by bench/kind_notice.py (docs/models.md).
KIND_MIN_SCORE = 0.3
SAME_KIND_MIN_SCORE = 0.2
# Myntra names most families in the plural or as a mass noun (Shoes, Watches, Topwear), these few in the singular.
_SINGULAR_FAMILIES = {"Apparel Set": "apparel sets", "Dress": "dresses", "Sandal": "sandals", "Saree": "sarees"}


def family_noun(family: str) -> str:
    """How a sentence names a family's products: "sandals", "shoes", "topwear"."""
    return _SINGULAR_FAMILIES.get(family, family.lower())


@dataclass(frozen=True)
class Kind:
    family: str  # e.g. "Shoes"
    score: float  # the head's probability of the family: the sum of its types'


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
        self._families_path = weights_path.with_name(FAMILIES_NAME)

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        """(n, classes) float32 rows summing to 1, for (n, 8192) embeddings."""
        logits = np.asarray(vectors, np.float32).reshape(-1, len(self._kernel)) @ self._kernel + self._bias
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    @cached_property
    def families(self) -> tuple[str, ...]:
        """The family of each class (Topwear, Shoes, Bags...), read on first use: only the search's kind needs it
        (a process that serves searches reads it at start-up, `Services.load_models`)."""
        if not self._families_path.is_file():
            raise FileNotFoundError(
                f"no article-type families at {self._families_path} (write them with "
                "scripts/build_article_type_families.py)"
            )
        mapping = json.loads(self._families_path.read_text(encoding="utf-8"))["families"]
        missing = [name for name in self.classes if name not in mapping]
        if missing:
            raise ValueError(f"{self._families_path} names no family for the head's classes {missing}")
        return tuple(mapping[name] for name in self.classes)

    @cached_property
    def _family_names(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.families)))

    @cached_property
    def _membership(self) -> np.ndarray:
        """(classes, families) 0/1: which family each class belongs to."""
        columns = {name: i for i, name in enumerate(self._family_names)}
        matrix = np.zeros((len(self.classes), len(columns)), np.float32)
        matrix[np.arange(len(self.classes)), [columns[name] for name in self.families]] = 1
        return matrix

    def family_score(self, probabilities: ArrayLike, family: str) -> float:
        """The probability of one family (0 for a family the head does not know)."""
        if family not in self._family_names:
            return 0.0
        return float((np.asarray(probabilities, np.float32) @ self._membership)[self._family_names.index(family)])

    def kind(self, probabilities: ArrayLike, min_score: float = KIND_MIN_SCORE) -> Kind | None:
        """The most likely family of one photo's class probabilities, or None below ``min_score``."""
        scores = np.asarray(probabilities, np.float32) @ self._membership
        best = int(scores.argmax())
        return Kind(self._family_names[best], float(scores[best])) if scores[best] >= min_score else None
