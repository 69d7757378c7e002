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


def test_extract_batch_prints_one_line_per_input_in_order(tmp_path):
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "a.html").write_text(
        '<html><head><meta property="og:title" content="Linen Shirt"><meta property="og:image" content="/a.jpg">'
        '<meta property="product:price:amount" content="49.90"><meta property="product:price:currency" content="GBP">'
        "</head></html>"
    )
    manifest = tmp_path / "manifest.jsonl"
    manifest.write_text(
        "\n".join(
            [
                json.dumps({"id": "a", "path": "pages/a.html", "url": "https://shop.test/a"}),
                json.dumps({"id": "gone", "path": "pages/missing.html", "url": "https://shop.test/m"}),
                "{not json",
                json.dumps({"path": "pages/a.html"}),
                json.dumps({"id": 7, "path": str(tmp_path / "pages" / "a.html")}),
            ]
        )
    )
    result = runner.invoke(app, ["extract", "--batch", str(manifest)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["a", "gone", None, None, 7]
    assert (lines[0]["name"], lines[0]["price"], lines[0]["currency"]) == ("Linen Shirt", "49.90", "GBP")
    assert lines[0]["images"] == ["https://shop.test/a.jpg"]
    assert "cannot read" in lines[1]["error"] and "not JSON" in lines[2]["error"] and "id" in lines[3]["error"]
    assert lines[4]["name"] == "Linen Shirt"
    assert runner.invoke(app, ["extract"]).exit_code == 2  # neither a page nor a manifest


def test_crawl_command_with_a_page_budget_then_to_the_end(tmp_path, monkeypatch):
    monkeypatch.setenv("SNAPMODE_HOME", str(tmp_path))
    with running_shop(crawl_delay=0.0) as shop:
        command = ["crawl", shop + "/", "--allow-private", "--rules", str(RULES_PATH)]
        budget = runner.invoke(app, [*command, "--max-pages", "5"])
        assert budget.exit_code == 0, budget.output
        first = json.loads(budget.stdout.splitlines()[-1])
        assert first["pages_fetched"] == 5 and first["pages_outstanding"] > 0
        rest = runner.invoke(app, command)
        assert rest.exit_code == 0, rest.output
        second = json.loads(rest.stdout.splitlines()[-1])
    assert second["pages_outstanding"] == 0 and second["errors"] == {}
    assert second["products"] == 170 and second["images_queued"] == 654
    assert first["pages_fetched"] + second["pages_fetched"] == 221  # nothing fetched twice
