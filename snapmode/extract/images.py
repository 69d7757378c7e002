"""Which URL an image element stands for: the file it shows (a lazy-load attribute standing in for src, else src)
in a gallery, and its largest version (a zoom link, the largest srcset candidate) elsewhere.

One URL per photo: each URL is a photo to download, detect and embed. A gallery's shown file is the photo as the
shop lays it out, the one its share previews and feeds name too (a ``src`` "s-l500.jpg" beside a ``data-zoom-src``
"s-l1600.jpg"), and plenty for the detector, which works at 640 pixels; a thumbnail gives way to its largest
version.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml import etree

from snapmode.extract.normalize import image_url, largest_srcset_candidate
from snapmode.extract.page import Page

PHOTO_FILE = re.compile(r"\.(?:jpe?g|png|webp|avif|gif)$", re.IGNORECASE)
# Full-size photo first, then responsive candidates, then lazy-loading stand-ins for src, then src itself.
ZOOM_ATTRIBUTES = ("data-zoom-image", "data-zoom-src", "data-large-image", "data-large_image", "data-full")
SRCSET_ATTRIBUTES = ("srcset", "data-srcset", "data-lazy-srcset")
LAZY_ATTRIBUTES = ("data-src", "data-lazy-src", "data-lazy", "data-original", "data-image")
ZOOM_LINK_DEPTH = 2  # how far above an <img> a link to its full-size file may sit
THUMBNAIL_SIDE = 300  # a shown file declared narrower than this (pixels) stands for a larger photo


def is_photo_link(href: str | None) -> bool:
    return bool(href) and bool(PHOTO_FILE.search(urlsplit(href.strip()).path))


def element_image(element: etree._Element, page: Page) -> str | None:
    """The photo URL an <img>, <source>, <a>, <link> or <meta> element points at (its largest version), or None."""
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    if tag == "a":
        href = element.get("href")
        return image_url(href, page.base_url) if is_photo_link(href) else None
    if tag == "link":
        return image_url(element.get("href"), page.base_url)
    if tag == "meta":
        return image_url(element.get("content"), page.base_url)
    if tag not in ("img", "source"):
        first = next(iter(element.iter("img")), None)
        return element_image(first, page) if first is not None else None
    for candidate in image_candidates(element):
        url = image_url(candidate, page.base_url)
        if url:
            return url
    return None


def gallery_photo(element: etree._Element, page: Page) -> str | None:
    """The photo a gallery element stands for: the file an <img> shows unless that is a thumbnail, else the
    element's largest version."""
    if element.tag == "img" and not is_thumbnail(element):
        shown = next(filter(None, (image_url(img_src, page.base_url) for img_src in shown_sources(element))), None)
        if shown:
            return shown
    return element_image(element, page)


def is_thumbnail(img: etree._Element) -> bool:
    """An <img> declared narrower than THUMBNAIL_SIDE, or inside a link to a larger photo (a gallery's strip)."""
    return declared_smaller_than(img, THUMBNAIL_SIDE) or zoom_link(img) is not None


def declared_smaller_than(img: etree._Element, pixels: int) -> bool:
    """Whether the <img>'s width or height attribute says it is shown smaller than ``pixels``."""
    for side in ("width", "height"):
        value = (img.get(side) or "").strip().removesuffix("px")
        if value.isdigit() and int(value) < pixels:
            return True
    return False


def shown_sources(img: etree._Element) -> list[str]:
    """What an <img> displays: a lazy-loading attribute (which a script copies into src), then src."""
    return [value for name in (*LAZY_ATTRIBUTES, "src") if (value := img.get(name))]


def image_candidates(img: etree._Element) -> list[str]:
    zoom = zoom_link(img)
    candidates = [zoom] if zoom else []
    candidates += [img.get(name) for name in ZOOM_ATTRIBUTES if img.get(name)]
    srcsets = [img.get(name) for name in SRCSET_ATTRIBUTES if img.get(name)]
    # libxml2 does not know <source> is void, so an <img> after one ends up inside it: look for the <picture>.
    picture = next(img.iterancestors("picture"), None)
    if picture is not None:
        sources = picture.iter("source")
        srcsets += [source.get(name) for source in sources for name in SRCSET_ATTRIBUTES if source.get(name)]
    candidates += [best for srcset in srcsets if (best := largest_srcset_candidate(srcset))]
    return candidates + shown_sources(img)


def zoom_link(img: etree._Element) -> str | None:
    node = img.getparent()
    for _ in range(ZOOM_LINK_DEPTH):
        if node is None:
            return None
        if node.tag == "a":
            href = node.get("href")
            return href if is_photo_link(href) else None
        node = node.getparent()
    return None
