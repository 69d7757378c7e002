"""The frontier concern: which URLs to fetch, when, and what came of them.

One Protocol, one class per technology (SQLite embedded; a Solr core on a cluster).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Literal, Protocol, get_args

from pydantic import BaseModel, Field

Kind = Literal["sitemap", "listing", "product", "unknown"]
Status = Literal["discovered", "in_flight", "fetched", "redirect", "transient_error", "error"]
Outcome = Literal["fetched", "redirect", "transient_error", "error"]

KINDS: tuple[str, ...] = get_args(Kind)
STATUSES: tuple[str, ...] = get_args(Status)
OUTCOMES: tuple[str, ...] = get_args(Outcome)


class FrontierEntry(BaseModel):
    url: str
    site_id: str
    host: str
    depth: int
    kind: Kind
    status: Status
    attempts: int  # claims since the last success
    next_fetch_at: float  # due time (a recrawl's, once fetched), or the end of the lease while in_flight
    last_error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    redirect_to: str | None = None
    fingerprint: str | None = None  # of what matters on the page, to tell a change on recrawl
    interval: float | None = None  # seconds between recrawls, adapted to how often the page changes
    fetches: int = 0
    changes: int = 0
    updated_at: float
    # A listing's next pages, followed whatever their depth (snapmode.pipeline.crawling.record_outcome):
    chain: int = 0  # next pages followed from the listing's first page to this one (0: not reached as a next page)
    listing: str | None = None  # the listing this page belongs to (its address without a page number)
    previous_links: str | None = None  # fingerprint of the links of the page whose next page this is
    stated_products: int | None = None  # products the page says its listing holds ("Showing 1–20 of 1136")


class Completion(BaseModel):
    """What came of fetching one URL."""

    url: str
    status: Outcome
    error: str | None = None  # an error kind, e.g. "timeout", "http_4xx", "robots_disallowed"
    etag: str | None = None
    last_modified: str | None = None
    retry_at: float | None = None  # from Retry-After: not before this time
    redirect_to: str | None = None
    fingerprint: str | None = None  # None: unchanged (a 304) or not computed
    kind: Kind | None = None  # what the page turned out to be
    listing: str | None = None  # a listing page's listing (its address without a page number)
    stated_products: int | None = None  # products a listing page says its listing holds


class Continuation(BaseModel):
    """The listing a page's next page continues: next pages keep its depth and count along its chain."""

    listing: str  # the listing's address without a page number
    chain: int = Field(ge=1)  # next pages followed from the listing's first page, this one included
    previous_links: str  # fingerprint of the links of the page this one is the next page of


class PageKinds(BaseModel):
    """A site's fetched pages by what they turned out to be, and what its listings say they hold."""

    product_pages: int
    listing_pages: int
    stated_products: int | None  # sum over listings of the most products each says it holds; None: none says


class Frontier(Protocol):
    def add(self, site_id: str, urls: Iterable[tuple[str, int, str]], *, continues: Continuation | None = None) -> int:
        """Insert (url, depth, kind) rows not known yet (by canonical URL); returns how many were new.
        ``continues``: the URLs are next pages of that listing chain."""

    def claim_due(
        self,
        limit: int,
        now: float,
        lease_seconds: float,
        site_ids: Collection[str] | None = None,
        exclude_sites: Collection[str] = (),
    ) -> list[FrontierEntry]:
        """Lease up to ``limit`` due URLs (new, retryable or due for recrawl), shallowest first;
        only of ``site_ids`` when given, never of ``exclude_sites`` (paused sites)."""

    def release(self, urls: Iterable[str]) -> int:
        """Give back leases not worked on (a stopping spout's buffer): due again at once, no attempt spent."""

    def complete(self, completion: Completion, *, now: float | None = None) -> Status:
        """Record a fetch's outcome and schedule what comes next; returns the status stored."""

    def get(self, url: str) -> FrontierEntry | None: ...

    def counts(self, site_id: str | None = None) -> dict[str, int]:
        """URLs per status, every status present."""

    def error_counts(self, site_id: str | None = None) -> dict[str, int]:
        """Failed or retrying URLs per error kind."""

    def page_kinds(self, site_id: str) -> PageKinds:
        """The site's fetched product and listing pages, and the products its listings say they hold."""

    def queued_by_host(self, site_id: str | None = None) -> dict[str, int]:
        """URLs waiting for a first fetch or a retry, per host, largest first."""

    def outstanding(self, site_id: str | None = None, *, now: float | None = None) -> int:
        """URLs still to be settled: new, retryable, or in flight. Scheduled recrawls are not counted."""

    def due(self, now: float, site_id: str | None = None) -> int:
        """URLs a claim at ``now`` could take: new, retryable, or due for recrawl."""

    def reset_in_flight(self) -> int:
        """Make every in-flight URL due now; for a single spout restarting after a crash."""

    def finished_since(self, since: float, site_id: str | None = None) -> int:
        """URLs whose fetch was settled (fetched, redirect, failed or retrying) at ``since`` or later."""

    def failures(self, site_id: str | None = None, limit: int = 50) -> list[FrontierEntry]:
        """Failed or retrying URLs, the most recently updated first."""

    def recrawl_site(self, site_id: str, now: float | None = None) -> int:
        """Make every settled URL of a site due now, failed ones with a fresh set of attempts; returns how many."""

    def remove_site(self, site_id: str) -> int:
        """Forget every URL of a site; returns how many."""

    def close(self) -> None: ...
