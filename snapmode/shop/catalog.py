"""The demo shop's catalogue: typed records read from ``data/catalog.json``.

``scripts/build_demo_shop.py`` writes the file with these same models, so the
builder, the web app and the tests share one schema.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, PrivateAttr, ValidationError

from snapmode.errors import NotFound

DATA_DIR = Path(__file__).resolve().parent / "data"
RULES_PATH = DATA_DIR / "rules.yaml"  # extraction rules for the product pages without structured data

Markup = Literal["json-ld", "microdata", "plain"]
MARKUPS: tuple[Markup, ...] = ("json-ld", "microdata", "plain")


class ImageFile(BaseModel):
    """One photo, shipped twice: ``images/large/<file>`` and ``images/thumb/<file>``."""

    model_config = ConfigDict(frozen=True)

    file: str
    view: str  # "main", "back", "alt1", ...
    large: tuple[int, int]  # width, height in pixels
    thumb: tuple[int, int]


class Colour(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str | None  # None where the source names no real colour (e.g. watches)
    images: list[ImageFile]


class Variant(BaseModel):
    model_config = ConfigDict(frozen=True)

    sku: str
    color: str | None = None
    size: str | None = None


class ShopProduct(BaseModel):
    model_config = ConfigDict(frozen=True)

    sku: str
    slug: str
    name: str
    description_html: str  # sanitised at build time: p, br, ul, li, strong, em only
    description_text: str
    categories: list[str]  # leaf paths, e.g. "Men/Tops/Jackets"
    price: str  # regular price, decimal string "52.00"
    sale_price: str | None = None
    in_stock: bool
    colours: list[Colour]
    sizes: list[str]
    variants: list[Variant]
    markup: Markup  # which structured data its page carries

    @property
    def path(self) -> str:
        return f"/p/{self.slug}.html"

    @property
    def current_price(self) -> str:
        return self.sale_price or self.price

    @property
    def discount_percent(self) -> float | None:
        if self.sale_price is None:
            return None
        return float((1 - Decimal(self.sale_price) / Decimal(self.price)) * 100)

    @property
    def images(self) -> list[ImageFile]:
        return [image for colour in self.colours for image in colour.images]


class Category(BaseModel):
    model_config = ConfigDict(frozen=True)

    path: str  # "Men/Tops/Jackets"
    name: str  # "Jackets"
    slug: str  # "men-tops-jackets"
    parent: str | None  # parent path, None for a top-level category

    @property
    def url_path(self) -> str:
        return f"/c/{self.slug}.html"

    @property
    def trail(self) -> list[str]:
        """Paths from the top-level category down to this one."""
        parts = self.path.split("/")
        return ["/".join(parts[: depth + 1]) for depth in range(len(parts))]


class Catalog(BaseModel):
    model_config = ConfigDict(frozen=True)

    currency: str
    brand: str
    categories: list[Category]  # parents before children
    products: list[ShopProduct]
    _data_dir: Path = PrivateAttr(DATA_DIR)

    def image_path(self, image: ImageFile, size: Literal["large", "thumb"] = "large") -> Path:
        """The shipped JPEG file, as the shop serves it under ``/media/<size>/<file>``."""
        return self._data_dir / "images" / size / image.file

    @cached_property
    def _products_by_slug(self) -> dict[str, ShopProduct]:
        return {product.slug: product for product in self.products}

    @cached_property
    def _categories_by_slug(self) -> dict[str, Category]:
        return {category.slug: category for category in self.categories}

    @cached_property
    def _categories_by_path(self) -> dict[str, Category]:
        return {category.path: category for category in self.categories}

    def brand_of(self, product: ShopProduct) -> str:
        """The brand a product's page names: the catalogue's own, for every product."""
        return self.brand

    def product(self, slug: str) -> ShopProduct:
        try:
            return self._products_by_slug[slug]
        except KeyError:
            raise NotFound(f"no product with slug {slug!r}") from None

    def category(self, slug: str) -> Category:
        try:
            return self._categories_by_slug[slug]
        except KeyError:
            raise NotFound(f"no category with slug {slug!r}") from None

    def category_at(self, path: str) -> Category:
        try:
            return self._categories_by_path[path]
        except KeyError:
            raise NotFound(f"no category at {path!r}") from None

    def top_categories(self) -> list[Category]:
        return [category for category in self.categories if category.parent is None]

    def children(self, category: Category) -> list[Category]:
        return [child for child in self.categories if child.parent == category.path]

    def products_in(self, category: Category) -> list[ShopProduct]:
        """Products filed under the category or any of its descendants, in catalogue order."""
        prefix = category.path + "/"
        return [
            product
            for product in self.products
            if any(path == category.path or path.startswith(prefix) for path in product.categories)
        ]


def load_catalog(data_dir: Path | None = None) -> Catalog:
    path = (data_dir or DATA_DIR) / "catalog.json"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NotFound(f"{path} does not exist: run scripts/build_demo_shop.py first") from None
    try:
        catalog = Catalog.model_validate_json(text)
    except ValidationError as error:
        raise ValueError(f"{path} is not a valid shop catalogue:\n{error}") from None
    catalog._data_dir = path.parent
    return catalog
