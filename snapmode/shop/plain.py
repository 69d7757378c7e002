"""A plain-HTML shop of N generated products: what a shop with no structured data looks like to a crawler.

No JSON-LD, microdata or OpenGraph, no sitemap and no robots.txt (both 404). A product page has breadcrumbs, its
name in ``<h1>``, a line "Price: £48.48", a stock line "In stock (12 available)" or "Out of stock", a description
and a "Product Information" table (UPC, product type, price excl. and incl. VAT, availability); about half the
products have one photo, the others none. Departments link to their categories, and a category lists its
products 20 to a page ("Showing 21-40 of 165 results", a "next" link): one category holds 55 % of the products,
so at 2,000 products it runs 55 pages deep.

Everything is arithmetic on the product number and the seed, so ``PlainCatalog`` is also the ground truth a blind
crawl is checked against.
"""

from __future__ import annotations

import io
import math
import random
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from PIL import Image
from pydantic import BaseModel, ConfigDict
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from snapmode.errors import NotFound

PAGE_SIZE = 20
BIG_SLOTS = 11  # of every CYCLE products, this many go to the first category (55 %)
CYCLE = 20
VAT = Decimal("1.2")
IN_STOCK_SHARE = 0.88
PHOTO_SHARE = 0.5
NEW_IN = 8
RELATED = 3
HERE = Path(__file__).resolve().parent
SLUG = re.compile(r"[a-z0-9-]+-([0-9]{1,9})")

# (department, category, nouns of its products); the first category is the big one.
CATEGORIES = (
    ("Clothing", "Knitwear", ("Jumper", "Cardigan", "Roll-Neck", "Knitted Vest", "Crew Knit")),
    ("Clothing", "Shirts", ("Oxford Shirt", "Overshirt", "Grandad Shirt", "Flannel Shirt")),
    ("Clothing", "Trousers", ("Chinos", "Cords", "Wide-Leg Trousers", "Cargo Trousers")),
    ("Clothing", "Outerwear", ("Field Jacket", "Wax Jacket", "Parka", "Gilet")),
    ("Home", "Bedding", ("Duvet Cover", "Pillowcase Pair", "Fitted Sheet", "Throw")),
    ("Home", "Cushions", ("Cushion", "Bolster", "Floor Cushion")),
    ("Home", "Lighting", ("Table Lamp", "Pendant Shade", "Floor Lamp")),
    ("Kitchen", "Cookware", ("Saucepan", "Casserole Dish", "Frying Pan", "Roasting Tin")),
    ("Kitchen", "Tableware", ("Dinner Plate Set", "Serving Bowl", "Mug Pair", "Jug")),
    ("Accessories", "Bags", ("Tote Bag", "Rucksack", "Weekend Bag", "Crossbody Bag")),
    ("Accessories", "Scarves", ("Scarf", "Snood", "Wrap")),
    ("Accessories", "Hats", ("Beanie", "Flat Cap", "Bucket Hat")),
)
COLOURS = ("Oatmeal", "Moss", "Rust", "Ink", "Heather", "Chalk", "Ochre", "Slate", "Berry", "Pebble", "Fern", "Clay")
MATERIALS = ("Lambswool", "Linen", "Cotton Twill", "Stoneware", "Recycled Wool", "Waxed Canvas", "Jute", "Cast Iron")
STYLES = ("Everyday", "Heritage", "Studio", "Coastal", "Fireside", "Harbour", "Meadow", "Workshop")


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class PlainCategory(BaseModel):
    model_config = ConfigDict(frozen=True)

    department: str
    name: str
    nouns: tuple[str, ...]

    @property
    def department_path(self) -> str:
        return f"/d/{slugify(self.department)}/"

    @property
    def path(self) -> str:
        return f"/c/{slugify(self.department)}/{slugify(self.name)}/"

    def page_path(self, page: int) -> str:
        return self.path if page == 1 else f"{self.path}?page={page}"


class PlainProduct(BaseModel):
    """A product as its page shows it: the ground truth of a crawl of the plain shop."""

    model_config = ConfigDict(frozen=True)

    number: int
    name: str
    category: PlainCategory
    price: str  # incl. VAT, the price a shopper pays: "48.48"
    price_excl_tax: str
    stock: int  # 0: out of stock
    upc: str
    photo: bool
    description: str

    @property
    def in_stock(self) -> bool:
        return self.stock > 0

    @property
    def slug(self) -> str:
        return f"{slugify(self.name)}-{self.number}"

    @property
    def path(self) -> str:
        return f"/item/{self.slug}/"


class PlainCatalog:
    """``products`` products in the categories of ``CATEGORIES``, the same ones for the same ``seed``."""

    def __init__(self, products: int, seed: int = 0) -> None:
        if products < 1:
            raise ValueError(f"a plain shop needs at least 1 product, got {products}")
        self.size = products
        self.seed = seed
        self.categories = [PlainCategory(department=d, name=n, nouns=nouns) for d, n, nouns in CATEGORIES]
        self._numbers: list[list[int]] = [[] for _ in self.categories]
        for number in range(products):
            self._numbers[self._category_index(number)].append(number)

    def departments(self) -> dict[str, list[PlainCategory]]:
        grouped: dict[str, list[PlainCategory]] = {}
        for category in self.categories:
            grouped.setdefault(category.department, []).append(category)
        return grouped

    def numbers_in(self, category: PlainCategory) -> list[int]:
        return self._numbers[self.categories.index(category)]

    def products(self) -> list[PlainProduct]:
        return [self.product(number) for number in range(self.size)]

    def product(self, number: int) -> PlainProduct:
        if not 0 <= number < self.size:
            raise NotFound(f"no product number {number} (the shop has {self.size})")
        category = self.categories[self._category_index(number)]
        rng = random.Random(f"plain:{self.seed}:{number}")
        name = f"{rng.choice(STYLES)} {rng.choice(COLOURS)} {rng.choice(MATERIALS)} {rng.choice(category.nouns)}"
        price = (
            Decimal(rng.randint(4, 180))
            + Decimal(rng.choice(("0.00", "0.49", "0.50", "0.95", "0.99")))
            + (Decimal(rng.randint(0, 99)) / 100 if rng.random() < 0.3 else 0)
        )
        price = min(price, Decimal("180.99"))
        stock = rng.randint(1, 40) if rng.random() < IN_STOCK_SHARE else 0
        return PlainProduct(
            number=number,
            name=name,
            category=category,
            price=f"{price:.2f}",
            price_excl_tax=f"{(price / VAT).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):.2f}",
            stock=stock,
            upc="".join(rng.choice("0123456789") for _ in range(12)),
            photo=rng.random() < PHOTO_SHARE,
            description=f"Our {name} belongs to the {category.name.lower()} range: made to last, easy to care for.",
        )

    def product_by_slug(self, slug: str) -> PlainProduct:
        match = SLUG.fullmatch(slug)
        if match:
            product = self.product(int(match.group(1))) if int(match.group(1)) < self.size else None
            if product is not None and product.slug == slug:
                return product
        raise NotFound(f"no product {slug!r}")

    def _category_index(self, number: int) -> int:
        """Slots 0-10 of every 20 products go to the big category; the others take turns among the rest."""
        slot = number % CYCLE
        if slot < BIG_SLOTS:
            return 0
        rest = len(CATEGORIES) - 1
        return 1 + (number // CYCLE * (CYCLE - BIG_SLOTS) + slot - BIG_SLOTS) % rest


def pounds(amount: str) -> str:
    return f"£{Decimal(amount):,.2f}"


def create_plain_app(products: int, seed: int = 0) -> Starlette:
    """The plain shop of ``products`` generated products (the same ones for the same ``seed``)."""
    catalog = PlainCatalog(products, seed)
    templates = Jinja2Templates(directory=HERE / "templates" / "plain")
    templates.env.trim_blocks = templates.env.lstrip_blocks = True
    templates.env.filters["pounds"] = pounds
    templates.env.globals["departments"] = catalog.departments()
    templates.env.globals["slugify"] = slugify

    def page_number(request: Request) -> int:
        raw = request.query_params.get("page", "1")
        if not re.fullmatch(r"[1-9][0-9]{0,5}", raw):
            raise HTTPException(404, f"no page {raw!r}")
        return int(raw)

    async def home(request: Request) -> Response:
        step = max(1, catalog.size // NEW_IN)
        new_in = [catalog.product(number) for number in range(0, catalog.size, step)][:NEW_IN]
        return templates.TemplateResponse(request, "home.html", {"new_in": new_in})

    async def department(request: Request) -> Response:
        for name, categories in catalog.departments().items():
            if slugify(name) == request.path_params["department"]:
                return templates.TemplateResponse(request, "department.html", {"name": name, "categories": categories})
        raise HTTPException(404, "no such department")

    async def category_page(request: Request) -> Response:
        path = f"/c/{request.path_params['department']}/{request.path_params['category']}/"
        category = next((category for category in catalog.categories if category.path == path), None)
        if category is None:
            raise HTTPException(404, "no such category")
        numbers = catalog.numbers_in(category)
        pages = max(1, math.ceil(len(numbers) / PAGE_SIZE))
        page = page_number(request)
        if page > pages:
            raise HTTPException(404, f"{category.name} has {pages} pages")
        first = (page - 1) * PAGE_SIZE
        shown = [catalog.product(number) for number in numbers[first : first + PAGE_SIZE]]
        context: dict[str, Any] = {
            "category": category,
            "products": shown,
            "first": first + 1 if shown else 0,
            "last": first + len(shown),
            "total": len(numbers),
            "page": page,
            "pages": pages,
        }
        return templates.TemplateResponse(request, "category.html", context)

    async def product_page(request: Request) -> Response:
        try:
            product = catalog.product_by_slug(request.path_params["slug"])
        except NotFound as error:
            raise HTTPException(404, str(error)) from None
        siblings = catalog.numbers_in(product.category)
        at = siblings.index(product.number)
        related = [catalog.product(siblings[(at + step) % len(siblings)]) for step in range(1, RELATED + 1)]
        related = [other for other in related if other.number != product.number]
        return templates.TemplateResponse(request, "product.html", {"product": product, "related": related})

    def photo(request: Request) -> Response:
        number = request.path_params["number"]
        if number >= catalog.size or not catalog.product(number).photo:
            raise HTTPException(404, "no such photo")
        rng = random.Random(f"plain-photo:{seed}:{number}")
        picture = Image.new("RGB", (240, 300), tuple(rng.randint(40, 220) for _ in range(3)))
        out = io.BytesIO()
        picture.save(out, "JPEG", quality=80)
        return Response(out.getvalue(), media_type="image/jpeg")

    async def not_found(request: Request, exc: Exception) -> Response:
        return templates.TemplateResponse(request, "not_found.html", status_code=404)

    routes = [
        Route("/", home),
        Route("/d/{department}/", department),
        Route("/c/{department}/{category}/", category_page),
        Route("/item/{slug}/", product_page),
        Route("/img/{number:int}.jpg", photo),
    ]
    return Starlette(routes=routes, exception_handlers={404: not_found})
