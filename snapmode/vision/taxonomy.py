"""Detector classes and how the source catalogues' categories map onto them.

The classes follow DeepFashion2's garment families coarsened to what our training
photos support (Myntra articleTypes, Luma catalogue categories). Skirts (20 Myntra
photos) and dresses (26) are dropped: too few photos to learn, and to validate.
Innerwear, socks, fragrance and fitness equipment are no garment we search for.
"""

from __future__ import annotations

from collections.abc import Iterable

CLASSES: tuple[str, ...] = ("top", "outerwear", "trousers", "shorts", "shoes", "bag", "accessory")

WHOLE_IMAGE_LABEL = "image"  # the extra whole-photo region, never a detector class
NOT_PRODUCT = "not_product"  # the product classifier's last class: logos, banners, icons, blanks, UI blocks

MYNTRA_ARTICLE_TYPES: dict[str, str] = {
    **dict.fromkeys(
        [
            "Tshirts", "Shirts", "Tops", "Kurtas", "Kurtis", "Tunics", "Sweaters", "Sweatshirts",
            "Innerwear Vests",
        ],
        "top",
    ),
    "Jackets": "outerwear",
    **dict.fromkeys(["Jeans", "Trousers", "Track Pants", "Leggings", "Capris", "Lounge Pants"], "trousers"),
    **dict.fromkeys(["Shorts", "Lounge Shorts"], "shorts"),
    **dict.fromkeys(
        [
            "Casual Shoes", "Sports Shoes", "Formal Shoes", "Heels", "Flats", "Sandals", "Sports Sandals",
            "Flip Flops",
        ],
        "shoes",
    ),
    **dict.fromkeys(
        [
            "Handbags", "Backpacks", "Clutches", "Duffel Bag", "Laptop Bag", "Messenger Bag", "Mobile Pouch",
            "Rucksacks", "Waist Pouch",
        ],
        "bag",
    ),
    **dict.fromkeys(
        ["Watches", "Sunglasses", "Belts", "Wallets", "Caps", "Hat", "Ties", "Scarves", "Mufflers", "Gloves"],
        "accessory",
    ),
}

# Luma category paths without the "Default Category/" root.
LUMA_CATEGORIES: dict[str, str] = {
    "Men/Tops/Jackets": "outerwear",
    "Women/Tops/Jackets": "outerwear",
    "Men/Tops/Hoodies & Sweatshirts": "top",
    "Women/Tops/Hoodies & Sweatshirts": "top",
    "Men/Tops/Tees": "top",
    "Women/Tops/Tees": "top",
    "Men/Tops/Tanks": "top",
    "Women/Tops/Bras & Tanks": "top",
    "Men/Bottoms/Pants": "trousers",
    "Women/Bottoms/Pants": "trousers",
    "Men/Bottoms/Shorts": "shorts",
    "Women/Bottoms/Shorts": "shorts",
    "Gear/Bags": "bag",
    "Gear/Watches": "accessory",
}


def myntra_class(article_type: str) -> str | None:
    return MYNTRA_ARTICLE_TYPES.get(article_type.strip())


def luma_class(categories: Iterable[str], product_name: str = "") -> str | None:
    """The class of a Luma product from its category paths, None when no class fits.

    Sports bras share "Bras & Tanks" with tanks but cover a much smaller part of the
    model than a top, so they are left out rather than boxed wrongly.
    """
    if "bra" in product_name.lower().split():
        return None
    for category in categories:
        path = category.strip().removeprefix("Default Category/")
        if path in LUMA_CATEGORIES:
            return LUMA_CATEGORIES[path]
    return None
