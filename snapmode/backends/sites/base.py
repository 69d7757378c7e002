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

    def close(self) -> None: ...
