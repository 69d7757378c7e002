"""Crawl use cases: register a site, fetch a due URL, turn a page into a product and links.

Each function is one step of the crawler topology; bolts call exactly one of them.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from urllib.parse import urljoin, urlsplit
from weakref import WeakKeyDictionary

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from snapmode import ids, metrics
from snapmode.backends.frontier.base import Completion, Continuation, FrontierEntry
from snapmode.crawl.discovery import SitemapError, listing_page, page_links, same_site, sitemap_urls
from snapmode.crawl.politeness import host_key
from snapmode.crawl.scope import SiteScope
from snapmode.crawl.ssrf import UnsafeURLError, check_site_url
from snapmode.domain import ExtractedProduct, ImageTask, Product, Site
from snapmode.extract import SiteRules
from snapmode.extract.layered import extract_page_with_sources, read_page
from snapmode.extract.site_name import site_name
from snapmode.extract.template_cache import TemplateCache
from snapmode.extract.templates import PageStructure
from snapmode.services import Services

log = logging.getLogger(__name__)
_TEMPLATE_CACHES: WeakKeyDictionary[Services, TemplateCache] = WeakKeyDictionary()
_TEMPLATE_CACHES_LOCK = threading.Lock()


class CrawlTask(BaseModel):
    url: str
    site_id: str
    depth: int
    kind: str
    # Validators from the last fetch, sent back so an unchanged page costs a 304.
    etag: str | None = None
    last_modified: str | None = None
    # Set when the page is a listing's next page (FrontierEntry: chain, listing, previous_links).
    chain: int = 0
    listing: str | None = None
    previous_links: str | None = None

    @classmethod
    def from_entry(cls, entry: FrontierEntry) -> CrawlTask:
        fields = {"url", "site_id", "depth", "kind", "etag", "last_modified", "chain", "listing", "previous_links"}
        return cls(**entry.model_dump(include=fields))


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
    status: str  # fetched | transient_error | error (a redirect is told by final_url)
    final_url: str | None = None  # where the answer came from, when a redirect led elsewhere
    error: str | None = None
    retry_at: float | None = None
    etag: str | None = None
    last_modified: str | None = None
    fingerprint: str | None = None  # None for a 304: unchanged
    kind: str | None = None  # what the page turned out to be
    links: list[tuple[str, str]] = Field(default_factory=list)  # (url, kind); kind "pagination": the next page
    stated_total: int | None = None  # products the page says a listing holds (PageLinks.stated_total)


class ParsedPage(BaseModel):
    outcome: UrlOutcome
    product: Product | None = None


def is_http_url(url: str) -> bool:
    try:
        return urlsplit(url).scheme in ("http", "https")
    except ValueError:  # not even splittable, e.g. an empty or unclosed IPv6 bracket: "//[", "//[]"
        return False


def register_site(
    services: Services,
    root_url: str,
    rules_yaml: str | None = None,
    *,
    include: list[str] | None = None,
    exclude: list[str] | None = None,
    name: str | None = None,
) -> Site:
    """Validate and store a site, then seed its root page and sitemaps into the frontier.

    The root URL must pass the fetcher's own SSRF guard (``check_site_url``): a site the crawler would
    refuse to fetch is refused here, with the reason. Without a ``name``, the one it had is kept, or
    the crawler learns it from the home page (``learn_site_name``).

    Raises ValueError with the operator's mistake (URL, rules or patterns).
    """
    if not is_http_url(root_url):
        raise ValueError(f"site URL must be http(s): {root_url!r}")
    try:
        check_site_url(root_url, services.settings.crawl.allow_hosts)
    except UnsafeURLError as exc:
        raise ValueError(f"the crawler cannot fetch this address: {exc.reason}") from None
    if rules_yaml is not None:
        SiteRules.from_yaml(rules_yaml)
    root = ids.canonical(root_url)
    existing = services.sites.get(ids.site_id(root))  # registering again keeps when the site was first registered
    try:
        site = Site(
            id=ids.site_id(root),
            root_url=root,
            name=name if name is not None else existing.name if existing is not None else None,
            rules_yaml=rules_yaml,
            include=include or [],
            exclude=exclude or [],
            created_at=existing.created_at if existing is not None else time.time(),
        )
    except ValidationError as exc:
        raise ValueError("; ".join(error["msg"] for error in exc.errors())) from None
    services.sites.upsert(site)
    seeds = [(root, 0, "listing"), (urljoin(root, "/sitemap.xml"), 0, "sitemap")]
    seeds += [(url, 0, "sitemap") for url in services.robots.sitemaps(root)]
    services.frontier.add(site.id, seeds)
    return site


def fetch(services: Services, task: CrawlTask) -> FetchedPage | UrlOutcome:
    """Fetch one URL politely: robots rules, the host's delay waited out and recorded, SSRF guard
    (in the fetcher), conditional on the validators of the last fetch."""
    if not services.robots.allowed(task.url):
        retry_at = services.robots.unreachable_until(task.url)
        if retry_at is not None:  # RFC 9309: an unreachable robots.txt disallows everything, for now
            return UrlOutcome(task=task, status="transient_error", error="robots_unreachable", retry_at=retry_at)
        return UrlOutcome(task=task, status="error", error="robots_disallowed")
    host = host_key(task.url)
    time.sleep(services.host_slots.wait_time(host, time.monotonic()))
    result = services.fetcher.fetch(task.url, etag=task.etag, last_modified=task.last_modified)
    metrics.FETCH_SECONDS.observe(result.elapsed)
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
    if result.not_modified:
        return UrlOutcome(task=task, status="fetched", final_url=result.final_url)
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
    prepared = _prepare(services, page)
    if isinstance(prepared, ParsedPage):
        return prepared
    site, rules = prepared
    extracted, sources = _extract(services, site, rules, page)
    found = page_links(page.body, page.final_url, site_root=site.root_url)
    parsed = _parsed(page, site.id, site.root_url, extracted, found.tagged(), found.canonical, noindex=found.noindex)
    parsed.outcome.stated_total = found.stated_total
    if parsed.product is not None:
        parsed.product.field_sources = sources
    return parsed


def _extract(
    services: Services, site: Site, rules: SiteRules | None, page: FetchedPage
) -> tuple[ExtractedProduct, dict[str, str]]:
    """The page-level layers' product with each field's source, then the site's learned template filling the
    fields they missed (source "template") and learning from what they found."""
    read = read_page(page.body, page.final_url, page.encoding)
    if read is None:
        return ExtractedProduct(), {}
    extracted, sources = extract_page_with_sources(read, rules)
    try:
        learned = _template_cache(services).observe(site.id, PageStructure(read), extracted, site.shop_name)
    except Exception:  # a template only adds to the layers' product: never lose the page over it
        log.warning("learned template of site %s failed on %s", site.id, page.final_url, exc_info=True)
        return extracted, sources
    return learned.product, sources | dict.fromkeys(learned.filled, "template")


def _template_cache(services: Services) -> TemplateCache:
    """This process's learned templates, one cache per set of services (hence per sites backend)."""
    with _TEMPLATE_CACHES_LOCK:
        if services not in _TEMPLATE_CACHES:
            _TEMPLATE_CACHES[services] = TemplateCache(load=services.sites.template, save=services.sites.save_template)
        return _TEMPLATE_CACHES[services]


def _prepare(services: Services, page: FetchedPage) -> ParsedPage | tuple[Site, SiteRules | None]:
    """A finished result for pages that are not HTML product candidates, else their site and its rules."""
    site = services.sites.get(page.task.site_id)
    if site is None:
        return ParsedPage(outcome=_outcome(page, error="site_unregistered"))
    if page.task.kind == "sitemap":
        try:
            entries = sitemap_urls(page.body, page.final_url)
        except SitemapError:
            return ParsedPage(outcome=_outcome(page, error="bad_sitemap"))
        links = [(link.loc, "sitemap") for link in entries.sitemaps] + [(link.loc, "unknown") for link in entries.urls]
        return ParsedPage(outcome=_outcome(page, links=links, kind="sitemap", fingerprint=_links_fingerprint(links)))
    if not (page.content_type or "").startswith(("text/html", "application/xhtml")):
        return ParsedPage(outcome=_outcome(page, error="not_html"))
    if site.name is None and ids.canonical(page.task.url) == site.root_url:
        learn_site_name(services, site.id, page)
    return site, _site_rules(site.rules_yaml) if site.rules_yaml else None


def learn_site_name(services: Services, site_id: str, home: FetchedPage) -> str | None:
    """Name a site that has none from its fetched home page (og:site_name, application-name, <title>);
    returns the name learned. A name the operator gave, or one learned meanwhile, is never replaced."""
    page = read_page(home.body, home.final_url, home.encoding)
    name = site_name(page) if page is not None else None
    current = services.sites.get(site_id)  # read again: an operator may have changed the site since
    if name is None or current is None or current.name is not None:
        return None
    services.sites.upsert(current.model_copy(update={"name": name}))
    return name


def _parsed(
    page: FetchedPage,
    site_id: str,
    root_url: str,
    extracted: ExtractedProduct,
    links: list[tuple[str, str]],
    canonical: str | None,
    *,
    noindex: bool,
) -> ParsedPage:
    if not (extracted.is_product and not noindex):
        return ParsedPage(outcome=_outcome(page, links=links, kind="listing", fingerprint=_links_fingerprint(links)))
    product_url = canonical if canonical and same_site(canonical, root_url) else page.final_url
    product = to_product(extracted, product_url, site_id)
    return ParsedPage(
        outcome=_outcome(page, links=links, kind="product", fingerprint=_product_fingerprint(product)),
        product=product,
    )


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


def index_product(services: Services, product: Product) -> None:
    """Upsert the product; the index keeps its price history."""
    services.products.upsert([product])
    metrics.PRODUCTS_INDEXED.inc()


def publish_images(services: Services, *products: Product) -> int:
    """Put the products' image URLs on the image queue for the imaging topology; returns how many."""
    tasks = [
        ImageTask(product_id=product.id, image_url=url, position=i)
        for product in products
        for i, url in enumerate(product.images)
    ]
    services.queue.publish(tasks)
    metrics.IMAGES_PUBLISHED.inc(len(tasks))
    return len(tasks)


def record_outcome(services: Services, outcome: UrlOutcome) -> None:
    """Write a URL's status and its newly discovered, in-scope links to the frontier (idempotent).

    Links are followed up to ``crawl.max_depth`` clicks from the home page, but a listing's next page keeps the
    listing's depth, so a listing is followed to its end however many pages it has; its chain stops after
    ``crawl.max_pagination_pages`` next pages, or at a page that lists the same links as the page before it
    (a listing past its end, a calendar of empty months). A listing page also records its listing and the
    products it says the listing holds.

    A redirect is recorded twice: the URL asked for as a redirect, and the URL that
    answered as fetched, so a link to either is not fetched again.
    """
    task = outcome.task
    site = services.sites.get(task.site_id)
    if outcome.links and site is not None:
        _add_links(services, SiteScope(site), outcome)
    is_listing = outcome.kind == "listing"
    completion = Completion(
        url=task.url,
        status=outcome.status,
        error=outcome.error,
        etag=outcome.etag,
        last_modified=outcome.last_modified,
        retry_at=outcome.retry_at,
        fingerprint=outcome.fingerprint,
        kind=outcome.kind,
        listing=_listing_of(task) if is_listing else None,
        stated_products=outcome.stated_total if is_listing else None,
    )
    final_url = ids.canonical(outcome.final_url) if outcome.final_url else None
    if outcome.status == "fetched" and final_url and final_url != ids.canonical(task.url):
        # a next page that redirects stays in its listing's chain, so a redirecting trap meets the same guards
        services.frontier.add(
            task.site_id, [(final_url, task.depth, outcome.kind or task.kind)], continues=_same_chain(task)
        )
        services.frontier.complete(completion.model_copy(update={"url": final_url}))
        completion = Completion(url=task.url, status="redirect", redirect_to=final_url)
    stored = services.frontier.complete(completion)
    metrics.PAGES.labels(stored).inc()
    if outcome.error:
        metrics.FETCH_ERRORS.labels(outcome.error).inc()


def _add_links(services: Services, scope: SiteScope, outcome: UrlOutcome) -> None:
    task, crawl = outcome.task, services.settings.crawl
    links = [(url, kind) for url, kind in outcome.links if scope.allows(url, kind) and _robots_may_allow(services, url)]
    if outcome.kind != "listing":  # only a listing's next and previous pages are pages of a listing
        links = [(url, "unknown" if kind in ("pagination", "listing") else kind) for url, kind in links]
    next_pages = [url for url, kind in links if kind == "pagination"]
    if task.depth + 1 <= crawl.max_depth:
        services.frontier.add(
            task.site_id, [(url, task.depth + 1, kind) for url, kind in links if kind != "pagination"]
        )
    continues = _continuation(crawl.max_pagination_pages, outcome) if next_pages else None
    if continues is not None:
        services.frontier.add(task.site_id, [(url, task.depth, "listing") for url in next_pages], continues=continues)


def _continuation(max_pages: int, outcome: UrlOutcome) -> Continuation | None:
    """The chain a listing page's next page continues, or None where it stops: ``max_pages`` next pages in a
    row, or a page whose links are those of the page before it (a listing past its end, a calendar of empty
    months). The links compared leave out the listing's own pages (next, previous, numbered)."""
    task = outcome.task
    listing = _listing_of(task)
    own_pages = {listing, listing_page(ids.canonical(task.url))[0]}
    content = [
        (url, kind) for url, kind in outcome.links if kind == "unknown" and listing_page(url)[0] not in own_pages
    ]
    fingerprint = _links_fingerprint(content)
    if task.chain + 1 > max_pages or (task.chain > 0 and fingerprint == task.previous_links):
        return None
    return Continuation(listing=listing, chain=task.chain + 1, previous_links=fingerprint)


def _same_chain(task: CrawlTask) -> Continuation | None:
    if task.chain == 0 or task.listing is None or task.previous_links is None:
        return None
    return Continuation(listing=task.listing, chain=task.chain, previous_links=task.previous_links)


def _listing_of(task: CrawlTask) -> str:
    """The listing a page belongs to: the one its chain continues, else its address without a page number."""
    return task.listing or listing_page(ids.canonical(task.url))[0]


@lru_cache(maxsize=64)
def _site_rules(rules_yaml: str) -> SiteRules:
    """Rules are parsed and validated once per site and process, not once per page."""
    return SiteRules.from_yaml(rules_yaml)


def _robots_may_allow(services: Services, url: str) -> bool:
    """Disallowed links are dropped; those whose robots.txt is unreachable for now are kept (fetch will wait)."""
    return services.robots.allowed(url) or services.robots.unreachable_until(url) is not None


def _outcome(
    page: FetchedPage,
    *,
    error: str | None = None,
    links: list[tuple[str, str]] | None = None,
    kind: str | None = None,
    fingerprint: str | None = None,
) -> UrlOutcome:
    return UrlOutcome(
        task=page.task,
        status="error" if error else "fetched",
        final_url=page.final_url,
        error=error,
        etag=page.etag,
        last_modified=page.last_modified,
        fingerprint=fingerprint,
        kind=kind,
        links=links or [],
    )


def _product_fingerprint(product: Product) -> str:
    """What a shopper would notice changing; page noise (tokens, timestamps, ads) does not count."""
    watched = product.model_dump(include={"name", "price", "regular_price", "currency", "availability", "images"})
    return _digest(json.dumps(watched, sort_keys=True))


def _links_fingerprint(links: list[tuple[str, str]]) -> str:
    return _digest("\n".join(sorted(url for url, _ in links)))


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:16]
