"""The product-index concern: one Protocol, one class per technology."""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel, Field

from snapmode.domain import PricePoint, Product


class ProductFilters(BaseModel):
    category: str | None = None
    brand: str | None = None
    site: str | None = None
    min_price: float | None = None
    max_price: float | None = None
    in_stock: bool | None = None


class FacetCount(BaseModel):
    value: str
    count: int


class ProductPage(BaseModel):
    total: int
    items: list[Product]
    facets: dict[str, list[FacetCount]] = Field(default_factory=dict)  # brand, category, price, site, availability


class ProductIndex(Protocol):
    def upsert(self, products: list[Product]) -> None:
        """Insert or replace by ``Product.id``, adding a price point when price or availability changed."""

    def history(self, product_id: str) -> list[PricePoint]:
        """Price and availability points, oldest first: one each time a crawl saw them change."""

    def get_many(self, product_ids: list[str]) -> dict[str, Product]: ...

    def search(
        self, q: str | None, filters: ProductFilters, offset: int = 0, limit: int = 20
    ) -> ProductPage:
        """Full text over name, brand, description, categories; facets over the filtered set."""

    def count(self) -> int: ...

    def close(self) -> None: ...
