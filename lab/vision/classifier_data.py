"""The product classifier's classes and photos: which Myntra and Luma photos train, validate and test it.

Classes refine the detector's families (``taxonomy.CLASSES``) where the photos allow it: each
class has at least ~150 photos, and its family is the detector class of the same photos.
Product photos outside every class (socks, perfume, dresses, caps, Luma sports bras, fitness
gear, close-up views) are kept as *unlabelled products*: they teach "this is a product photo"
without a category. Nothing here imports TensorFlow.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from lab.vision.luma_catalog import luma_product_classes
from snapmode.vision.taxonomy import NOT_PRODUCT

# Product class -> (Myntra articleTypes, detector family).
_CLASSES: dict[str, tuple[tuple[str, ...], str]] = {
    "tshirt": (("Tshirts", "Innerwear Vests"), "top"),
    "shirt": (("Shirts",), "top"),
    "kurta_top": (("Tops", "Kurtas", "Kurtis", "Tunics"), "top"),
    "sweater": (("Sweaters", "Sweatshirts"), "top"),
    "jacket": (("Jackets",), "outerwear"),
    "trousers": (("Jeans", "Trousers", "Track Pants", "Leggings", "Capris", "Lounge Pants"), "trousers"),
    "shorts": (("Shorts", "Lounge Shorts"), "shorts"),
    "shoes": (("Casual Shoes", "Sports Shoes", "Formal Shoes"), "shoes"),
    "heels_sandals": (("Heels", "Flats", "Sandals", "Sports Sandals", "Flip Flops"), "shoes"),
    "bag": (
        (
            "Handbags", "Backpacks", "Clutches", "Duffel Bag", "Laptop Bag", "Messenger Bag", "Mobile Pouch",
            "Rucksacks", "Waist Pouch",
        ),
        "bag",
    ),
    "watch": (("Watches",), "accessory"),
    "sunglasses": (("Sunglasses",), "accessory"),
    "wallet": (("Wallets",), "accessory"),
    "belt": (("Belts",), "accessory"),
}
PRODUCT_CLASSES: tuple[str, ...] = tuple(_CLASSES)
CLASSES: tuple[str, ...] = (*PRODUCT_CLASSES, NOT_PRODUCT)  # the model's outputs, in order
FAMILIES: dict[str, str] = {name: family for name, (_, family) in _CLASSES.items()}
MYNTRA_ARTICLE_TYPES: dict[str, str] = {t: name for name, (types, _) in _CLASSES.items() for t in types}

# Luma category paths without "Default Category/".
LUMA_CATEGORIES: dict[str, str] = {
    **dict.fromkeys(["Men/Tops/Tees", "Women/Tops/Tees", "Men/Tops/Tanks", "Women/Tops/Bras & Tanks"], "tshirt"),
    **dict.fromkeys(["Men/Tops/Hoodies & Sweatshirts", "Women/Tops/Hoodies & Sweatshirts"], "sweater"),
    **dict.fromkeys(["Men/Tops/Jackets", "Women/Tops/Jackets"], "jacket"),
    **dict.fromkeys(["Men/Bottoms/Pants", "Women/Bottoms/Pants"], "trousers"),
    **dict.fromkeys(["Men/Bottoms/Shorts", "Women/Bottoms/Shorts"], "shorts"),
    "Gear/Bags": "bag",
    "Gear/Watches": "watch",
}
LUMA_LABELLED_VIEWS = ("main", "back")  # worn clothes; "alt1", "outfit" are close-ups or other framings
_LUMA_WORN = re.compile(r"^(?P<sku>[a-z]+\d+)-[a-z]+_(?P<view>[a-z0-9]+)\.jpg$")
_LUMA_GEAR = re.compile(r"^(?P<sku>[a-z]+\d+)-[a-z]+-0(?P<alt>_alt\d)?\.jpg$")


class Photo(BaseModel):
    model_config = ConfigDict(frozen=True)

    path: Path
    label: str | None  # a product class; None for a product photo outside every class
    group: str  # the product: photos of one product never straddle a split


class Splits(BaseModel):
    train: list[Photo]
    val: list[Photo]
    test: list[Photo]  # the Myntra evaluation photos and every view of the held-out Luma products


def myntra_photos(root: Path) -> list[Photo]:
    photos = []
    with (root / "styles.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            path = root / "images" / f"{row['id']}.jpg"
            if path.exists():
                label = MYNTRA_ARTICLE_TYPES.get(row["articleType"].strip())
                photos.append(Photo(path=path, label=label, group=f"myntra:{row['id']}"))
    return photos


def luma_product_class(categories: Iterable[str], product_name: str) -> str | None:
    """Sports bras share "Bras & Tanks" with tanks but are no t-shirt: they stay unlabelled."""
    if "bra" in product_name.lower().split():
        return None
    for category in categories:
        label = LUMA_CATEGORIES.get(category.strip().removeprefix("Default Category/"))
        if label:
            return label
    return None


def luma_group(name: str) -> str:
    """The product a Luma photo shows, from its file name (clothing and gear SKUs overlap)."""
    if match := _LUMA_GEAR.match(name):
        return f"luma:gear:{match['sku']}"
    if match := _LUMA_WORN.match(name):
        return f"luma:wear:{match['sku']}"
    return f"luma:other:{Path(name).stem}"


def luma_photos(root: Path) -> list[Photo]:
    clothing, gear = luma_product_classes(root, luma_product_class)
    photos = []
    for path in sorted((root / "images").glob("*.jpg")):
        label = None
        if match := _LUMA_GEAR.match(path.name):
            label = gear.get(match["sku"])
        elif (match := _LUMA_WORN.match(path.name)) and match["view"] in LUMA_LABELLED_VIEWS:
            label = clothing.get(match["sku"])
        photos.append(Photo(path=path, label=label, group=luma_group(path.name)))
    return photos


def _in_val(group: str, seed: int, fraction: float) -> bool:
    digest = hashlib.sha256(f"{seed}:{group}".encode()).digest()
    return int.from_bytes(digest[:8]) / 2**64 < fraction


def split(
    photos: Sequence[Photo], test_names: set[str], test_groups: set[str], seed: int, val_fraction: float
) -> Splits:
    """Test: the named photos and every photo of the test groups; val: a seeded share of the other products."""
    splits = Splits(train=[], val=[], test=[])
    for photo in photos:
        if photo.path.name in test_names or photo.group in test_groups:
            splits.test.append(photo)
        elif _in_val(photo.group, seed, val_fraction):
            splits.val.append(photo)
        else:
            splits.train.append(photo)
    return splits


def default_splits(seed: int = 0, val_fraction: float = 0.12) -> Splits:
    """Myntra and Luma photos split by product. Test: the 1,000 Myntra evaluation photos and every view of
    the held-out Luma products (so no view of a product whose held-out view is tested is trained on).
    """
    # Imported here: it loads TensorFlow, which the class lists above do not need.
    from lab.datasets import LUMA_DIR, MYNTRA_DIR, luma_heldout_names, myntra_evaluation_paths

    myntra, luma = MYNTRA_DIR, LUMA_DIR
    for needed in (myntra / "styles.csv", luma / "ConfigurableSampleData_products.csv"):
        if not needed.exists():
            raise FileNotFoundError(f"{needed} is missing: the classifier is trained on the Myntra and Luma photos")
    heldout = luma_heldout_names()
    test_names = {path.name for path in myntra_evaluation_paths(myntra)} | heldout
    return split(myntra_photos(myntra) + luma_photos(luma), test_names, {luma_group(n) for n in heldout}, seed,
                 val_fraction)
