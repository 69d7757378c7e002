"""Crawl use cases: register a site, fetch a due URL, turn a page into a product and links.

Each function is one step of the crawler topology; bolts call exactly one of them.
"""

from __future__ import annotations

import time
from decimal import Decimal, InvalidOperation
from urllib.parse import urljoin, urlsplit

from pydantic import BaseModel, ConfigDict, Field

from snapmode import ids
from snapmode.domain import ExtractedProduct, ImageTask, Product, Site
from snapmode.extract import SiteRules, extract_product
from snapmode.services import Services

class CrawlTask(BaseModel):
    url: str
    site_id: str
    depth: int
    kind: str


class FetchedPage(BaseModel):
    model_config = ConfigDict(ser_json_bytes="base64", val_json_bytes="base64")

    task: CrawlTask
    final_url: str
    content_type: str | None
    encoding: str | None
    body: bytes
    etag: str | None = None
    last_modified: str | None = None


class UrlOutcome(BaseModel):
    """What the frontier records for one URL, plus the links it discovered."""

    task: CrawlTask
    status: str  # fetched | redirect | transient_error | error
    error: str | None = None
    retry_at: float | None = None
    etag: str | None = None
    last_modified: str | None = None
    links: list[tuple[str, str]] = Field(default_factory=list)  # (url, kind)


class ParsedPage(BaseModel):
    outcome: UrlOutcome
    product: Product | None = None


def register_site(services: Services, root_url: str, rules_yaml: str | None = None) -> Site:
    """Validate and store a site, then seed its root page and sitemaps into the frontier."""
    if urlsplit(root_url).scheme not in ("http", "https"):
        raise ValueError(f"site URL must be http(s): {root_url!r}")
    if rules_yaml is not None:
        SiteRules.from_yaml(rules_yaml)  # raises ValueError with the operator's mistake
    root = ids.canonical(root_url)
    site = Site(id=ids.site_id(root), root_url=root, rules_yaml=rules_yaml, created_at=time.time())
    services.sites.upsert(site)
    seeds = [(root, 0, "listing"), (urljoin(root, "/sitemap.xml"), 0, "sitemap")]
    seeds += [(url, 0, "sitemap") for url in services.robots.sitemaps(root)]
    services.frontier.add(site.id, seeds)
    return site


def fetch(services: Services, task: CrawlTask) -> FetchedPage | UrlOutcome:
    """Fetch one URL politely: robots rules, per-host delay bookkeeping, SSRF guard (in the fetcher)."""
    if not services.robots.allowed(task.url):
        return UrlOutcome(task=task, status="error", error="robots_disallowed")
    result = services.fetcher.fetch(task.url)
    host = urlsplit(task.url).netloc
    services.host_slots.record(
        host,
        time.monotonic(),
        latency=result.elapsed,
        crawl_delay=services.robots.crawl_delay(task.url),
        retry_after=result.retry_after,
    )
    if result.error:
        return UrlOutcome(
            task=task,
            status="transient_error" if result.transient else "error",
            error=result.error,
            retry_at=time.time() + result.retry_after if result.retry_after else None,
        )
    return FetchedPage(
        task=task,
        final_url=result.final_url,
        content_type=result.content_type,
        encoding=result.encoding,
        body=result.body,
        etag=result.headers.get("etag"),
        last_modified=result.headers.get("last-modified"),
    )


def parse(services: Services, page: FetchedPage) -> ParsedPage:
    """Extract the product (if any) and the links worth following from a fetched page."""
    from snapmode.crawl.discovery import page_links, same_site, sitemap_urls

    site = services.sites.get(page.task.site_id)
    if site is None:
        return ParsedPage(outcome=_outcome(page, error="site_unregistered"))
    if page.task.kind == "sitemap":
        entries = sitemap_urls(page.body, page.final_url)
        links = [(link.loc, "sitemap") for link in entries.sitemaps] + [(link.loc, "unknown") for link in entries.urls]
        return ParsedPage(outcome=_outcome(page, links=[(u, k) for u, k in links if same_site(u, site.root_url)]))
    if not (page.content_type or "").startswith(("text/html", "application/xhtml")):
        return ParsedPage(outcome=_outcome(page, error="not_html"))
    rules = SiteRules.from_yaml(site.rules_yaml) if site.rules_yaml else None
    extracted = extract_product(page.body, page.final_url, rules, encoding=page.encoding)
    found = page_links(page.body, page.final_url, site_root=site.root_url)
    links = [(url, "unknown") for url in found.links]
    product = None
    if extracted.is_product and not found.noindex:
        product_url = found.canonical if found.canonical and same_site(found.canonical, site.root_url) else page.final_url
        product = to_product(extracted, product_url, site.id)
    return ParsedPage(outcome=_outcome(page, links=links), product=product)


def to_product(extracted: ExtractedProduct, url: str, site_id: str) -> Product:
    url = ids.canonical(url)
    return Product(
        **extracted.model_dump(),
        id=ids.product_id(url),
        url=url,
        site=site_id,
        discount_percent=discount_percent(extracted.price, extracted.regular_price),
        fetched_at=time.time(),
    )


def discount_percent(price: str | None, regular_price: str | None) -> float | None:
    try:
        now, before = Decimal(price or ""), Decimal(regular_price or "")
    except InvalidOperation:
        return None
    if before <= 0 or now >= before:
        return None
    return float(round((before - now) / before * 100, 1))


def image_tasks(product: Product) -> list[ImageTask]:
    return [ImageTask(product_id=product.id, image_url=url, position=i) for i, url in enumerate(product.images)]


def record_outcome(services: Services, outcome: UrlOutcome) -> None:
    """Write a URL's status and its newly discovered links to the frontier (idempotent)."""
    task = outcome.task
    depth = task.depth + 1
    if outcome.links and depth <= services.settings.crawl.max_depth:
        allowed = [(url, depth, kind) for url, kind in outcome.links if services.robots.allowed(url)]
        services.frontier.add(task.site_id, allowed)
    services.frontier.complete(
        task.url,
        outcome.status,
        error=outcome.error,
        etag=outcome.etag,
        last_modified=outcome.last_modified,
        retry_at=outcome.retry_at,
    )


def _outcome(page: FetchedPage, *, error: str | None = None, links: list[tuple[str, str]] | None = None) -> UrlOutcome:
    return UrlOutcome(
        task=page.task,
        status="error" if error else "fetched",
        error=error,
        etag=page.etag,
        last_modified=page.last_modified,
        links=links or [],
    )
