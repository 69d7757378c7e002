"""The vector-store concern. Every deployment speaks pymilvus; only the URI differs."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection
from typing import TYPE_CHECKING, Protocol

from snapmode.domain import VectorRecord

if TYPE_CHECKING:  # hits are numpy arrays, which the roles that only register a store need not install
    from snapmode.backends.vectors.hits import VectorHit


class VectorStore(Protocol):
    def upsert(self, records: list[VectorRecord]) -> None:
        """Insert or replace by ``VectorRecord.id``."""

    def search(
        self,
        vector: list[float],
        k: int,
        exclude_product: str | None = None,
        category: str | None = None,
        product_ids: Collection[str] | None = None,
    ) -> list[VectorHit]:
        """Nearest regions, best first; ``category`` keeps only regions the classifier tagged so, ``product_ids``
        only regions of those products (the store searches those alone, so the k nearest of them come back however
        far they are)."""

    def search_many(
        self,
        vectors: list[list[float]],
        k: int,
        exclude_product: str | None = None,
        category: str | None = None,
        exclude_label: str | None = None,
        product_ids: Collection[str] | None = None,
    ) -> list[list[VectorHit]]:
        """``search`` for several query vectors in one call, one list of hits each; ``exclude_label`` keeps out
        regions of that label."""

    def image_ids(self, image_url: str, label: str | None = None) -> list[str]:
        """Ids of vectors already stored for one image, optionally of one label (lets workers skip finished work)."""

    def records_for_image(self, image_url: str) -> list[VectorRecord]:
        """Every stored region of one image, vectors included."""

    def article_types(self, image_urls: Collection[str], label: str) -> dict[str, list[float]]:
        """The stored article-type probabilities of each image's region of that label (one per image, e.g. the
        whole photo), by image URL; images without one are left out."""

    def count(self, label: str | None = None) -> int: ...

    def count_for_products(self, product_ids: list[str]) -> int:
        """Vectors stored for the photos of these products."""

    def close(self) -> None: ...


class OneSearchCall(ABC):
    """``search`` and ``search_many`` of a store as its one ``_search`` over a list of query vectors."""

    @abstractmethod
    def _search(
        self,
        vectors: list[list[float]],
        k: int,
        exclude_product: str | None,
        category: str | None,
        exclude_label: str | None,
        product_ids: Collection[str] | None,
    ) -> list[list[VectorHit]]: ...

    def search(
        self,
        vector: list[float],
        k: int,
        exclude_product: str | None = None,
        category: str | None = None,
        product_ids: Collection[str] | None = None,
    ) -> list[VectorHit]:
        return self._search([vector], k, exclude_product, category, None, product_ids)[0]

    def search_many(
        self,
        vectors: list[list[float]],
        k: int,
        exclude_product: str | None = None,
        category: str | None = None,
        exclude_label: str | None = None,
        product_ids: Collection[str] | None = None,
    ) -> list[list[VectorHit]]:
        return self._search(vectors, k, exclude_product, category, exclude_label, product_ids)
