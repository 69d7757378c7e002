"""The vector-store concern. Every deployment speaks pymilvus; only the URI differs."""

from __future__ import annotations

from typing import Protocol

from snapmode.domain import VectorHit, VectorRecord


class VectorStore(Protocol):
    def upsert(self, records: list[VectorRecord]) -> None:
        """Insert or replace by ``VectorRecord.id``."""

    def search(
        self, vector: list[float], k: int, exclude_product: str | None = None, category: str | None = None
    ) -> list[VectorHit]:
        """Nearest regions, best first; ``category`` keeps only regions the classifier tagged so."""

    def search_many(
        self,
        vectors: list[list[float]],
        k: int,
        exclude_product: str | None = None,
        category: str | None = None,
        exclude_label: str | None = None,
    ) -> list[list[VectorHit]]:
        """``search`` for several query vectors in one call, one list of hits each; ``exclude_label`` keeps out
        regions of that label."""

    def image_ids(self, image_url: str, label: str | None = None) -> list[str]:
        """Ids of vectors already stored for one image, optionally of one label (lets workers skip finished work)."""

    def records_for_image(self, image_url: str) -> list[VectorRecord]:
        """Every stored region of one image, vectors included."""

    def count(self, label: str | None = None) -> int: ...

    def count_for_products(self, product_ids: list[str]) -> int:
        """Vectors stored for the photos of these products."""

    def close(self) -> None: ...
