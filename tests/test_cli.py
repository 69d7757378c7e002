"""The command line as an operator uses it (no models needed for these commands)."""

import json

from typer.testing import CliRunner

from snapmode.cli.main import app
from snapmode.config import Settings
from snapmode.services import Services
from snapmode.shop.catalog import RULES_PATH
from snapmode.shop.server import running_shop

runner = CliRunner()


def test_sites_add_validates_rules_and_seeds_the_frontier(tmp_path, monkeypatch):
    monkeypatch.setenv("SNAPMODE_HOME", str(tmp_path))
    bad_rules = tmp_path / "bad.yaml"
    bad_rules.write_text("price: 'xpath://div[@class='\n")
    refused = runner.invoke(app, ["sites", "add", "http://127.0.0.1:9/", "--rules", str(bad_rules)])
    assert refused.exit_code == 2 and "cannot register" in refused.output

    with running_shop() as shop:
        monkeypatch.setenv("SNAPMODE_CRAWL__ALLOW_HOSTS", json.dumps([shop.removeprefix("http://")]))
        added = runner.invoke(app, ["sites", "add", shop + "/", "--rules", str(RULES_PATH)])
        assert added.exit_code == 0, added.output
        site = json.loads(added.output)
        assert site["root_url"] == shop + "/" and site["rules"] is True
        listed = runner.invoke(app, ["sites", "list"])
        assert json.loads(listed.output)["id"] == site["id"]
        frontier = Services.shared(Settings()).frontier
        # The root page and /sitemap.xml (robots.txt names the same sitemap) wait in the frontier.
        assert frontier.outstanding(site["id"]) == 2


def test_sites_add_refuses_non_http_urls(tmp_path, monkeypatch):
    monkeypatch.setenv("SNAPMODE_HOME", str(tmp_path))
    refused = runner.invoke(app, ["sites", "add", "file:///etc/passwd"])
    assert refused.exit_code == 2 and "http" in refused.output


def test_extract_prints_one_json_product_and_reports_bad_rules(tmp_path):
    page = tmp_path / "p.html"
    page.write_text(
        '<html><head><script type="application/ld+json">{"@context": "https://schema.org", "@type": "Product",'
        ' "name": "Trail Shoe", "sku": "TS-1", "image": "/i/ts.jpg",'
        ' "offers": {"@type": "Offer", "price": 119.01, "priceCurrency": "EUR",'
        ' "availability": "https://schema.org/OutOfStock"}}</script></head><body></body></html>'
    )
    found = runner.invoke(app, ["extract", str(page), "--url", "https://shop.test/p/ts"])
    product = json.loads(found.output)
    assert (product["name"], product["price"], product["currency"], product["availability"]) == (
        "Trail Shoe", "119.01", "EUR", "OutOfStock")
    assert product["images"] == ["https://shop.test/i/ts.jpg"] and product["brand"] is None
    rules = tmp_path / "rules.yaml"
    rules.write_text("colour: '.c::text'\n")
    refused = runner.invoke(app, ["extract", str(page), "--rules", str(rules)])
    assert refused.exit_code == 2 and "cannot extract" in refused.output
