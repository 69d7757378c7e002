"""The site-registry concern: which shops an operator registered, with their extraction rules."""

from __future__ import annotations

from typing import Protocol

from snapmode.domain import Site


class SiteRegistry(Protocol):
    def upsert(self, site: Site) -> None: ...

    def get(self, site_id: str) -> Site | None: ...

    def all(self) -> list[Site]: ...

    def delete(self, site_id: str) -> bool:
        """Forget a site; False if it was not registered."""

    def template(self, site_id: str) -> str | None:
        """The site's learned template (JSON, snapmode.extract.templates.SiteTemplate), None before any."""

    def save_template(self, site_id: str, template: str) -> None:
        """Store the site's learned template; nothing for a site that is not registered (it was deleted)."""

    def close(self) -> None: ...
