"""The demo shop at scale: any number of products derived from the shipped catalogue, each made when asked for.

Product ``n`` (0 to N - 1) takes the shipped product at ``n mod 170`` of a seeded shuffle of the catalogue as its
base, and from a random generator seeded with ``(seed, n)`` its own name words, brand, SKU, price, sale, stock and
markup; its photos are crops, mirrorings and colour shifts of the base's photos, drawn when fetched. Nothing is kept
per product: a category's k-th product, a product's place in its category and a product by its slug are all
arithmetic, so a shop of ten million products starts at once and its memory stays flat while it is crawled.
"""

from __future__ import annotations

import io
import math
import random
import re
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from decimal import ROUND_FLOOR, Decimal
from functools import cached_property
from typing import Literal, overload

from PIL import Image

from snapmode.errors import NotFound
from snapmode.shop.catalog import MARKUPS, Catalog, Category, Colour, ImageFile, ShopProduct, Variant

COLOUR_WORDS = (
    "Slate", "Ivory", "Crimson", "Sage", "Cobalt", "Sand", "Charcoal", "Teal", "Rust", "Navy",
    "Olive", "Blush", "Mustard", "Stone", "Plum", "Ash",
)  # fmt: skip
MATERIALS = (
    "Merino", "Organic Cotton", "Recycled Nylon", "Ripstop", "Fleece", "Linen Blend", "Bamboo", "Softshell",
    "Jersey", "Heavyweight", "Seamless", "Waffle Knit",
)  # fmt: skip
FITS = ("Relaxed", "Slim", "Classic", "Cropped", "Oversized", "Tapered", "Athletic", "Longline")
BRANDS = ("Luma", "Northpeak", "Field & Fen", "Aurora Athletics", "Kestrel", "Tidewater", "Granite Co.", "Verve")
SALE_SHARE = 0.2
OUT_OF_STOCK_SHARE = 0.1
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*-([0-9]{1,12})")
PHOTO = re.compile(r"([0-9]{1,12})-([0-9]{1,3})\.jpg")
JPEG_QUALITY = 85
# The 3! orders of the red, green and blue bands: a colour shift that keeps white backgrounds white.
BAND_ORDERS = ((0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0))


class ScaleProduct(ShopProduct):
    """A generated product: its number in the scale catalogue and a brand of its own."""

    number: int
    brand: str


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class ProductRange(Sequence[ShopProduct]):
    """Products at ``positions`` of a list that is never built: each is made when read.

    ``number_at`` maps a position to a product number, ``position_of`` back (None: not in this list), so
    slicing, ``len`` and ``index`` cost the same for ten products as for ten million.
    """

    def __init__(
        self,
        positions: range,
        make: Callable[[int], ShopProduct],
        number_at: Callable[[int], int],
        position_of: Callable[[int], int | None],
    ) -> None:
        self._positions, self._make, self._number_at, self._position_of = positions, make, number_at, position_of

    def __len__(self) -> int:
        return len(self._positions)

    @overload
    def __getitem__(self, key: int) -> ShopProduct: ...

    @overload
    def __getitem__(self, key: slice) -> ProductRange: ...

    def __getitem__(self, key: int | slice) -> ShopProduct | ProductRange:
        if isinstance(key, slice):
            return ProductRange(self._positions[key], self._make, self._number_at, self._position_of)
        return self._make(self._number_at(self._positions[key]))

    def __iter__(self) -> Iterator[ShopProduct]:
        for position in self._positions:
            yield self._make(self._number_at(position))

    def index(self, value: object, start: int = 0, stop: int | None = None) -> int:
        position = self._position_of(value.number) if isinstance(value, ScaleProduct) else None
        if position is None or position not in self._positions:
            raise ValueError(f"{value!r} is not in this list")
        index = self._positions.index(position)
        if not start <= index < (len(self) if stop is None else stop):
            raise ValueError(f"{value!r} is not in this part of the list")
        return index


class ScaleCatalog:
    """``products`` products derived from ``base`` (the shipped catalogue), the same ones for the same ``seed``.

    Offers what the shop's pages read of a :class:`~snapmode.shop.catalog.Catalog`: categories as shipped,
    ``products`` and ``products_in`` as lazy sequences, ``product(slug)``, and each product's generated photos.
    """

    def __init__(self, base: Catalog, products: int, seed: int = 0) -> None:
        if products < 1:
            raise ValueError(f"a scale shop needs at least 1 product, got {products}")
        self.size = products
        self.seed = seed
        self.currency = base.currency
        self.categories = base.categories
        self._base = base
        self._bases = random.Random(f"bases:{seed}").sample(base.products, len(base.products))
        # Per category, the places in the cycle of bases of the products filed under it (or a descendant).
        self._cycle_places: dict[str, list[int]] = {
            category.path: [
                place
                for place, product in enumerate(self._bases)
                if any(path == category.path or path.startswith(category.path + "/") for path in product.categories)
            ]
            for category in base.categories
        }
        self._place_index = {
            path: {place: index for index, place in enumerate(places)} for path, places in self._cycle_places.items()
        }

    # -- the catalogue's reading side, as the shop's pages use it ----------------------------------------

    def brand_of(self, product: ShopProduct) -> str:
        return product.brand if isinstance(product, ScaleProduct) else self._base.brand

    def category(self, slug: str) -> Category:
        return self._base.category(slug)

    def category_at(self, path: str) -> Category:
        return self._base.category_at(path)

    def top_categories(self) -> list[Category]:
        return self._base.top_categories()

    def children(self, category: Category) -> list[Category]:
        return self._base.children(category)

    @cached_property
    def products(self) -> ProductRange:
        return ProductRange(range(self.size), self.product_number, lambda n: n, lambda n: n)

    def products_in(self, category: Category) -> ProductRange:
        """Products filed under the category or any of its descendants, in catalogue order."""
        places, place_index = self._cycle_places[category.path], self._place_index[category.path]
        cycle = len(self._bases)
        full_cycles, rest = divmod(self.size, cycle)
        count = full_cycles * len(places) + bisect_left(places, rest)

        def number_at(position: int) -> int:
            turn, index = divmod(position, len(places))
            return turn * cycle + places[index]

        def position_of(number: int) -> int | None:
            index = place_index.get(number % cycle)
            return None if index is None or number >= self.size else number // cycle * len(places) + index

        return ProductRange(range(count), self.product_number, number_at, position_of)

    def product(self, slug: str) -> ScaleProduct:
        match = SLUG.fullmatch(slug)
        number = int(match.group(1)) if match else -1
        if 0 <= number < self.size:
            product = self.product_number(number)
            if product.slug == slug:
                return product
        raise NotFound(f"no product with slug {slug!r}")

    # -- making a product ----------------------------------------------------------------------------

    def product_number(self, number: int) -> ScaleProduct:
        """Product ``number`` (0 to size - 1), the same for the same seed."""
        if not 0 <= number < self.size:
            raise NotFound(f"no product number {number} (the shop has {self.size})")
        base = self._bases[number % len(self._bases)]
        rng = random.Random(f"product:{self.seed}:{number}")
        words = [rng.choice(COLOUR_WORDS), rng.choice(MATERIALS), rng.choice(FITS)]
        name = f"{' '.join(words)} {base.name}"
        sku = f"{base.sku}-{number}"
        price = (Decimal(base.price) * Decimal(rng.randint(60, 180)) / 100).quantize(Decimal(1)) + Decimal(
            rng.choice(("0.00", "0.50", "0.99"))
        )
        sale_price = None
        if rng.random() < SALE_SHARE:
            off = Decimal(rng.randint(15, 30)) / 100
            sale = (price * (1 - off)).quantize(Decimal(1), rounding=ROUND_FLOOR) + Decimal("0.99")
            sale_price = str(sale) if sale < price else None
        colours = [
            Colour.model_construct(
                name=colour.name,
                images=[self._photo(number, place, image) for place, image in self._numbered(base, colour)],
            )
            for colour in base.colours
        ]
        material_line = f"{words[1]}, {words[2].lower()} fit, in {words[0].lower()}."
        return ScaleProduct.model_construct(
            number=number,
            brand=rng.choice(BRANDS),
            sku=sku,
            slug=f"{slugify(name)}-{number}",
            name=name,
            description_html=f"{base.description_html}\n<p>{material_line}</p>",
            description_text=f"{base.description_text}\n\n{material_line}",
            categories=base.categories,
            price=str(price),
            sale_price=sale_price,
            in_stock=rng.random() >= OUT_OF_STOCK_SHARE,
            colours=colours,
            sizes=base.sizes,
            variants=[
                Variant.model_construct(
                    sku=f"{sku}{variant.sku.removeprefix(base.sku)}", color=variant.color, size=variant.size
                )
                for variant in base.variants
            ],
            markup=rng.choice(MARKUPS),
        )

    @staticmethod
    def _numbered(base: ShopProduct, colour: Colour) -> list[tuple[int, ImageFile]]:
        """A colour's photos with their place among all the base product's photos."""
        return [(base.images.index(image), image) for image in colour.images]

    def _photo(self, number: int, place: int, image: ImageFile) -> ImageFile:
        crop = self._crop(number, place, image)
        width, height = crop[2] - crop[0], crop[3] - crop[1]
        scale = image.thumb[0] / image.large[0]
        return ImageFile.model_construct(
            file=f"v/{number}-{place}.jpg",
            view=image.view,
            large=(width, height),
            thumb=(max(1, round(width * scale)), max(1, round(height * scale))),
        )

    def _crop(self, number: int, place: int, image: ImageFile) -> tuple[int, int, int, int]:
        rng = random.Random(f"photo:{self.seed}:{number}:{place}")
        width, height = (max(1, math.floor(side * rng.uniform(0.8, 1.0))) for side in image.large)
        left, top = rng.randint(0, image.large[0] - width), rng.randint(0, image.large[1] - height)
        return left, top, left + width, top + height

    # -- photos ---------------------------------------------------------------------------------------

    def photo(self, size: Literal["large", "thumb"], name: str) -> bytes:
        """The JPEG of a generated photo, ``<number>-<place>.jpg``: a crop of the base photo, maybe mirrored,
        its colour bands maybe reordered; drawn now, never stored."""
        match = PHOTO.fullmatch(name)
        number, place = (int(match.group(1)), int(match.group(2))) if match else (-1, -1)
        base = self._bases[number % len(self._bases)]
        if not (0 <= number < self.size and place < len(base.images)):
            raise NotFound(f"no photo {name!r}")
        image = base.images[place]
        generated = self._photo(number, place, image)
        rng = random.Random(f"shift:{self.seed}:{number}:{place}")
        with Image.open(self._base.image_path(image, "large")) as source:
            picture = source.convert("RGB").crop(self._crop(number, place, image))
        if rng.random() < 0.5:
            picture = picture.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        bands = picture.split()
        picture = Image.merge("RGB", [bands[band] for band in rng.choice(BAND_ORDERS)])
        if size == "thumb":
            picture = picture.resize(generated.thumb, Image.Resampling.LANCZOS)
        out = io.BytesIO()
        picture.save(out, "JPEG", quality=JPEG_QUALITY)
        return out.getvalue()
