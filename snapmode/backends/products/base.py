"""The product-index concern: one Protocol, one class per technology."""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel, Field, model_validator

from snapmode.domain import PricePoint, Product
from snapmode.errors import InvalidRequest


class ProductFilters(BaseModel):
    category: str | None = None
    brand: str | None = None
    site: str | None = None
    min_price: float | None = None
    max_price: float | None = None
    in_stock: bool | None = None

    @model_validator(mode="after")
    def _price_range_can_match(self) -> ProductFilters:
        """A reversed price range is a mistake to report (422), not a search that silently finds nothing.

        ``InvalidRequest`` rather than ``ValueError``: pydantic lets it through as it is, for text and photo
        search alike.
        """
        if self.min_price is not None and self.max_price is not None and self.min_price > self.max_price:
            raise InvalidRequest(
                f"min_price ({self.min_price:.10g}) is above max_price ({self.max_price:.10g}): no price can be in between"
            )
        return self


class FacetCount(BaseModel):
    value: str
    count: int


class ProductPage(BaseModel):
    total: int
    items: list[Product]
    facets: dict[str, list[FacetCount]] = Field(default_factory=dict)  # brand, category, price, site, availability


# The fields whose coverage an operator watches (``ProductIndex.coverage``), in the order a console lists them.
COVERAGE_FIELDS = ("name", "price", "currency", "sku", "brand", "availability", "images", "description")


class FieldCoverage(BaseModel):
    products: int  # products that have the field (a non-empty value)
    sources: dict[str, int] = Field(default_factory=dict)  # of those, how many each source supplied (field_sources)


class Coverage(BaseModel):
    """How much of one site's catalogue each field covers, and where the values came from.

    A product counts for a source only when it has the field; those without a recorded source (indexed
    before sources were recorded) count in ``products`` alone."""

    products: int
    fields: dict[str, FieldCoverage]  # every one of COVERAGE_FIELDS, in that order


class ProductIndex(Protocol):
    def upsert(self, products: list[Product]) -> None:
        """Insert or replace by ``Product.id``, adding a price point when price or availability changed."""

    def history(self, product_id: str) -> list[PricePoint]:
        """Price and availability points, oldest first: one each time a crawl saw them change."""

    def get_many(self, product_ids: list[str]) -> dict[str, Product]: ...

    def search(
        self, q: str | None, filters: ProductFilters, offset: int = 0, limit: int = 20
    ) -> ProductPage:
        """Full text (the language of ``query``) over name, brand, description, categories, colours and SKUs,
        variants' included; facets over the filtered set. Raises ``InvalidRequest`` for a query it refuses."""

    def count(self) -> int: ...

    def coverage(self, site: str) -> Coverage:
        """Per field of ``COVERAGE_FIELDS``, how many of the site's products have it and which source supplied
        it, aggregated by the index (no product is read into memory)."""

    def close(self) -> None: ...
