"""One parsed HTML page: decoded text, the parsel selector every layer shares, and its base URL."""

from __future__ import annotations

from dataclasses import dataclass

from parsel import Selector
from w3lib.encoding import html_to_unicode

from snapmode.extract.normalize import absolute_url

# Larger bodies are cut (product data sits in the first megabytes); this bounds parse time and memory.
MAX_HTML_CHARS = 8_000_000
# Photos kept per product: more is a gallery of other things (or a hostile page), not one product's views.
MAX_IMAGES = 50


@dataclass(frozen=True)
class Page:
    text: str
    selector: Selector
    url: str  # the page's own absolute URL, "" when unknown
    base_url: str  # what relative links resolve against: <base href>, else the page URL

    def link(self, value: object) -> str | None:
        return absolute_url(value, self.base_url)


def decode_html(html: str | bytes, encoding: str | None = None) -> str:
    """Unicode text of a page: BOM, then the transport's charset, then <meta charset>, then a guess."""
    if isinstance(html, str):
        return html
    content_type = f"text/html; charset={encoding}" if encoding else None
    _, text = html_to_unicode(content_type, bytes(html), auto_detect_fun=_utf8_or_windows_1252)
    return text


def _utf8_or_windows_1252(body: bytes) -> str:
    # Undeclared pages are UTF-8 when they decode as such; otherwise the legacy web default applies.
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def parse_page(html: str | bytes, url: str, encoding: str | None = None) -> Page:
    text = decode_html(html, encoding)[:MAX_HTML_CHARS]
    selector = Selector(text=text)
    own_url = absolute_url(url, "") or _declared_url(selector) or ""
    base = absolute_url(selector.xpath("//base/@href").get(), own_url) or own_url
    return Page(text=text, selector=selector, url=own_url, base_url=base)


def _declared_url(selector: Selector) -> str | None:
    """The page's canonical or og:url, for saved pages whose address was not given."""
    for link in selector.xpath("//link[@rel='canonical']/@href | //meta[@property='og:url']/@content").getall():
        url = absolute_url(link, "")
        if url:
            return url
    return None
