"""The command line as an operator uses it (no models needed for these commands)."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from launch.cli.main import app
from snapmode.config import Settings
from snapmode.pipeline.crawling import register_site
from snapmode.services import Services
from snapmode.shop.catalog import RULES_PATH, load_catalog
from snapmode.shop.server import running_shop
from tests.support.crawl_server import CrawlServer
from tests.support.tiny_shop import tiny_shop

runner = CliRunner()
REPO = Path(__file__).resolve().parent.parent
# Far above what `snapmode index` takes on one product (models on CPU), far below the 600 s an unreachable
# robots.txt is retried after: a run that waits for that retry fails here instead of hanging.
INDEX_BOUND_SECONDS = 420


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


def test_index_reports_a_failing_site_and_exits_without_waiting_for_its_retries(tmp_path):
    """A shop whose robots.txt answers 503 beside a demo-like shop: its URLs wait 600 s for a retry, which
    `snapmode index` names (per site: how many, why, when) instead of waiting for it."""
    product = load_catalog().products[0]
    (tmp_path / "shop").mkdir()
    with tiny_shop(tmp_path / "shop", products=1) as shop, CrawlServer() as failing:
        failing.serve("/robots.txt", b"down for maintenance", status=503)
        hosts = [shop.removeprefix("http://"), failing.host]
        settings = Settings(home=tmp_path / "home", crawl={"allow_hosts": hosts, "no_delay_hosts": hosts})
        services = Services.shared(settings)
        register_site(services, shop + "/", RULES_PATH.read_text())
        bad = register_site(services, failing.url("/"))
        services.close()
        env = {
            **os.environ,
            "SNAPMODE_HOME": str(settings.home),
            "SNAPMODE_CRAWL__ALLOW_HOSTS": json.dumps(hosts),
            "SNAPMODE_CRAWL__NO_DELAY_HOSTS": json.dumps(hosts),
        }
        started = time.time()
        try:
            done = subprocess.run(
                [sys.executable, "-m", "launch", "index"],
                env=env, cwd=REPO, capture_output=True, text=True, timeout=INDEX_BOUND_SECONDS, check=False,
            )
        except subprocess.TimeoutExpired as exc:
            pytest.fail(f"`snapmode index` still ran after {exc.timeout} s: it waited for the failing site's retries")
    assert done.returncode == 0, done.stderr[-3000:]
    stats = json.loads(done.stdout.strip().splitlines()[-1])
    assert stats["products"] == 1 and stats["images_queued"] == 0
    assert stats["images"] + stats["images_rejected"] == len(product.images)
    [waiting] = stats["waiting_for_retry"]
    assert (waiting["site_id"], waiting["root_url"]) == (bad.id, failing.url("/"))
    assert waiting["urls"] == 2 and waiting["errors"] == {"robots_unreachable": 2}  # its root page and sitemap
    assert waiting["next_retry_at"] > started + 500
    assert stats["pages_outstanding"] == 2  # the demo-like shop has nothing left
    assert failing.hits["/robots.txt"] == 2  # at registration, then once by the run: no retry waited for
    # Off a terminal the figures come as lines of text from the start (a live view would show nothing until
    # the end), then the whole view, then the report.
    lines = done.stderr.splitlines()
    first = {start: next(i for i, line in enumerate(lines) if line.startswith(start))
             for start in ("indexing: ", "SnapMode indexing", "2 URLs wait for a retry that is not due yet")}
    assert list(first.values()) == sorted(first.values())
    assert "2 URLs wait for a retry that is not due yet; the next `snapmode index` after then" in done.stderr
    assert f"{failing.url('/')} (site {bad.id}): 2 URLs (robots_unreachable 2), next try at " in done.stderr
