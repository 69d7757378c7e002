"""Which URL an image element really shows: the largest srcset candidate, a lazy-load attribute, a zoom link."""

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


def is_photo_link(href: str | None) -> bool:
    return bool(href) and bool(PHOTO_FILE.search(urlsplit(href.strip()).path))


def element_image(element: etree._Element, page: Page) -> str | None:
    """The photo URL an <img>, <source>, <a>, <link> or <meta> element points at, or None."""
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
    candidates += [img.get(name) for name in LAZY_ATTRIBUTES if img.get(name)]
    if img.get("src"):
        candidates.append(img.get("src"))
    return candidates


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
