"""Operator use cases: manage sites and their crawls, watch a crawl and its field coverage, preview extraction on
a live page.

A paused site keeps its frontier; the crawler's spout leaves its URLs alone until it is resumed.
Deleting a site forgets its registration and its frontier (nothing of it is fetched again); the
products already indexed and their vectors stay searchable, as the catalogue shoppers saw it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, ValidationError

from snapmode import ids
from snapmode.backends.products.base import ProductFilters
from snapmode.crawl.discovery import page_links
from snapmode.crawl.fetcher import FetchResult
from snapmode.crawl.ssrf import UnsafeURLError, check_url
from snapmode.domain import ExtractedProduct, Product, Site
from snapmode.errors import InvalidRequest, NotFound, SnapModeError
from snapmode.extract import SiteRules
from snapmode.extract.layered import extract_with_sources
from snapmode.patterns import compile_pattern
from snapmode.pipeline.crawling import is_http_url, publish_images, register_site
from snapmode.pipeline.failures import FailureWords
from snapmode.services import Services

RATE_WINDOW_SECONDS = 60.0
PROBLEM_SCAN = 50  # latest failures looked through for a robots.txt that cannot be read
_FAILING = frozenset({"transient_error", "error"})
PRODUCTS_PAGE = 500
PREVIEW_FIELDS = (
    "name", "price", "currency", "sku", "brand", "description", "availability", "regular_price", "images", "categories",
)
UNRECORDED = "unrecorded"  # the pseudo-source of values indexed before their source was recorded
SOURCES = "json-ld, microdata, rdfa, opengraph, twitter-card, rules, heuristics or template"


class PreviewRefused(SnapModeError):
    """The sample page cannot be fetched (blocked address, robots.txt, HTTP error, not HTML)."""


class PageCounts(BaseModel):
    queued: int = Field(description="Waiting for a first fetch")
    in_flight: int
    fetched: int
    redirects: int
    retrying: int = Field(description="Failed for now, to be retried after a backoff")
    failed: int = Field(description="Given up on")


class CrawlStatus(BaseModel):
    site_id: str
    state: Literal["active", "paused"]
    updated_at: float
    problem: str | None = Field(
        description="What keeps the whole crawl from going on, in plain words (the home page or robots.txt"
        " failing: what failed, why, when the next try is); null when nothing does"
    )
    pages: PageCounts
    pages_per_second: float = Field(description="Pages settled over the last 60 s, per second")
    errors: dict[str, int] = Field(description="Failed or retrying URLs per error kind")
    products: int
    images: int = Field(description="Distinct photos of the site's indexed products (each an image task)")
    vectors: int | None = Field(description="Vectors stored for those photos; null if the store cannot tell")
    product_pages: int = Field(0, description="Fetched pages that turned out to be products")
    listing_pages: int = Field(0, description="Fetched pages that turned out to be listings (categories, their pages)")
    stated_products: int | None = Field(
        None,
        description="Products the site's listings say they hold (e.g. Showing 1–20 of 1136): per listing the most"
        " its pages state, summed; null when no listing states one",
    )


class CrawlError(BaseModel):
    url: str
    kind: str
    message: str = Field(description="What failed, why and what happens next, in plain words")
    at: float


class ExtractionPreview(BaseModel):
    url: str
    product: dict[str, object] | None = Field(description="The fields found, or null if the page is no product")
    sources: dict[str, str] = Field(description=f"Which layer found each field: {SOURCES}")
    links: int = Field(description="Same-site links the crawler would follow from this page")


class SourceShare(BaseModel):
    source: str = Field(description=f"{SOURCES}; {UNRECORDED} for products indexed before sources were recorded")
    products: int = Field(description="The site's products whose value of the field this source supplied")
    share: float = Field(description="Those products over all the site's products, 0 to 1")


class FieldCoverageView(BaseModel):
    field: str
    products: int = Field(description="The site's products that have a value for the field")
    share: float = Field(description="Those products over all the site's products, 0 to 1 (0 without products)")
    sources: list[SourceShare] = Field(description="Where the values came from, the most products first")


class SiteCoverage(BaseModel):
    site_id: str
    products: int = Field(description="The site's indexed products")
    fields: list[FieldCoverageView] = Field(
        description="name, price, currency, sku, brand, availability, images and description, in that order"
    )


def paused_sites(services: Services) -> frozenset[str]:
    return frozenset(site.id for site in services.sites.all() if site.state == "paused")


def get_site(services: Services, site_id: str) -> Site:
    site = services.sites.get(site_id)
    if site is None:
        raise NotFound(f"no site {site_id}")
    return site


def create_site(
    services: Services,
    root_url: str,
    rules_yaml: str | None = None,
    include: list[str] | None = None,
    exclude: list[str] | None = None,
    name: str | None = None,
) -> tuple[Site, bool]:
    """Register (or re-register) a site and start crawling it; True when it is new.

    Refused (``InvalidRequest``) when the crawler would not fetch the URL (private or local address,
    user info, no valid host...), or the rules or patterns are invalid."""
    existing = services.sites.get(ids.site_id(ids.canonical(root_url))) if is_http_url(root_url) else None
    try:
        site = register_site(services, root_url, rules_yaml, include=include, exclude=exclude, name=name)
    except ValueError as exc:
        raise InvalidRequest(str(exc)) from None
    return site, existing is None


def update_site(services: Services, site_id: str, changes: dict[str, object]) -> Site:
    """Change rules, patterns or name (keys of ``changes``: rules_yaml, include, exclude, name); state is kept.

    A name set to None is learned again from the home page at its next fetch."""
    site = get_site(services, site_id)
    if changes.get("rules_yaml") is not None:
        try:
            SiteRules.from_yaml(str(changes["rules_yaml"]))
        except ValueError as exc:
            raise InvalidRequest(str(exc)) from None
    try:
        updated = Site.model_validate(site.model_dump() | changes)
    except ValidationError as exc:
        raise InvalidRequest("; ".join(error["msg"] for error in exc.errors())) from None
    services.sites.upsert(updated)
    return updated


def start_site(services: Services, site_id: str) -> Site:
    """Seed the root and sitemaps again and make every known page due: a recrawl from the top."""
    site = get_site(services, site_id)
    site, _ = create_site(services, site.root_url, site.rules_yaml, site.include, site.exclude, site.name)
    services.frontier.recrawl_site(site.id)
    return site


def set_state(services: Services, site_id: str, state: Literal["active", "paused"]) -> Site:
    site = get_site(services, site_id).model_copy(update={"state": state})
    services.sites.upsert(site)
    return site


def delete_site(services: Services, site_id: str) -> None:
    get_site(services, site_id)
    services.sites.delete(site_id)
    services.frontier.remove_site(site_id)


def crawl_status(services: Services, site_id: str, now: float | None = None) -> CrawlStatus:
    site = get_site(services, site_id)
    now = time.time() if now is None else now
    counts = services.frontier.counts(site_id)
    kinds = services.frontier.page_kinds(site_id)
    product_ids, images = _site_products(services, site_id)
    return CrawlStatus(
        site_id=site_id,
        state=site.state,
        updated_at=now,
        problem=_blocking_problem(services, site, now),
        pages=PageCounts(
            queued=counts["discovered"],
            in_flight=counts["in_flight"],
            fetched=counts["fetched"],
            redirects=counts["redirect"],
            retrying=counts["transient_error"],
            failed=counts["error"],
        ),
        pages_per_second=round(
            services.frontier.finished_since(now - RATE_WINDOW_SECONDS, site_id) / RATE_WINDOW_SECONDS, 3
        ),
        errors=services.frontier.error_counts(site_id),
        products=len(product_ids),
        images=images,
        vectors=services.vectors.count_for_products(product_ids) if product_ids else 0,
        **kinds.model_dump(),
    )


def site_coverage(services: Services, site_id: str) -> SiteCoverage:
    """How much of the site's indexed catalogue each field covers, and which source supplied it: a field that
    most products lack, or that one weak source supplies, is where rules or a template are missing."""
    get_site(services, site_id)
    coverage = services.products.coverage(site_id)

    def share(count: int) -> float:
        return round(count / coverage.products, 4) if coverage.products else 0.0

    fields = []
    for name, found in coverage.fields.items():
        by_source = dict(found.sources)
        unrecorded = found.products - sum(by_source.values())
        if unrecorded > 0:
            by_source[UNRECORDED] = unrecorded
        ranked = sorted(by_source.items(), key=lambda item: (-item[1], item[0]))
        fields.append(
            FieldCoverageView(
                field=name,
                products=found.products,
                share=share(found.products),
                sources=[SourceShare(source=source, products=n, share=share(n)) for source, n in ranked],
            )
        )
    return SiteCoverage(site_id=site_id, products=coverage.products, fields=fields)


def recent_errors(services: Services, site_id: str, limit: int = 50) -> list[CrawlError]:
    get_site(services, site_id)
    words = FailureWords(services.settings.crawl.allow_hosts, time.time())
    return [
        CrawlError(
            url=entry.url, kind=entry.last_error or "unknown", message=words.describe(entry), at=entry.updated_at
        )
        for entry in services.frontier.failures(site_id, limit)
    ]


def preview(services: Services, url: str, rules_yaml: str | None = None) -> ExtractionPreview:
    """Fetch one page as the crawler would (SSRF guard, robots.txt) and show what the extractor finds."""
    try:
        rules = SiteRules.from_yaml(rules_yaml) if rules_yaml else None
    except ValueError as exc:
        raise InvalidRequest(str(exc)) from None
    if not is_http_url(url):
        raise InvalidRequest(f"the sample page must be an http(s) URL: {url!r}")
    try:
        check_url(url, services.settings.crawl.allow_hosts)  # before robots.txt, which would be fetched too
    except UnsafeURLError as exc:
        raise PreviewRefused(f"blocked URL (ssrf): {exc}") from None
    if not services.robots.allowed(url):
        host = urlsplit(url).netloc
        if services.robots.unreachable_until(url) is not None:
            raise PreviewRefused(f"robots.txt of {host} cannot be read for now; try again later")
        raise PreviewRefused(f"robots.txt of {host} does not allow fetching {url}")
    result = services.fetcher.fetch(url)
    if result.error:
        raise PreviewRefused(f"cannot fetch {url}: {result.error} ({result.error_detail or 'no detail'})")
    if not (result.content_type or "").startswith(("text/html", "application/xhtml")):
        raise PreviewRefused(f"{url} is not an HTML page ({result.content_type or 'no content type'})")
    product, sources = _page_extraction(result, rules)
    parts = urlsplit(result.final_url)
    links = page_links(result.body, result.final_url, site_root=f"{parts.scheme}://{parts.netloc}/").links
    return ExtractionPreview(
        url=result.final_url,
        product=product.model_dump(include=set(PREVIEW_FIELDS)) if product.is_product else None,
        sources=sources if product.is_product else {},
        links=len(links),
    )


def _page_extraction(result: FetchResult, rules: SiteRules | None) -> tuple[ExtractedProduct, dict[str, str]]:
    """The fields the page-level layers find on a fetched page, and the layer of each. The crawl's parse then fills
    gaps from the site's learned template (source ``template``); this one function is what a preview extracts
    with, so that step joins here."""
    return extract_with_sources(result.body, result.final_url, rules, result.encoding)


def republish_images(services: Services, site_id: str | None = None) -> int:
    """Queue the photos of every indexed product (of one site, or of all) for the imaging stream again, to
    rebuild vectors without recrawling: into a new or emptied vector store, e.g. after an upgrade that changes
    what it stores. The imaging stream skips photos already embedded, so repeating this loses and duplicates
    nothing. Returns the number of photos queued."""
    return sum(publish_images(services, *page) for page in _product_pages(services, site_id))


def _site_products(services: Services, site_id: str) -> tuple[list[str], int]:
    """Ids of the site's indexed products and the number of distinct photos they show."""
    product_ids: list[str] = []
    images: set[str] = set()
    for page in _product_pages(services, site_id):
        product_ids += [product.id for product in page]
        images.update(url for product in page for url in product.images)
    return product_ids, len(images)


def _product_pages(services: Services, site_id: str | None) -> Iterator[list[Product]]:
    """The indexed products of one site (None: of every site), a page at a time."""
    offset = 0
    while True:
        page = services.products.search(None, ProductFilters(site=site_id), offset=offset, limit=PRODUCTS_PAGE)
        if page.items:
            yield page.items
        offset += len(page.items)
        if not page.items or offset >= page.total:
            return


def _blocking_problem(services: Services, site: Site, now: float) -> str | None:
    """What holds the whole crawl back: a pattern RE2 cannot run (stored before patterns ran on RE2), else the
    failure of its home page (the crawl starts there), else the latest robots.txt failure (nothing of the host
    is fetched while robots.txt cannot be read)."""
    for pattern in (*site.include, *site.exclude):
        try:
            compile_pattern(pattern)
        except ValueError as exc:
            return f"No new page is crawled until the site's patterns are changed: {exc}."
    words = FailureWords(services.settings.crawl.allow_hosts, now)
    home = services.frontier.get(site.root_url)
    if home is not None and home.status in _FAILING:
        return words.describe(home)
    for entry in services.frontier.failures(site.id, PROBLEM_SCAN):
        if entry.last_error == "robots_unreachable" and entry.status == "transient_error":
            return words.describe(entry)
    return None

