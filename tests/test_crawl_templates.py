"""Learned templates through the crawler's `parse` (real SQLite services, a local shop): the site's template fills
what the page-level layers miss, says so in `field_sources`, is stored with the site, and is picked up by
another process parsing the same site."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import pytest

from snapmode.backends.sites.base import SiteRegistry
from snapmode.backends.sites.solr import SolrSiteRegistry
from snapmode.backends.sites.sqlite import SqliteSiteRegistry
from snapmode.backends.solr_client import SolrCore
from snapmode.config import Settings, SolrSettings
from snapmode.domain import Site
from snapmode.extract.templates import MIN_SUPPORT, SiteTemplate
from snapmode.pipeline import crawling
from snapmode.services import Services
from tests.support.crawl_server import CrawlServer
from tests.support.template_shop import listing_page, product_name, product_page, product_price
from tests.support.tiers import on_server

LABELLED = range(MIN_SUPPORT)
UNLABELLED = range(100, 104)


@pytest.fixture
def shop() -> Iterator[CrawlServer]:
    with CrawlServer() as server:
        for number in LABELLED:
            server.serve(f"/p/{number}", product_page(number, labelled=True).encode())
        for number in UNLABELLED:
            server.serve(f"/p/{number}", product_page(number, labelled=False).encode())
        server.serve("/coats", listing_page(range(20, 40)).encode())
        yield server


@pytest.fixture
def settings(shop: CrawlServer, tmp_path: Path) -> Settings:
    return Settings(home=tmp_path, crawl={"allow_hosts": [shop.host], "no_delay_hosts": [shop.host]})


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    services = Services(settings)
    yield services
    services.close()


def parse(services: Services, site: Site, shop: CrawlServer, path: str) -> crawling.ParsedPage:
    task = crawling.CrawlTask(url=shop.url(path), site_id=site.id, depth=1, kind="unknown")
    fetched = crawling.fetch(services, task)
    assert isinstance(fetched, crawling.FetchedPage)
    return crawling.parse(services, fetched)


def test_the_template_fills_what_the_layers_miss_and_says_so(services: Services, shop: CrawlServer) -> None:
    site = crawling.register_site(services, shop.url("/"))
    assert parse(services, site, shop, "/p/100").product is None  # before learning: no product
    for number in LABELLED:
        product = parse(services, site, shop, f"/p/{number}").product
        assert product is not None and product.field_sources["price"] == "json-ld"
    for number in UNLABELLED:
        parsed = parse(services, site, shop, f"/p/{number}")
        assert parsed.product is not None and parsed.outcome.kind == "product"
        assert (parsed.product.name, parsed.product.price) == (product_name(number), product_price(number))
        assert parsed.product.field_sources["price"] == "template"
        assert parsed.product.field_sources["name"] == "template"
    listing = parse(services, site, shop, "/coats")
    assert listing.product is None and listing.outcome.kind == "listing"


def test_a_template_is_stored_with_its_site_and_read_by_another_process(
    services: Services, settings: Settings, shop: CrawlServer
) -> None:
    site = crawling.register_site(services, shop.url("/"))
    for number in LABELLED:
        parse(services, site, shop, f"/p/{number}")
    stored = services.sites.template(site.id)
    assert stored is not None and "price" in SiteTemplate.model_validate_json(stored).slots
    other_process = Services(settings)  # its own handles and its own cache of templates
    try:
        product = parse(other_process, site, shop, "/p/101").product
    finally:
        other_process.close()
    assert product is not None and product.field_sources["price"] == "template"
    assert services.sites.delete(site.id) and services.sites.template(site.id) is None


@pytest.fixture(params=["sqlite", on_server("solr")])
def open_sites(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], SiteRegistry]:
    if request.param == "sqlite":
        return partial(SqliteSiteRegistry, tmp_path / "sites.sqlite3")
    solr = SolrSettings(url=request.getfixturevalue("solr_server"))
    cleaner = SolrCore(solr, solr.sites_core)
    cleaner.delete_all()
    cleaner.close()
    return partial(SolrSiteRegistry, solr)


def test_a_site_keeps_its_template_across_upserts_and_loses_it_when_deleted(open_sites) -> None:
    sites = open_sites()
    try:
        site = Site(id="nord", root_url="https://nord.example/", created_at=1.0)
        sites.save_template("nord", '{"pages": 1}')  # not registered (yet, or any more): nothing stored
        assert sites.template("nord") is None
        sites.upsert(site)
        sites.save_template("nord", '{"pages": 2}')
        sites.upsert(site.model_copy(update={"name": "Nord"}))  # the operator edits the site
        assert sites.template("nord") == '{"pages": 2}'
        assert sites.get("nord") == site.model_copy(update={"name": "Nord"})
        assert sites.delete("nord") and sites.template("nord") is None
    finally:
        sites.close()
