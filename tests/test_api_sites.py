"""Operator routes over real HTTP (FastAPI's TestClient) against a tiny demo shop served on loopback.

Crawls here are driven by the embedded runner (`run_crawl`), so each step is deterministic; the
background worker has its own tests (test_crawl_worker.py).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from launch.runner.local import run_crawl
from snapmode import ids
from snapmode.config import ApiSettings, CrawlSettings, Settings
from snapmode.crawl.politeness import host_key
from snapmode.domain import Product, Site
from snapmode.pipeline import crawling
from snapmode.services import Services
from snapmode.shop.catalog import RULES_PATH
from tests.support.tiny_shop import tiny_shop

PLAIN_PAGE = "/p/bruno-compete-hoodie.html"  # no structured data: heuristics, or the shop's rules
JSON_LD_PAGE = "/p/chaz-kangeroo-hoodie.html"


@dataclass
class Api:
    client: TestClient
    services: Services
    settings: Settings
    shop: str
    operator: dict[str, str]
    admin: dict[str, str]

    def register(self, **body) -> dict:
        answer = self.client.post("/api/v1/sites", json={"root_url": self.shop + "/"} | body, headers=self.operator)
        assert answer.status_code in (200, 201), answer.text
        return answer.json()

    def status(self, site_id: str) -> dict:
        answer = self.client.get(f"/api/v1/sites/{site_id}/status", headers=self.operator)
        assert answer.status_code == 200, answer.text
        return answer.json()


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    home = tmp_path_factory.mktemp("home")
    with tiny_shop(tmp_path_factory.mktemp("shop"), products=4) as shop:
        host = host_key(shop)
        settings = Settings(home=home, crawl=CrawlSettings(allow_hosts=[host], no_delay_hosts=[host]))
        app = create_app(settings)
        services = app.state.services
        _, operator = services.keys.create("shop team", "operator")
        _, admin = services.keys.create("ops lead", "admin")
        with TestClient(app) as client:
            yield Api(
                client,
                services,
                settings,
                shop,
                operator={"Authorization": f"Bearer {operator}"},
                admin={"X-API-Key": admin},
            )
        services.close()


def test_operator_routes_need_a_valid_key(api: Api) -> None:
    for headers in ({}, {"Authorization": "Bearer sm_nope_nope"}, {"X-API-Key": "garbage"}):
        answer = api.client.get("/api/v1/sites", headers=headers)
        assert answer.status_code == 401 and answer.headers["WWW-Authenticate"] == "Bearer"
        assert "key" in answer.json()["detail"]
    assert api.client.get("/api/v1/sites", headers=api.operator).status_code == 200
    assert api.client.get("/api/v1/search").status_code == 200  # shoppers need no key


def test_whoami_names_the_key(api: Api) -> None:
    me = api.client.get("/api/v1/auth/whoami", headers=api.operator).json()
    assert me["name"] == "shop team" and me["role"] == "operator" and len(me["key_id"]) == 12
    assert api.client.get("/api/v1/auth/whoami", headers=api.admin).json()["role"] == "admin"
    assert api.client.get("/api/v1/auth/whoami").status_code == 401


def test_a_revoked_key_is_refused_at_once(api: Api) -> None:
    key, raw = api.services.keys.create("temp")
    headers = {"X-API-Key": raw}
    assert api.client.get("/api/v1/auth/whoami", headers=headers).status_code == 200
    api.services.keys.revoke(key.key_id)
    assert api.client.get("/api/v1/auth/whoami", headers=headers).status_code == 401


def test_the_openapi_document_declares_the_key_schemes(api: Api) -> None:
    document = api.client.get("/api/v1/openapi.json").json()
    schemes = document["components"]["securitySchemes"]
    assert schemes["HTTPBearer"]["scheme"] == "bearer" and schemes["APIKeyHeader"]["name"] == "X-API-Key"
    assert document["paths"]["/api/v1/sites"]["get"]["security"]
    assert "security" not in document["paths"]["/api/v1/search"]["get"]
    assert document["components"]["schemas"]["SiteView"]["examples"]


def test_invalid_sites_are_422_with_the_reason(api: Api) -> None:
    cases = [
        ({"root_url": "file:///etc/passwd"}, "http"),
        ({"root_url": api.shop + "/", "rules_yaml": "name: [unclosed"}, "YAML"),
        ({"root_url": api.shop + "/", "rules_yaml": "colour: h1::text"}, "unknown field"),
        ({"root_url": api.shop + "/", "include": ["(unbalanced"]}, "pattern"),
    ]
    for body, reason in cases:
        answer = api.client.post("/api/v1/sites", json=body, headers=api.operator)
        assert answer.status_code == 422 and reason in answer.json()["detail"], answer.text
    # URLs the standard library cannot even split (an empty or unclosed IPv6 bracket), found by the API fuzzer
    for url in ("//[", "//[]", "http://[::1"):
        for path, field in (("/api/v1/sites", "root_url"), ("/api/v1/sites/preview", "url")):
            answer = api.client.post(path, json={field: url}, headers=api.operator)
            assert answer.status_code == 422 and "http" in answer.json()["detail"], (path, url, answer.text)
    assert api.client.get("/api/v1/sites", headers=api.operator).json() == []


def test_preview_fetches_a_shop_page_and_shows_what_rules_add(api: Api) -> None:
    url = api.shop + PLAIN_PAGE
    without = api.client.post("/api/v1/sites/preview", json={"url": url}, headers=api.operator).json()
    assert set(without["sources"].values()) == {"heuristics"}  # the layout guesses; rules say it for sure
    rules = RULES_PATH.read_text()
    found = api.client.post("/api/v1/sites/preview", json={"url": url, "rules_yaml": rules}, headers=api.operator)
    assert found.status_code == 200, found.text
    preview = found.json()
    assert preview["product"]["name"] == "Bruno Compete Hoodie" and preview["product"]["price"]
    assert preview["product"]["images"] and preview["links"] > 0
    assert preview["sources"]["name"] == "rules" and preview["sources"]["price"] == "rules"
    structured = api.client.post("/api/v1/sites/preview", json={"url": api.shop + JSON_LD_PAGE}, headers=api.operator)
    assert structured.json()["sources"]["name"] == "json-ld"
    assert structured.json()["product"]["sku"] == "MH01" and structured.json()["sources"]["sku"] == "json-ld"


def test_preview_refuses_bad_rules_blocked_pages_and_robots(api: Api) -> None:
    page = api.shop + PLAIN_PAGE
    bad = api.client.post("/api/v1/sites/preview", json={"url": page, "rules_yaml": "name: 'xpath://h1['"},
                          headers=api.operator)
    assert bad.status_code == 422 and "name" in bad.json()["detail"]
    private = api.client.post("/api/v1/sites/preview", json={"url": "http://10.1.2.3/p.html"}, headers=api.operator)
    assert private.status_code == 400 and "ssrf" in private.json()["detail"]
    robots = api.client.post("/api/v1/sites/preview", json={"url": api.shop + "/cart"}, headers=api.operator)
    assert robots.status_code == 400 and "robots.txt" in robots.json()["detail"]
    missing = api.client.post("/api/v1/sites/preview", json={"url": api.shop + "/p/nope.html"}, headers=api.operator)
    assert missing.status_code == 400 and "http_4xx" in missing.json()["detail"]


def test_a_site_is_crawled_paused_resumed_and_deleted(api: Api) -> None:
    created = api.client.post(
        "/api/v1/sites", json={"root_url": api.shop + "/", "rules_yaml": RULES_PATH.read_text()}, headers=api.operator
    )
    assert created.status_code == 201
    site = created.json()
    assert site["state"] == "active" and site["rules_yaml"] and site["created_at"] > 0
    again = api.register(rules_yaml=RULES_PATH.read_text(), exclude=["/search"])
    assert again["id"] == site["id"] and again["created_at"] == site["created_at"] and again["exclude"] == ["/search"]
    assert [listed["id"] for listed in api.client.get("/api/v1/sites", headers=api.operator).json()] == [site["id"]]
    site_id = site["id"]
    # A page that fails, for the errors list.
    api.services.frontier.add(site_id, [(api.shop + "/p/gone.html", 1, "product")])

    before = api.status(site_id)
    assert before["pages"]["queued"] >= 2 and before["pages"]["fetched"] == 0 and before["products"] == 0

    run_crawl(api.settings, site_ids=[site_id], max_pages=6)
    during = api.status(site_id)
    assert during["pages"]["fetched"] + during["pages"]["failed"] >= 5 and during["pages_per_second"] > 0

    paused = api.client.post(f"/api/v1/sites/{site_id}/pause", headers=api.operator)
    assert paused.status_code == 200 and paused.json()["state"] == "paused"
    stopped = run_crawl(api.settings, site_ids=[site_id], max_pages=6)
    assert stopped.pages_fetched == 0
    held = api.status(site_id)
    assert held["state"] == "paused" and held["pages"] == during["pages"]  # the frontier did not advance

    assert api.client.post(f"/api/v1/sites/{site_id}/resume", headers=api.operator).json()["state"] == "active"
    run_crawl(api.settings, site_ids=[site_id])
    done = api.status(site_id)
    assert done["pages"]["queued"] == 0 and done["pages"]["fetched"] > during["pages"]["fetched"]
    assert done["products"] == 4 and done["images"] >= 4 and done["vectors"] == 0  # nothing embedded here
    assert done["errors"] == {"http_4xx": 1}
    coverage = api.client.get(f"/api/v1/sites/{site_id}/coverage", headers=api.operator).json()
    name = coverage["fields"][0]
    assert coverage["products"] == 4 and name["field"] == "name" and name["share"] == 1.0
    assert sum(source["products"] for source in name["sources"]) == 4  # the crawl recorded where each came from
    assert "unrecorded" not in {source["source"] for source in name["sources"]}, name

    errors = api.client.get(f"/api/v1/sites/{site_id}/errors?limit=5", headers=api.operator).json()
    assert [(error["url"], error["kind"]) for error in errors] == [(api.shop + "/p/gone.html", "http_4xx")]
    assert errors[0]["message"] and errors[0]["at"] > 0

    assert api.services.frontier.due(time.time(), site_id) == 0
    started = api.client.post(f"/api/v1/sites/{site_id}/start", headers=api.operator)
    assert started.status_code == 200 and started.json()["state"] == "active"
    settled = done["pages"]["fetched"] + done["pages"]["failed"]
    assert api.services.frontier.due(time.time(), site_id) == settled  # a recrawl from the top

    patched = api.client.patch(f"/api/v1/sites/{site_id}", json={"rules_yaml": None}, headers=api.operator)
    assert patched.status_code == 200 and patched.json()["rules_yaml"] is None
    assert patched.json()["exclude"] == ["/search"]
    bad_patch = api.client.patch(f"/api/v1/sites/{site_id}", json={"exclude": ["("]}, headers=api.operator)
    assert bad_patch.status_code == 422

    assert api.client.delete(f"/api/v1/sites/{site_id}", headers=api.operator).status_code == 403
    assert api.client.delete(f"/api/v1/sites/{site_id}", headers=api.admin).status_code == 204
    assert api.client.get(f"/api/v1/sites/{site_id}", headers=api.operator).status_code == 404
    assert api.client.get(f"/api/v1/sites/{site_id}/status", headers=api.operator).status_code == 404
    assert sum(api.services.frontier.counts(site_id).values()) == 0
    assert api.client.get("/api/v1/search", params={"site": site_id}).json()["total"] == 4  # products stay


def test_unknown_sites_are_404(api: Api) -> None:
    for method, path in (("get", ""), ("post", "/pause"), ("get", "/errors"), ("patch", "")):
        answer = api.client.request(method, f"/api/v1/sites/nope{path}", headers=api.admin, json={})
        assert answer.status_code == 404 and "nope" in answer.json()["detail"]


# What the crawler's fetcher refuses (tests/test_crawl_ssrf.py), each with a word of the reason registration gives.
REFUSED_ROOTS = [
    ("http://127.0.0.1:22/", "127.0.0.1 is a loopback address"),
    ("http://169.254.169.254/", "link-local address (where cloud metadata services answer)"),
    ("http://[::1]/", "::1 is a loopback address"),
    ("http://0x7f000001/", "resolves to 127.0.0.1, which is a loopback address"),
    ("http://2130706433/", "resolves to 127.0.0.1, which is a loopback address"),
    ("http://localhost:8100/", "which is a loopback address"),
    ("http://[::ffff:127.0.0.1]/", "is a loopback address"),
    ("http://10.0.0.1/", "10.0.0.1 is a private network address"),
    ("http://user:pw@example.com/", "user info"),
    ("http://" + "a" * 5000 + "/", "the host name is 5000 characters long, more than the 253 DNS allows"),
]


@pytest.mark.parametrize(("url", "reason"), REFUSED_ROOTS)
def test_registration_refuses_what_the_crawler_would_not_fetch(api: Api, url: str, reason: str) -> None:
    answer = api.client.post("/api/v1/sites", json={"root_url": url}, headers=api.operator)
    assert answer.status_code == 422, answer.text
    detail = answer.json()["detail"]
    assert detail.startswith("the crawler cannot fetch this address: ") and reason in detail, detail
    assert len(detail) < 500  # a 5,000-character host is not repeated back
    site_id = ids.site_id(ids.canonical(url))
    assert api.services.sites.get(site_id) is None and sum(api.services.frontier.counts(site_id).values()) == 0


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        (r"/p/(\w+)/\1", "invalid escape sequence: \\1"),  # a backreference
        ("/p/(?=hoodie)", "invalid perl operator: (?="),  # a lookahead
        ("(?<!sale)/p/", "invalid perl operator: (?<"),  # a lookbehind
    ],
)
def test_patterns_re2_cannot_run_are_refused_naming_the_pattern(api: Api, pattern: str, why: str) -> None:
    for field in ("include", "exclude"):
        answer = api.client.post(
            "/api/v1/sites", json={"root_url": api.shop + "/", field: [pattern]}, headers=api.operator
        )
        assert answer.status_code == 422, answer.text
        detail = answer.json()["detail"]
        assert f"invalid pattern {pattern!r}: {why}" in detail and "RE2" in detail, detail
    site = api.register()
    patched = api.client.patch(f"/api/v1/sites/{site['id']}", json={"exclude": [pattern]}, headers=api.operator)
    assert patched.status_code == 422 and repr(pattern) in patched.json()["detail"]
    assert api.services.sites.get(site["id"]).exclude == []


def test_a_site_whose_home_page_cannot_be_fetched_says_why_in_plain_words(api: Api) -> None:
    """A site stored before registration was guarded: its robots.txt is refused, and the status says so."""
    root = "http://127.0.0.1:22/"
    site = Site(id=ids.site_id(root), root_url=root, created_at=time.time())
    api.services.sites.upsert(site)
    api.services.frontier.add(site.id, [(root, 0, "listing")])
    [entry] = api.services.frontier.claim_due(1, time.time(), 60.0, site_ids=[site.id])
    crawling.record_outcome(api.services, crawling.fetch(api.services, crawling.CrawlTask.from_entry(entry)))

    status = api.status(site.id)
    assert status["errors"] == {"robots_unreachable": 1}
    assert status["problem"] == (
        "robots.txt could not be fetched: 127.0.0.1 is a loopback address (this machine itself). The crawler fetches"
        " public addresses only (a server's administrator can allow a local shop with crawl.allow_hosts)."
        " Attempt 1 failed; next try in 10 min."
    )
    [error] = api.client.get(f"/api/v1/sites/{site.id}/errors", headers=api.operator).json()
    assert (error["url"], error["kind"], error["message"]) == (root, "robots_unreachable", status["problem"])
    assert api.client.delete(f"/api/v1/sites/{site.id}", headers=api.admin).status_code == 204


def test_shops_are_listed_for_shoppers_by_the_name_given_or_learned(api: Api) -> None:
    site = api.register()
    api.client.patch(f"/api/v1/sites/{site['id']}", json={"name": None}, headers=api.operator)
    shops = api.client.get("/api/v1/shops")  # no key: shoppers' route
    assert shops.status_code == 200
    assert shops.json() == [{"id": site["id"], "name": "127.0.0.1", "url": api.shop + "/"}]  # host until named

    run_crawl(api.settings, site_ids=[site["id"]], max_pages=2)  # the home page and /sitemap.xml come first
    learned = "Luma Demo Shop"  # the demo shop's <title>
    assert api.client.get(f"/api/v1/sites/{site['id']}", headers=api.operator).json()["name"] == learned
    assert api.client.get("/api/v1/shops").json()[0]["name"] == learned

    named = api.register(name="  Luma \n Outlet ")  # registering again with a name replaces it, tidied
    assert named["name"] == "Luma Outlet"
    api.client.post(f"/api/v1/sites/{site['id']}/start", headers=api.operator)  # recrawl from the home page
    run_crawl(api.settings, site_ids=[site["id"]], max_pages=2)
    assert api.client.get("/api/v1/shops").json()[0]["name"] == "Luma Outlet"  # a given name is never replaced
    assert api.register()["name"] == "Luma Outlet"  # registering again without one keeps it

    too_long = api.client.post(
        "/api/v1/sites", json={"root_url": api.shop + "/", "name": "x" * 101}, headers=api.operator
    )
    assert too_long.status_code == 422


def test_the_shops_route_is_rate_limited_like_other_public_routes(tmp_path) -> None:
    app = create_app(Settings(home=tmp_path, api=ApiSettings(search_rate="2/minute")))
    client = TestClient(app)
    assert [client.get("/api/v1/shops").status_code for _ in range(3)] == [200, 200, 429]
    app.state.services.close()


def test_coverage_shows_each_fields_share_and_its_sources(api: Api) -> None:
    site = api.register(root_url=api.shop + "/coverage/")
    seen = {"url": api.shop + "/p", "site": site["id"], "fetched_at": 1.0, "currency": "EUR"}
    api.services.products.upsert(
        [
            Product(
                id="cov-1",
                name="Coat",
                price="120.00",
                sku="C-1",
                **seen,
                field_sources={"name": "json-ld", "price": "json-ld", "currency": "json-ld", "sku": "json-ld"},
            ),
            Product(
                id="cov-2",
                name="Shirt",
                price="48.48",
                **seen,
                field_sources={"name": "heuristics", "price": "template", "currency": "template"},
            ),
            Product(id="cov-3", name="Scarf", price="9.00", **seen, field_sources={"name": "heuristics"}),
            Product(id="cov-4", name="Hat", **seen),  # indexed before sources were recorded
        ]
    )
    answer = api.client.get(f"/api/v1/sites/{site['id']}/coverage", headers=api.operator)
    assert answer.status_code == 200, answer.text
    coverage = answer.json()
    assert coverage["site_id"] == site["id"] and coverage["products"] == 4
    fields = {entry["field"]: entry for entry in coverage["fields"]}
    assert list(fields) == ["name", "price", "currency", "sku", "brand", "availability", "images", "description"]
    assert fields["name"]["share"] == 1.0 and fields["name"]["sources"] == [
        {"source": "heuristics", "products": 2, "share": 0.5},
        {"source": "json-ld", "products": 1, "share": 0.25},
        {"source": "unrecorded", "products": 1, "share": 0.25},
    ]
    assert (fields["price"]["products"], fields["price"]["share"]) == (3, 0.75)
    price_sources = [(entry["source"], entry["products"]) for entry in fields["price"]["sources"]]
    assert price_sources == [("json-ld", 1), ("template", 1), ("unrecorded", 1)]
    assert fields["sku"]["share"] == 0.25
    assert fields["brand"] == {"field": "brand", "products": 0, "share": 0.0, "sources": []}

    assert api.client.get(f"/api/v1/sites/{site['id']}/coverage").status_code == 401
    unknown = api.client.get("/api/v1/sites/nope/coverage", headers=api.operator)
    assert unknown.status_code == 404 and "nope" in unknown.json()["detail"]
    assert api.client.delete(f"/api/v1/sites/{site['id']}", headers=api.admin).status_code == 204
