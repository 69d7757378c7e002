"""Which discovered URLs belong to a registered site's crawl."""

from __future__ import annotations

import logging

from snapmode.crawl.discovery import same_site
from snapmode.domain import Site
from snapmode.patterns import compile_pattern

log = logging.getLogger(__name__)


class SiteScope:
    """Same site as the root, and the operator's include/exclude patterns (RE2 regexes searched in the URL,
    in linear time: snapmode.patterns).

    Sitemaps are only held to the site: they lead to the pages the patterns select. A site stored with a
    pattern RE2 cannot run (saved before patterns ran on RE2) takes no new page until its patterns are
    changed: crawling pages its operator meant to exclude would be worse than pausing.
    """

    def __init__(self, site: Site) -> None:
        self._root = site.root_url
        try:
            self._include = [compile_pattern(pattern) for pattern in site.include]
            self._exclude = [compile_pattern(pattern) for pattern in site.exclude]
            self._usable = True
        except ValueError as exc:
            log.warning("site %s takes no new page until its patterns are changed: %s", site.id, exc)
            self._usable = False

    def allows(self, url: str, kind: str = "unknown") -> bool:
        if not self._usable or not same_site(url, self._root):
            return False
        if kind == "sitemap":
            return True
        if self._include and not any(pattern.search(url) for pattern in self._include):
            return False
        return not any(pattern.search(url) for pattern in self._exclude)
