"""Finding URLs: sitemaps (XML, gzip, plain text) and links in HTML pages."""

from __future__ import annotations

import re
import zlib
from datetime import datetime
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree
from pydantic import BaseModel, Field
from w3lib.html import strip_html5_whitespace

from snapmode.ids import canonical

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # sitemaps.org: at most 50 MB uncompressed
_GZIP_MAGIC = b"\x1f\x8b"
_HTTP_SCHEMES = frozenset({"http", "https"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Sloppy generators write "?a=1&b=2" unescaped; recovery mode would drop "&b" as an unknown entity.
_BARE_AMPERSAND = re.compile(rb"&(?!(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#x[0-9A-Fa-f]+);)")


class SitemapError(ValueError):
    """The body is not a sitemap we can read (corrupt gzip, over the size limit, not XML)."""


class SitemapLink(BaseModel):
    loc: str  # absolute, canonical
    lastmod: datetime | None = None


class SitemapEntries(BaseModel):
    urls: list[SitemapLink] = Field(default_factory=list)  # pages (<urlset>, or lines of a text sitemap)
    sitemaps: list[SitemapLink] = Field(default_factory=list)  # children of a <sitemapindex>


class PageLinks(BaseModel):
    """Same-site links of one page; every URL absolute and canonical, the page itself left out."""

    links: list[str] = Field(default_factory=list)  # followable <a>/<area> links, page order, deduplicated
    canonical: str | None = None
    next: str | None = None
    prev: str | None = None
    nofollow: bool = False  # <meta name="robots" content="nofollow">: ``links``/``next``/``prev`` left empty
    noindex: bool = False  # <meta name="robots" content="noindex">: do not index this page


def sitemap_urls(body: bytes, base_url: str, *, max_bytes: int = MAX_SITEMAP_BYTES) -> SitemapEntries:
    """Entries of a sitemap or sitemap index; gzip is recognised by its magic bytes.

    Entities are never expanded and nothing is loaded from the network, so XML bombs and
    external entities are inert. URLs are not filtered by site: use ``same_site``.
    Raises ``SitemapError`` for corrupt gzip, bodies over ``max_bytes``, and anything that is
    neither a sitemap XML document nor a plain list of URLs.
    """
    if body.startswith(_GZIP_MAGIC):
        body = _gunzip(body, max_bytes)
    elif len(body) > max_bytes:
        raise SitemapError(f"sitemap exceeds {max_bytes} bytes")
    if not body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return _text_sitemap(body, base_url)
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        recover=True,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(_BARE_AMPERSAND.sub(b"&amp;", body), parser)
    except etree.XMLSyntaxError as exc:
        raise SitemapError(f"not XML: {exc}") from exc
    if root is None:
        raise SitemapError("not XML")
    if etree.QName(root).localname not in ("urlset", "sitemapindex"):
        raise SitemapError(f"<{etree.QName(root).localname}> is not a sitemap (urlset or sitemapindex)")
    entries = SitemapEntries()
    seen: set[str] = set()
    # "{*}" matches any namespace or none: sitemaps in the wild vary.
    for element in root.iter("{*}url", "{*}sitemap"):
        loc = _absolute(element.findtext("{*}loc"), base_url)
        if loc is None or loc in seen:
            continue
        seen.add(loc)
        link = SitemapLink(loc=loc, lastmod=_lastmod(element.findtext("{*}lastmod")))
        (entries.sitemaps if etree.QName(element).localname == "sitemap" else entries.urls).append(link)
    return entries


# Links to files that are never pages: fetching them as pages only wastes the host's and our time.
NON_PAGE_EXTENSIONS = frozenset(
    "jpg jpeg png gif webp avif svg bmp ico tif tiff css js mjs json pdf zip gz tgz rar 7z mp3 mp4 m4a webm"
    " avi mov wav ogg woff woff2 ttf eot exe dmg apk doc docx xls xlsx ppt pptx".split()
)


def is_page_url(url: str) -> bool:
    path = urlsplit(url).path
    name = path.rsplit("/", 1)[-1]
    return "." not in name or name.rsplit(".", 1)[-1].lower() not in NON_PAGE_EXTENSIONS


def page_links(html: str | bytes, url: str, *, site_root: str | None = None) -> PageLinks:
    """Links of an HTML page that stay on ``site_root``'s site (default: the page's own).

    Honours <base href>, rel="nofollow" on links and <meta name="robots">; drops
    fragments and non-http(s) schemes (mailto:, javascript:, tel:, data:...).
    """
    site_root = site_root or url
    try:
        document = _parse_html(html)
    except etree.ParserError:  # empty or whitespace-only document
        return PageLinks()
    base = url
    base_element = document.find(".//base[@href]")
    if base_element is not None:
        base = _absolute(base_element.get("href"), url) or url
    robots = _meta_robots(document)
    result = PageLinks(
        nofollow=bool(robots & {"nofollow", "none"}),
        noindex=bool(robots & {"noindex", "none"}),
    )
    page = canonical(url)

    def on_site(href: str | None) -> str | None:
        link = _absolute(href, base)
        return link if link and link != page and same_site(link, site_root) else None

    seen: set[str] = set()
    for element in document.iter("a", "area", "link"):
        rel = set((element.get("rel") or "").lower().split())
        href = element.get("href")
        if element.tag == "link" and "canonical" in rel:
            link = _absolute(href, base)
            if result.canonical is None and link and same_site(link, site_root):
                result.canonical = link
            continue
        if result.nofollow or "nofollow" in rel:
            continue
        link = on_site(href)
        if link is None:
            continue
        if "next" in rel:
            result.next = result.next or link
        if rel & {"prev", "previous"}:
            result.prev = result.prev or link
        # <link> elements only carry pagination; <a>/<area> are the links to follow.
        if element.tag != "link" and link not in seen and is_page_url(link):
            seen.add(link)
            result.links.append(link)
    return result


def same_site(url: str, site_root: str) -> bool:
    """Same host (ignoring a leading "www." and the case) and port, http or https alike."""
    key = _site_key(url)
    return key is not None and key == _site_key(site_root)


def _site_key(url: str) -> tuple[str, int] | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _HTTP_SCHEMES or not parts.hostname:
        return None
    host = parts.hostname.rstrip(".")
    host = host.removeprefix("www.")
    # http://shop and https://shop are one site; only a non-default port sets a site apart.
    return host, port if port is not None and port != _DEFAULT_PORTS[scheme] else 0


def _absolute(href: str | None, base: str) -> str | None:
    """Absolute canonical http(s) URL for ``href`` seen on ``base``; None if unusable."""
    if not href:
        return None
    href = strip_html5_whitespace(href)
    if not href:
        return None
    try:
        absolute = urljoin(base, href)
        if urlsplit(absolute).scheme.lower() not in _HTTP_SCHEMES:
            return None
        return canonical(absolute)
    except ValueError:
        return None


def _parse_html(html: str | bytes) -> lxml.html.HtmlElement:
    if isinstance(html, str):
        # lxml refuses str input that carries an encoding declaration; bytes with a fixed codec do not.
        parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, no_network=True)
        return lxml.html.document_fromstring(html.encode("utf-8", errors="replace"), parser=parser)
    parser = lxml.html.HTMLParser(remove_comments=True, no_network=True)
    return lxml.html.document_fromstring(html, parser=parser)


def _meta_robots(document: lxml.html.HtmlElement) -> set[str]:
    directives: set[str] = set()
    for meta in document.iter("meta"):
        if (meta.get("name") or "").strip().lower() == "robots":
            directives.update(token.strip() for token in (meta.get("content") or "").lower().split(","))
    return directives


def _gunzip(body: bytes, max_bytes: int) -> bytes:
    decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        # max_length bounds memory: a gzip bomb stops at the limit instead of expanding fully.
        data = decompressor.decompress(body, max_bytes + 1)
    except zlib.error as exc:
        raise SitemapError(f"corrupt gzip: {exc}") from exc
    if len(data) > max_bytes:
        raise SitemapError(f"decompressed sitemap exceeds {max_bytes} bytes")
    return data


def _text_sitemap(body: bytes, base_url: str) -> SitemapEntries:
    """sitemaps.org also allows a plain list of URLs, one per line."""
    entries = SitemapEntries()
    seen: set[str] = set()
    for line in body.decode("utf-8", errors="replace").splitlines():
        loc = _absolute(line, base_url) if "://" in line else None
        if loc and loc not in seen:
            seen.add(loc)
            entries.urls.append(SitemapLink(loc=loc))
    if not entries.urls and body.strip():
        raise SitemapError("neither XML nor a list of URLs")
    return entries


def _lastmod(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        return None
