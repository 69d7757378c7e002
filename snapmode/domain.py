"""Domain records shared by every adapter (runners, bolts, CLI, API).

They are plain pydantic models so they cross process boundaries (Storm tuples,
queue messages, HTTP) as JSON without custom code.
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from snapmode.patterns import compile_pattern

Availability = Literal["InStock", "OutOfStock"]
MAX_SITE_NAME_CHARS = 100
STORED_SITE = {"stored": True}  # validation context of a Site read back from a registry


class Variant(BaseModel):
    sku: str | None = None
    color: str | None = None
    size: str | None = None


class ExtractedProduct(BaseModel):
    """What the extractor found on one page; every field may be missing."""

    name: str | None = None
    price: str | None = None  # decimal string, e.g. "119.01": the price a shopper pays now
    regular_price: str | None = None  # the struck-through price when on sale
    currency: str | None = None  # ISO 4217
    brand: str | None = None
    sku: str | None = None
    availability: Availability | None = None
    description: str | None = None
    categories: list[str] = Field(default_factory=list)
    images: list[str] = Field(default_factory=list)  # absolute, deduplicated, page order
    variants: list[Variant] = Field(default_factory=list)

    @property
    def is_product(self) -> bool:
        return bool(self.name and (self.price or self.images))


class Product(ExtractedProduct):
    """An indexed product: extraction plus identity and provenance."""

    id: str  # product_id(url)
    url: str
    site: str  # the registered site's id
    discount_percent: float | None = None
    fetched_at: float  # unix seconds
    # which extraction layer or learned template supplied each field
    field_sources: dict[str, str] = Field(default_factory=dict)


class ImageTask(BaseModel):
    """One image URL queued for the imaging topology."""

    product_id: str
    image_url: str
    position: int = 0  # order on the product page; 0 is the main photo


class Region(BaseModel):
    """A detected region in pixel coordinates of the decoded image."""

    box: tuple[int, int, int, int]  # x1, y1, x2, y2
    label: str  # detector class, or "image" for the whole-image region
    score: float


class RegionFeatures(BaseModel):
    """What a photo search compares a region by (snapmode.similarity computes and scores them)."""

    vector: list[float]  # DCGAN embedding
    colour: list[float]  # colour signature (snapmode.vision.colour)
    article_types: list[float]  # the article-type head's probability of each type (snapmode.vision.article_types)


class VectorRecord(RegionFeatures):
    id: str  # vector_id(image_url, box), or vector_id(image_url, box, "detail") for a detail view
    product_id: str
    image_url: str
    box: tuple[int, int, int, int]
    label: str  # detector class, "image" or "detail"
    category: str | None = None  # product class from the classifier


class SearchResult(BaseModel):
    product_id: str
    site: str  # the registered site's id
    name: str | None
    price: str | None
    regular_price: str | None = None
    currency: str | None
    brand: str | None
    availability: Availability | None = None
    url: str  # the shop's product page
    image_url: str  # the matched photo
    score: float  # the matched region's ranking score (snapmode.similarity): mostly cosine similarity, higher is closer
    box: tuple[int, int, int, int]  # matched region in that photo
    label: str  # detector class, "image" (the whole photo) or "detail" (a zoomed crop of it)
    category: str | None = None  # the classifier's category of that region
    # The kind of product of the matched photo (a family of Myntra article types: Topwear, Shoes...) when the
    # article-type head is confident (snapmode.vision.article_types.KIND_MIN_SCORE), else None.
    article_type: str | None = None


class Site(BaseModel):
    """A shop registered by an operator."""

    id: str  # site_id(root_url)
    root_url: str
    # The shop's name as shoppers know it: given at registration, else learned from its home page (None until then).
    name: str | None = Field(None, max_length=MAX_SITE_NAME_CHARS)
    rules_yaml: str | None = None  # per-site extraction rules, validated at registration
    include: list[str] = Field(default_factory=list)  # RE2 regexes: when given, only matching pages are crawled
    exclude: list[str] = Field(default_factory=list)  # RE2 regexes: matching pages are never crawled
    created_at: float
    state: Literal["active", "paused"] = "active"  # paused: none of its URLs is fetched (records before: active)

    @property
    def shop_name(self) -> str:
        """What shoppers see: the name, else the host without "www." (the name is not known yet)."""
        host = urlsplit(self.root_url).hostname or self.root_url
        return self.name or host.removeprefix("www.")

    @field_validator("name", mode="before")
    @classmethod
    def _tidy_name(cls, name: object) -> object:
        """Whitespace runs become one space; a blank name is no name."""
        return (" ".join(name.split()) or None) if isinstance(name, str) else name

    @field_validator("include", "exclude")
    @classmethod
    def _compiles(cls, patterns: list[str], info: ValidationInfo) -> list[str]:
        # A stored record is read back as it is: one saved before patterns ran on RE2 must still load (so that
        # its operator can see and change it); its crawl scope takes no new page meanwhile (SiteScope).
        if info.context != STORED_SITE:
            for pattern in patterns:
                compile_pattern(pattern)  # ValueError naming the pattern and why RE2 refuses it
        return patterns


class PricePoint(BaseModel):
    """A product's price and availability from the time a crawl first saw them."""

    observed_at: float  # unix seconds
    price: str | None
    regular_price: str | None = None
    currency: str | None
    availability: Availability | None = None
