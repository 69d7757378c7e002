"""Build the demo shop's shipped data from the Magento Luma sample catalogue.

Writes ``snapmode/shop/data/`` (catalog.json, downscaled images, licence and credits)
and ``tests/fixtures/heldout/`` (photos deliberately left out of the shop, so photo
search can be tested on views the crawler never saw). Every choice is seeded: two
runs on the same input give the same output.

    .venv/bin/python scripts/build_demo_shop.py [PATH_TO_LUMA]
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import random
import re
import shutil
import sys
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path

import html_text
import lxml.html
from lxml_html_clean import Cleaner
from PIL import Image
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from snapmode.shop.catalog import (  # noqa: E402  (needs the repo root on sys.path)
    MARKUPS,
    Catalog,
    Category,
    Colour,
    ImageFile,
    ShopProduct,
    Variant,
)

DEFAULT_LUMA = REPO_ROOT.parent / "shared" / "datasets" / "luma"
DATA_DIR = REPO_ROOT / "snapmode" / "shop" / "data"
HELDOUT_DIR = REPO_ROOT / "tests" / "fixtures" / "heldout"

SEED = 20240611
SALE_SHARE = 0.20
OUT_OF_STOCK_SHARE = 0.10
HELDOUT_CAP = 40
LARGE_SIDE = 320
THUMB_SIDE = 160
JPEG_QUALITY = 80

CLOTHING_CSV = "ConfigurableSampleData_products.csv"
GEAR_CSVS = {  # file -> the shop category its products go to
    "CatalogSampleData_SimpleProduct_products_gear_bags.csv": "Gear/Bags",
    "CatalogSampleData_SimpleProduct_products_gear_watches.csv": "Gear/Watches",
}
CLOTHING_ROOTS = ("Men/", "Women/")
MAGENTO_ROOT = "Default Category/"

# Clothing photos: <sku>-<colour>_<view>.jpg (main, back, alt1, alternate, outfit, side_a, ...);
# gear photos: <code>-<colour>-0[_altN].jpg.
# Gear codes collide with clothing SKUs (bag 24-WB01 vs bra WB01), so gear takes only "-0" names.
CLOTHING_PHOTO = re.compile(r"^(?P<colour>[a-z]+)_(?P<view>[a-z0-9_]+)\.jpg$")
GEAR_PHOTO = re.compile(r"^(?P<colour>[a-z]+)-0(?:_(?P<view>alt\d+|back))?\.jpg$")

DESCRIPTION_CLEANER = Cleaner(
    allow_tags={"p", "br", "ul", "ol", "li", "strong", "em", "b", "i"},
    remove_unknown_tags=False,
    safe_attrs_only=True,
    safe_attrs=frozenset(),
    page_structure=False,
)


@dataclass
class Source:
    """A product as read from the CSVs, before offers and images are settled."""

    sku: str
    name: str
    description: str
    categories: list[str]
    price: Decimal
    colours: dict[str | None, list[tuple[str, str]]]  # colour -> [(photo file, view)], main first
    sizes: list[str] = field(default_factory=list)
    variants: list[Variant] = field(default_factory=list)


@dataclass(frozen=True)
class HeldOut:
    sku: str
    file: str


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def clean_name(raw: str) -> str:
    return " ".join(html.unescape(raw).split())


def clean_description(raw: str) -> tuple[str, str]:
    """Simple HTML (paragraphs, lists, breaks, emphasis) and its plain text."""
    fragment = lxml.html.fragment_fromstring(raw, create_parent="div")
    fragment = DESCRIPTION_CLEANER.clean_html(fragment)
    inner = "".join(lxml.html.tostring(child, encoding="unicode") for child in fragment)
    simple_html = ((fragment.text or "") + inner).strip()
    return simple_html, html_text.extract_text(simple_html)


def order_views(views: list[tuple[str, str]]) -> list[tuple[str, str]]:
    rank = {"main": 0, "back": 2}
    return sorted(views, key=lambda item: (rank.get(item[1], 1), item[1]))


def clothing_photos(images: set[str], sku: str, colour: str) -> list[tuple[str, str]]:
    prefix = f"{sku.lower()}-"
    views = []
    for file in images:
        if file.startswith(prefix) and (match := CLOTHING_PHOTO.match(file[len(prefix) :])):
            if match["colour"] == slugify(colour):
                views.append((file, match["view"]))
    return order_views(views)


def read_clothing(luma: Path, images: set[str]) -> list[Source]:
    with (luma / CLOTHING_CSV).open(newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["product_type"] == "configurable"]
    products = []
    for row in rows:
        variants = [
            Variant(**dict(pair.split("=", 1) for pair in entry.split(",")))
            for entry in row["configurable_variations"].split("|")
        ]
        colours: dict[str | None, list[tuple[str, str]]] = {}
        for colour in dict.fromkeys(variant.color for variant in variants if variant.color):
            photos = clothing_photos(images, row["sku"], colour)
            if photos and photos[0][1] == "main":
                colours[colour] = photos
        if not colours:
            raise ValueError(f"{row['sku']}: no _main photo for any colour in {luma / 'images'}")
        categories = sorted(
            {
                path.removeprefix(MAGENTO_ROOT)
                for path in row["categories"].split(",")
                if path.removeprefix(MAGENTO_ROOT).startswith(CLOTHING_ROOTS)
            }
        )
        products.append(
            Source(
                sku=row["sku"],
                name=clean_name(row["name"]),
                description=row["description"],
                categories=categories,
                price=Decimal(row["price"]),
                colours=colours,
                sizes=list(dict.fromkeys(variant.size for variant in variants if variant.size)),
                variants=[variant for variant in variants if variant.color in colours],
            )
        )
    return products


def read_gear(luma: Path, csv_name: str, category: str, images: set[str], colour_words: set[str]) -> list[Source]:
    with (luma / csv_name).open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    products = []
    for row in rows:
        prefix = row["sku"].split("-", 1)[1].lower() + "-"
        colours: dict[str | None, list[tuple[str, str]]] = {}
        for file in sorted(images):
            if file.startswith(prefix) and (match := GEAR_PHOTO.match(file[len(prefix) :])):
                # Watches name colours by code ("bk", "sa"); rather than guess, they get no colour name.
                word = match["colour"].title() if match["colour"] in colour_words else None
                colours.setdefault(word, []).append((file, match["view"] or "main"))
        if not colours:
            continue  # the sample data ships no photo for this item
        colours = {colour: order_views(views) for colour, views in colours.items()}
        named = [colour for colour in colours if colour]
        products.append(
            Source(
                sku=row["sku"],
                name=clean_name(row["name"]),
                description=row["description"],
                categories=[category],
                price=Decimal(row["price"]),
                colours=colours,
                variants=[Variant(sku=f"{row['sku']}-{slugify(colour)}", color=colour) for colour in named],
            )
        )
    return products


def sale_price(price: Decimal, rng: random.Random) -> Decimal:
    """15-30 % off, rounded down to shop-style .99 cents."""
    target = price * Decimal(str(1 - rng.uniform(0.15, 0.28)))
    return target.quantize(Decimal("1"), rounding=ROUND_FLOOR) - Decimal("0.01")


def choose_heldout(sources: list[Source], rng: random.Random) -> dict[str, HeldOut]:
    """One back (else alt) view of one colour, for a seeded sample of the products that have one."""
    candidates: dict[str, list[str]] = {}
    for source in sources:
        options = []
        for views in source.colours.values():
            if len(views) >= 2:
                by_view = {view: file for file, view in views}
                pick = by_view.get("back") or by_view.get("alt1")
                if pick:
                    options.append(pick)
        if options:
            candidates[source.sku] = options
    chosen = rng.sample(sorted(candidates), min(HELDOUT_CAP, len(candidates)))
    return {sku: HeldOut(sku=sku, file=rng.choice(candidates[sku])) for sku in chosen}


def unique_slugs(sources: list[Source]) -> list[str]:
    seen: set[str] = set()
    slugs = []
    for source in sources:
        slug = slugify(source.name)
        if slug in seen:
            slug = f"{slug}-{slugify(source.sku)}"
        seen.add(slug)
        slugs.append(slug)
    return slugs


def category_tree(products: list[ShopProduct]) -> list[Category]:
    paths: set[str] = set()
    for product in products:
        for path in product.categories:
            parts = path.split("/")
            paths.update("/".join(parts[: depth + 1]) for depth in range(len(parts)))
    top_order = {"Women": 0, "Men": 1, "Gear": 2}
    ordered = sorted(paths, key=lambda path: (top_order.get(path.split("/")[0], 9), path))
    return [
        Category(
            path=path,
            name=path.rsplit("/", 1)[-1],
            slug=slugify(path),
            parent=path.rsplit("/", 1)[0] if "/" in path else None,
        )
        for path in ordered
    ]


def resized(source: Path, side: int) -> Image.Image:
    with Image.open(source) as image:
        image.draft("RGB", (side, side))  # let the JPEG decoder skip detail we would throw away
        image = image.convert("RGB")
        image.thumbnail((side, side), Image.Resampling.LANCZOS)
        return image


def save_jpeg(image: Image.Image, target: Path) -> tuple[int, int]:
    target.parent.mkdir(parents=True, exist_ok=True)
    image.save(target, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return image.size


def render_photos(photo_dir: Path, files: list[str], held_back: set[str]) -> dict[str, tuple[tuple[int, int], ...]]:
    """Downscale every photo; published ones in two sizes, held-back ones to the test fixtures.

    Returns the (large, thumb) pixel sizes of each published photo.
    """
    sizes: dict[str, tuple[tuple[int, int], ...]] = {}
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
    )
    with Progress(*columns) as progress:
        task = progress.add_task("downscaling photos", total=len(files), rate="")
        for file in files:
            if file in held_back:
                save_jpeg(resized(photo_dir / file, LARGE_SIDE), HELDOUT_DIR / file)
            else:
                sizes[file] = tuple(
                    save_jpeg(resized(photo_dir / file, side), DATA_DIR / "images" / size / file)
                    for size, side in (("large", LARGE_SIDE), ("thumb", THUMB_SIDE))
                )
            progress.advance(task)
            speed = progress.tasks[task].speed
            progress.update(task, rate=f"{speed:.1f} photos/s" if speed else "")
    return sizes


def build(luma: Path) -> None:
    photo_dir = luma / "images"
    missing = [name for name in (CLOTHING_CSV, *GEAR_CSVS, "LICENSE_AFL.txt", "images") if not (luma / name).exists()]
    if missing:
        raise SystemExit(f"{luma} is not the Luma sample data folder: it lacks {', '.join(missing)}")
    images = {path.name for path in photo_dir.glob("*.jpg")}
    clothing = read_clothing(luma, images)
    colour_words = {slugify(colour) for source in clothing for colour in source.colours if colour}
    gear = [
        product
        for csv_name, category in GEAR_CSVS.items()
        for product in read_gear(luma, csv_name, category, images, colour_words)
    ]
    sources = clothing + gear

    rng = random.Random(SEED)
    on_sale = set(rng.sample([s.sku for s in sources], round(SALE_SHARE * len(sources))))
    out_of_stock = set(rng.sample([s.sku for s in sources], round(OUT_OF_STOCK_SHARE * len(sources))))
    heldout = choose_heldout(sources, rng)

    for target in (DATA_DIR / "images", HELDOUT_DIR):
        shutil.rmtree(target, ignore_errors=True)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    HELDOUT_DIR.mkdir(parents=True)

    files = [file for source in sources for views in source.colours.values() for file, _ in views]
    sizes = render_photos(photo_dir, files, {held.file for held in heldout.values()})

    products = []
    for index, (source, slug) in enumerate(zip(sources, unique_slugs(sources), strict=True)):
        html_description, text_description = clean_description(source.description)
        colours = [
            Colour(
                name=colour,
                images=[
                    ImageFile(file=file, view=view, large=sizes[file][0], thumb=sizes[file][1])
                    for file, view in views
                    if file in sizes  # the held-back views are not published
                ],
            )
            for colour, views in source.colours.items()
        ]
        products.append(
            ShopProduct(
                sku=source.sku,
                slug=slug,
                name=source.name,
                description_html=html_description,
                description_text=text_description,
                categories=source.categories,
                price=f"{source.price:.2f}",
                sale_price=f"{sale_price(source.price, rng):.2f}" if source.sku in on_sale else None,
                in_stock=source.sku not in out_of_stock,
                colours=colours,
                sizes=source.sizes,
                variants=source.variants,
                markup=MARKUPS[index % len(MARKUPS)],
            )
        )
    catalog = Catalog(currency="USD", brand="Luma", categories=category_tree(products), products=products)
    (DATA_DIR / "catalog.json").write_text(catalog.model_dump_json(indent=1) + "\n", encoding="utf-8")

    paths = {product.sku: product.path for product in products}
    listing = [{"image": held.file, "sku": held.sku, "path": paths[held.sku]} for held in heldout.values()]
    listing.sort(key=lambda entry: entry["image"])
    (HELDOUT_DIR / "heldout.json").write_text(json.dumps(listing, indent=1) + "\n", encoding="utf-8")

    # The upstream file is Latin-1 (its "©"); ship it as UTF-8 like every other text file here.
    licence = (luma / "LICENSE_AFL.txt").read_text(encoding="latin-1")
    (DATA_DIR / "LICENSE_AFL.txt").write_text(licence, encoding="utf-8")
    (DATA_DIR / "CREDITS.md").write_text(CREDITS, encoding="utf-8")
    report(catalog, heldout)


CREDITS = """\
# Credits

The demo shop's catalogue (product names, descriptions, categories, prices, variants)
and its product photos come from the **Magento Luma sample data**
(`magento/magento2-sample-data`), © Magento, Inc. / Adobe, licensed under the
**Academic Free License 3.0** (see `LICENSE_AFL.txt` in this folder).

SnapMode changed them: photos are downscaled (320 px and 160 px on the long side),
some photos are left out on purpose, and sale prices and stock levels are invented
by a seeded random draw in `scripts/build_demo_shop.py`. The data names no brand;
the shop shows every product as "Luma".
"""


def report(catalog: Catalog, heldout: dict[str, HeldOut]) -> None:
    published = sum(len(product.images) for product in catalog.products)
    data_bytes = sum(path.stat().st_size for path in DATA_DIR.rglob("*") if path.is_file())
    held_bytes = sum(path.stat().st_size for path in HELDOUT_DIR.rglob("*") if path.is_file())
    print(
        f"{len(catalog.products)} products in {len(catalog.categories)} categories, "
        f"{published} photos published (x2 sizes), {len(heldout)} held back; "
        f"{sum(p.sale_price is not None for p in catalog.products)} on sale, "
        f"{sum(not p.in_stock for p in catalog.products)} out of stock; "
        f"data {data_bytes / 1e6:.1f} MB, held-out fixtures {held_bytes / 1e6:.2f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("luma", nargs="?", type=Path, default=DEFAULT_LUMA, help="Luma sample data folder")
    build(parser.parse_args().luma.resolve())


if __name__ == "__main__":
    main()
