"""A shop's own name, read from its home page, so shoppers see "Luma Demo Shop" rather than a host name.

In the order sites declare it: ``og:site_name``, then the ``application-name`` meta tag, then the
``<title>`` without its tail (" | Home", " - Free delivery"), which most shops start with their name.
"""

from __future__ import annotations

from snapmode.domain import MAX_SITE_NAME_CHARS
from snapmode.extract.page import Page

_LOWER = "translate(%s, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
_DECLARED = (
    f"//meta[{_LOWER % '@property'} = 'og:site_name' or {_LOWER % '@name'} = 'og:site_name']/@content",
    f"//meta[{_LOWER % '@name'} = 'application-name']/@content",
)
# A title's tail starts at the first of these separators (set off by spaces: "Jean-Luc" keeps its hyphen).
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ")


def site_name(page: Page) -> str | None:
    """The name the page gives its site, whitespace tidied and cut to what a site's name may be; None if none."""
    for query in _DECLARED:
        for value in page.selector.xpath(query).getall():
            name = _tidy(value)
            if name:
                return name
    title = " ".join((page.selector.xpath("string((//title)[1])").get() or "").split())
    cut = min((at for at in map(title.find, _TITLE_SEPARATORS) if at > 0), default=len(title))
    return _tidy(title[:cut])


def _tidy(text: str) -> str | None:
    return " ".join(text.split())[:MAX_SITE_NAME_CHARS].strip() or None
