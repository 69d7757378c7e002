"""Which discovered URLs belong to a registered site's crawl."""

from __future__ import annotations

import re

from snapmode.crawl.discovery import same_site
from snapmode.domain import Site


class SiteScope:
    """Same site as the root, and the operator's include/exclude patterns (regexes searched in the URL).

    Sitemaps are only held to the site: they lead to the pages the patterns select.
    """

    def __init__(self, site: Site) -> None:
        self._root = site.root_url
        self._include = [re.compile(pattern) for pattern in site.include]
        self._exclude = [re.compile(pattern) for pattern in site.exclude]

    def allows(self, url: str, kind: str = "unknown") -> bool:
        if not same_site(url, self._root):
            return False
        if kind == "sitemap":
            return True
        if self._include and not any(pattern.search(url) for pattern in self._include):
            return False
        return not any(pattern.search(url) for pattern in self._exclude)
