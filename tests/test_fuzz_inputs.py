"""Mutation fuzzing of the two parsers hostile bytes reach first: the product extractor (real pages of
the demo shop, byte-mutated) and the image decoder (real shop photos in every accepted format).
The extractor always returns a result; the decoder returns an image or ``BadImage``, nothing else."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from snapmode.config import ImagingSettings
from snapmode.domain import ExtractedProduct
from snapmode.errors import BadImage
from snapmode.extract.layered import extract_product
from snapmode.extract.rules import SiteRules
from snapmode.shop.app import create_app as create_shop
from snapmode.shop.catalog import load_catalog
from snapmode.vision.images import ACCEPTED_FORMATS, normalize_image

SHOP_DATA = Path(__file__).resolve().parents[1] / "snapmode" / "shop" / "data"
SHOP_URL = "http://shop.test"
LIMITS = ImagingSettings()
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@cache
def shop_pages() -> list[tuple[str, bytes]]:
    """A home page, a category listing and product pages, as the demo shop renders them."""
    catalog = load_catalog()
    paths = ["/", catalog.categories[0].url_path, *(product.path for product in catalog.products[:4])]
    with TestClient(create_shop(), base_url=SHOP_URL) as shop:
        return [(SHOP_URL + path, shop.get(path).content) for path in paths]


@cache
def shop_photos() -> list[bytes]:
    """Real product photos, re-encoded into every format the decoder accepts."""
    originals = sorted((SHOP_DATA / "images" / "large").iterdir())[:2]
    photos = [path.read_bytes() for path in originals]
    with Image.open(originals[0]) as image:
        rgb = image.convert("RGB")
        for image_format in ACCEPTED_FORMATS:
            buffer = io.BytesIO()
            exif = rgb.getexif()
            exif[0x0112] = 6  # an EXIF orientation, so mutations reach exif_transpose too
            extra = {"exif": exif} if image_format in ("JPEG", "PNG", "WEBP") else {}
            rgb.save(buffer, format=image_format, **extra)
            photos.append(buffer.getvalue())
    return photos


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    """One of ``seeds`` with a few byte-level mutations: flips, deletions, insertions, duplications, truncation."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        kind = draw(st.sampled_from(["flip", "delete", "insert", "duplicate", "truncate", "zero"]))
        if kind == "flip":
            data[at] ^= draw(st.integers(1, 255))
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=32))
        elif kind == "duplicate":
            data[at:at] = data[at : at + draw(st.integers(1, 256))]
        elif kind == "truncate":
            del data[at:]
        else:
            data[at : at + 4] = b"\0\0\0\0"
    return bytes(data)


@cache
def shop_rules() -> SiteRules:
    return SiteRules.from_file(SHOP_DATA / "rules.yaml")


def test_unmutated_seeds_parse() -> None:
    """The seeds are real inputs the parsers accept, so mutations start from deep inside them."""
    products = [extract_product(body, url, shop_rules()) for url, body in shop_pages()[2:]]
    assert all(product.name and product.price for product in products)
    assert all(normalize_image(photo, LIMITS).size[0] > 0 for photo in shop_photos())


@FUZZ
@given(st.data())
def test_mutated_shop_pages_always_give_an_extraction(data: st.DataObject) -> None:
    url, page = data.draw(st.sampled_from(shop_pages()))
    body = data.draw(mutated([page]))
    rules = data.draw(st.sampled_from([None, shop_rules()]))
    encoding = data.draw(st.sampled_from([None, "utf-8", "latin-1", "utf-16", "no-such-codec"]))
    assert isinstance(extract_product(body, url, rules, encoding), ExtractedProduct)


@FUZZ
@given(mutated(shop_photos()))
def test_mutated_photos_decode_or_are_refused_as_bad_images(data: bytes) -> None:
    try:
        image = normalize_image(data, LIMITS)
    except BadImage as refused:
        assert refused.reason
    else:
        assert image.image.mode == "RGB" and max(image.size) <= 1024
