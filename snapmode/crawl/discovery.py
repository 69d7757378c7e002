"""Finding URLs: sitemaps (XML, gzip, plain text) and links in HTML pages, a listing's next page among them,
and the number of products a listing says it holds."""

from __future__ import annotations

import re
import zlib
from datetime import datetime
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import lxml.html
from lxml import etree
from pydantic import BaseModel, Field
from w3lib.html import strip_html5_whitespace

from snapmode.crawl.addresses import http_address
from snapmode.ids import canonical

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # sitemaps.org: at most 50 MB uncompressed
_GZIP_MAGIC = b"\x1f\x8b"
_HTTP_SCHEMES = frozenset({"http", "https"})
# Sloppy generators write "?a=1&b=2" unescaped; recovery mode would drop "&b" as an unknown entity.
_BARE_AMPERSAND = re.compile(rb"&(?!(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#x[0-9A-Fa-f]+);)")
# Query parameters that number a listing's pages (Magento's "p", WordPress's "paged"...), and the "/page/N/" path
# segment of other platforms.
PAGE_PARAMS = frozenset({"page", "p", "pg", "paged", "pagina", "seite"})
_PAGE_SEGMENT = re.compile(r"/page/([0-9]{1,6})/?$")
# A link's words (text, aria-label or title) that say "the next page" or "the previous page", in the shops'
# languages; a lone arrow too.
_NEXT_WORDS = frozenset(
    {
        "next", "next page", "suivant", "suivante", "page suivante", "weiter", "nächste", "nächste seite",
        "siguiente", "página siguiente", "successiva", "pagina successiva", "volgende", "próxima", "próximo",
    }
)  # fmt: skip
_PREV_WORDS = frozenset(
    {
        "prev", "previous", "previous page", "précédent", "précédente", "page précédente", "zurück", "vorherige",
        "vorherige seite", "anterior", "página anterior", "precedente", "pagina precedente", "vorige",
    }
)  # fmt: skip
_LONGEST_WORDS = 40  # characters: a link with more text is no "next" or "previous" link
_NEXT_ARROWS = "›»→>"
_PREV_ARROWS = "‹«←<"
# A number as shops print counts: 1136, 1,136, 1.136, "1 136" (space, no-break or thin space between groups).
_COUNT = r"([0-9]{1,3}(?:[,.\u00a0\u202f\u2009 ][0-9]{3})+|[0-9]+)"
# "Showing 1–20 of 1136", "1-20 von 1.136", or "1,136 results", "1136 Artikel", "1 136 produits".
_STATED_TOTAL = re.compile(  # (the lookahead first: tried at a digit only, six times faster on a whole page)
    rf"(?=[0-9])(?:\b[0-9]+\s*[-–—]\s*[0-9]+\s+(?:of|von|sur|de|di|van)\s+{_COUNT}(?![0-9])"
    rf"|(?<![0-9.,]){_COUNT}\s+(?:results?|products?|items?|articles?|artikel|produits?|ergebnisse|treffer|"
    r"productos?|resultados?|articoli|prodotti|risultati)\b)",
    re.IGNORECASE,
)


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
    stated_total: int | None = None  # the most products the page says a listing holds ("Showing 1–20 of 1136")

    def tagged(self) -> list[tuple[str, str]]:
        """The links to follow as (url, kind): the next page "pagination", the previous one "listing", the others
        "unknown"; a next or previous page given only by a <link> element is among them."""
        kinds = {url: "unknown" for url in self.links}
        if self.prev is not None:
            kinds[self.prev] = "listing"
        if self.next is not None:
            kinds[self.next] = "pagination"
        return list(kinds.items())


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
    worded_next: str | None = None
    worded_prev: str | None = None
    numbered_next: str | None = None
    listing, number = listing_page(page)
    listing_stem = listing.split("?", 1)[0].rstrip("/")
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
        if element.tag == "a" and (worded_next is None or worded_prev is None):
            said = _link_words(element)
            if worded_next is None and _says(said, "next", _NEXT_WORDS, _NEXT_ARROWS):
                worded_next = link
            if worded_prev is None and _says(said, "prev", _PREV_WORDS, _PREV_ARROWS):
                worded_prev = link
        # (a cheap test first: the pages of a listing share its address up to the page number)
        if numbered_next is None and link.startswith(listing_stem) and listing_page(link) == (listing, number + 1):
            numbered_next = link
    result.next = result.next or worded_next or numbered_next
    result.prev = result.prev or worded_prev
    result.stated_total = stated_total(document)
    return result


def listing_page(url: str) -> tuple[str, int]:
    """A listing's address without its page number (``?page=3``, ``?p=3``, ``/page/3/``...), and that number
    (1 when there is none): the pages of one listing share the address."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url, 1
    number, path = 1, parts.path
    segment = _PAGE_SEGMENT.search(path)
    if segment:
        number, path = int(segment.group(1)), path[: segment.start()] + "/"
    query = []
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if name.lower() in PAGE_PARAMS and value.isdigit() and len(value) <= 6:
            number = int(value)
        else:
            query.append((name, value))
    return urlunsplit((parts.scheme, parts.netloc, path, urlencode(query), "")), number


def stated_total(document: lxml.html.HtmlElement) -> int | None:
    """The largest product count the page's text states, or None."""
    for hidden in document.iter("script", "style", "template"):
        hidden.text = None  # their code is no text a shopper reads; the document is ours alone, parsed for this
    text = " ".join(document.itertext())  # spaced: "<li>20</li><li>165 results</li>" is no "20165 results"
    counts = [int(re.sub(r"[^0-9]", "", a or b)) for a, b in _STATED_TOTAL.findall(text)]
    return max(counts, default=None)


def _link_words(element: lxml.html.HtmlElement) -> tuple[set[str], list[str]]:
    """A link's class tokens (its own and its list item's), and its short texts (text, aria-label, title)
    lowercased with their spaces collapsed: what says that a link leads to the next or the previous page."""
    classes = set((element.get("class") or "").lower().split())
    parent = element.getparent()
    if parent is not None and parent.tag == "li":
        classes |= set((parent.get("class") or "").lower().split())
    texts = [element.text_content(), element.get("aria-label") or "", element.get("title") or ""]
    return classes, [" ".join(text.lower().split()) for text in texts if 0 < len(text) <= _LONGEST_WORDS]


def _says(said: tuple[set[str], list[str]], token: str, words: frozenset[str], arrows: str) -> bool:
    """Whether a link's words (``_link_words``) are among ``words`` or one of ``arrows``, or its class has ``token``."""
    classes, texts = said
    return token in classes or any(
        (text in arrows and len(text) == 1) or text.strip(arrows + " .:") in words for text in texts
    )


def same_site(url: str, site_root: str) -> bool:
    """Same host (ignoring a leading "www." and the case) and port, http or https alike."""
    key = _site_key(url)
    return key is not None and key == _site_key(site_root)


def _site_key(url: str) -> tuple[str, int | None] | None:
    address = http_address(url)
    if address is None:
        return None
    # http://shop and https://shop are one site; only a non-default port sets a site apart.
    return address.host.rstrip(".").removeprefix("www."), address.port


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
