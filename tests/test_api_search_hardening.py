"""Search by photo against abuse: uploads sniffed and bounded, photo URLs behind the SSRF guard,
filters that narrow photo results on both product indexes, rate limits, and request metrics."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from api.main import create_app
from snapmode.backends.solr_client import SolrCore
from snapmode.config import ApiSettings, CrawlSettings, ImagingSettings, SearchSettings, Settings, SolrSettings
from snapmode.domain import Product
from tests.support.crawl_server import CrawlServer
from tests.support.records import random_record
from tests.support.tiers import on_server

SHOP_PHOTOS = Path(__file__).resolve().parents[1] / "snapmode" / "shop" / "data" / "images" / "large"
DIM = 8192


def shop_photo() -> bytes:
    return next(iter(sorted(SHOP_PHOTOS.iterdir()))).read_bytes()


def png(size: tuple[int, int], color: tuple[int, int, int] = (20, 120, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def search_image(client: TestClient, data: bytes | None = None, *, name: str = "photo.jpg", mime: str = "image/jpeg",
                 headers: dict[str, str] | None = None, **form: object):
    files = {"file": (name, data, mime)} if data is not None else None
    return client.post("/api/v1/search/image", files=files, data=form, headers=headers)


# --- uploads and URLs refused before any model runs ---------------------------------------------


@pytest.fixture
def light(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(
        home=tmp_path,
        imaging=ImagingSettings(max_image_bytes=200_000, max_pixels=4_000_000),
        api=ApiSettings(max_image_side=2_000, upload_rate="1000/minute"),
    )
    app = create_app(settings)
    with TestClient(app) as client:
        yield client
    app.state.services.close()


def test_an_upload_over_the_byte_limit_is_413(light: TestClient) -> None:
    answer = search_image(light, b"\xff\xd8" + b"\0" * 300_000)
    assert answer.status_code == 413 and "limit" in answer.json()["detail"]


def test_a_chunked_upload_over_the_limit_is_413_before_it_is_parsed(light: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(100):
            yield b"\0" * 10_000

    answer = light.post(
        "/api/v1/search/image", content=chunks(), headers={"content-type": "multipart/form-data; boundary=x"}
    )
    assert answer.status_code == 413 and "byte limit" in answer.json()["detail"]


def test_the_type_comes_from_the_bytes_not_the_name_or_content_type(light: TestClient) -> None:
    answer = search_image(light, b"<html><body>not a photo</body></html>", name="photo.jpg", mime="image/jpeg")
    assert answer.status_code == 415 and "unknown format" in answer.json()["detail"]
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="300" height="300"/>'
    assert search_image(light, svg, name="photo.png", mime="image/png").status_code == 415


def test_an_image_type_outside_the_accepted_ones_is_415(light: TestClient) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64)).save(buffer, format="TIFF")
    answer = search_image(light, buffer.getvalue(), name="photo.jpg")
    assert answer.status_code == 415 and "unknown format" in answer.json()["detail"]


def test_a_decompression_bomb_is_415_from_its_header(light: TestClient) -> None:
    buffer = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(buffer, format="PNG")  # 400 Mpx in a few tens of KB
    assert len(buffer.getvalue()) < 200_000
    answer = search_image(light, buffer.getvalue(), name="bomb.png", mime="image/png")
    assert answer.status_code == 415 and "pixel limit" in answer.json()["detail"]


def test_an_image_over_the_maximum_side_is_415(light: TestClient) -> None:
    answer = search_image(light, png((40, 3_000)), name="tall.png", mime="image/png")
    assert answer.status_code == 415 and "2000-pixel side limit" in answer.json()["detail"]


@pytest.mark.parametrize("form", [{}, {"url": "https://shop.example/a.jpg", "with_file": True}])
def test_exactly_one_of_file_or_url(light: TestClient, form: dict) -> None:
    data = png((64, 64)) if form.pop("with_file", False) else None
    answer = search_image(light, data, **form)
    assert answer.status_code == 422 and "exactly one of file" in answer.json()["detail"]


PRIVATE = "That address can't be used: it points to a private or local network."
NOT_A_WEB_ADDRESS = "That address can't be used: it is not a web address (http:// or https://) of a photo."
WITH_USER = "That address can't be used: addresses with a user name or password are refused."


@pytest.mark.parametrize(
    ("url", "detail"),
    [
        ("http://127.0.0.1:9/photo.jpg", PRIVATE),
        ("http://10.0.0.7/photo.jpg", PRIVATE),
        ("http://169.254.169.254/latest/meta-data/", PRIVATE),
        ("http://[::ffff:127.0.0.1]/photo.jpg", PRIVATE),
        ("file:///etc/passwd", NOT_A_WEB_ADDRESS),
        ("photo.jpg", NOT_A_WEB_ADDRESS),
        ("http://exa mple.com/photo.jpg", NOT_A_WEB_ADDRESS),
        ("http://user@shop.example/photo.jpg", WITH_USER),
    ],
)
def test_a_refused_photo_url_is_400_in_plain_words(light: TestClient, url: str, detail: str) -> None:
    answer = search_image(light, url=url)
    assert answer.status_code == 400 and answer.json()["detail"] == detail


def test_a_redirect_to_a_private_address_is_checked_again(tmp_path: Path) -> None:
    with CrawlServer() as shop, CrawlServer() as internal:
        internal.serve("/secret.png", png((64, 64)), headers={"Content-Type": "image/png"})
        shop.serve("/photo.png", status=302, headers={"Location": internal.url("/secret.png")})
        settings = Settings(home=tmp_path, crawl=CrawlSettings(allow_hosts=[shop.host]))
        app = create_app(settings)
        with TestClient(app) as client:
            answer = search_image(client, url=shop.url("/photo.png"))
        app.state.services.close()
    assert answer.status_code == 400 and answer.json()["detail"] == PRIVATE
    assert internal.hits["/secret.png"] == 0


def test_a_photo_url_that_fails_or_is_too_big_is_a_clear_4xx(tmp_path: Path) -> None:
    with CrawlServer() as shop:
        shop.serve("/big.png", b"\0" * 300_000, headers={"Content-Type": "image/png"})
        settings = Settings(
            home=tmp_path, crawl=CrawlSettings(allow_hosts=[shop.host]), imaging=ImagingSettings(max_image_bytes=200_000)
        )
        app = create_app(settings)
        with TestClient(app) as client:
            missing = search_image(client, url=shop.url("/missing.png"))
            big = search_image(client, url=shop.url("/big.png"))
        app.state.services.close()
    assert missing.status_code == 400 and missing.json()["detail"] == "The photo could not be downloaded (HTTP 404)."
    assert big.status_code == 413 and "200000-byte limit" in big.json()["detail"]


def test_a_photo_url_whose_site_cannot_be_reached_says_so(tmp_path: Path) -> None:
    with CrawlServer() as shop:
        gone = shop.url("/photo.jpg")  # the server stops: nothing answers at its port any more
    app = create_app(Settings(home=tmp_path, crawl=CrawlSettings(allow_hosts=["127.0.0.1"])))
    with TestClient(app) as client:
        answer = search_image(client, url=gone)
    app.state.services.close()
    assert answer.status_code == 400
    assert answer.json()["detail"] == "The photo could not be downloaded: the site could not be reached."


# --- rate limits and metrics ---------------------------------------------------------------------


@pytest.fixture
def limited(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(Settings(home=tmp_path, api=ApiSettings(search_rate="3/minute", upload_rate="2/minute")))
    with TestClient(app) as client:
        yield client
    app.state.services.close()


def test_text_searches_over_the_rate_are_429_with_retry_after(limited: TestClient) -> None:
    statuses = [limited.get("/api/v1/search", params={"q": "jacket"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = limited.get("/api/v1/search")
    assert refused.status_code == 429 and "rate limit" in refused.json()["detail"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    # a made-up key is no way around the limit: it counts against the IP
    assert limited.get("/api/v1/search", headers={"X-API-Key": "sm_0123_made-up"}).status_code == 429
    # a client with a valid key has its own allowance
    _, key = limited.app.state.services.keys.create("load test")
    assert limited.get("/api/v1/search", headers={"X-API-Key": key}).status_code == 200


def test_similar_items_count_as_searches(limited: TestClient) -> None:
    statuses = [limited.get("/api/v1/products/no-such-product/similar").status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]


def test_photo_searches_have_their_own_smaller_rate(limited: TestClient) -> None:
    statuses = [search_image(limited, b"not a photo").status_code for _ in range(3)]
    assert statuses == [415, 415, 429]
    assert limited.get("/api/v1/search").status_code == 200  # text searches are counted apart
    _, key = limited.app.state.services.keys.create("photo client")
    other = search_image(limited, b"not a photo", headers={"Authorization": f"Bearer {key}"})
    assert other.status_code == 415


def test_metrics_count_requests_by_route_template_and_status(limited: TestClient) -> None:
    for _ in range(4):
        limited.get("/api/v1/search")
    limited.get("/api/v1/products/p-does-not-exist")
    text = limited.get("/api/v1/metrics").text
    assert 'snapmode_api_requests_total{method="GET",route="/api/v1/search",status="429"}' in text
    assert 'route="/api/v1/products/{product_id}",status="404"' in text
    assert 'snapmode_api_request_seconds_count{method="GET",route="/api/v1/search"}' in text
    assert "p-does-not-exist" not in text  # labels carry templates, never raw paths


# --- photo search with filters, on both product indexes ----------------------------------------

@dataclass
class Hybrid:
    client: TestClient
    site: str
    photo_url: str


@pytest.fixture(scope="module", params=["sqlite", on_server("solr")])
def hybrid(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hybrid]:
    """44 products with one random photo vector each: 40 of brand Alpha, 4 of brand Beta, on a site of
    their own (the shared Solr core may hold other tests' products). Few vector candidates per round (5):
    Beta products are found because the search looks among the matching products' regions alone."""
    home = tmp_path_factory.mktemp(f"hybrid-{request.param}")
    extra: dict[str, object] = {}
    if request.param == "solr":
        extra = {"product_index": "solr", "solr": SolrSettings(url=request.getfixturevalue("solr_server"))}
    with CrawlServer() as photos:
        photos.serve("/photo.jpg", shop_photo(), headers={"Content-Type": "image/jpeg"})
        settings = Settings(
            home=home,
            search=SearchSettings(candidates=5),
            crawl=CrawlSettings(allow_hosts=[photos.host]),
            api=ApiSettings(upload_rate="1000/minute"),
            **extra,
        )
        app = create_app(settings)
        services = app.state.services
        site = f"hybrid-{uuid.uuid4().hex[:8]}"
        rng = np.random.default_rng(7)
        products, records = [], []
        for n in range(44):
            beta = n % 11 == 10
            pid = f"{site}-{n}"
            products.append(
                Product(
                    id=pid,
                    url=f"https://shop.example/{pid}",
                    site=site,
                    name=f"{'Beta' if beta else 'Alpha'} jacket {n}",
                    brand="Beta" if beta else "Alpha",
                    price=f"{20 + n}.00",
                    currency="EUR",
                    availability="InStock" if n != 21 else "OutOfStock",
                    categories=["Women/Tops/Jackets"],
                    fetched_at=1.0,
                )
            )
            image_url = f"https://shop.example/{pid}.jpg"
            records.append(
                random_record(
                    rng, DIM, id=f"v-{pid}", product_id=pid, image_url=image_url, box=(0, 0, 64, 64), label="image"
                )
            )
        services.products.upsert(products)
        services.vectors.upsert(records)
        with TestClient(app) as client:
            yield Hybrid(client, site, photos.url("/photo.jpg"))
        services.close()
    if request.param == "solr":  # leave the shared core as we found it
        core = SolrCore(settings.solr, settings.solr.products_core)
        core.update({"delete": {"query": f'site:"{site}" OR product_id:{site}-*'}})
        core.close()


def names(answer) -> list[str]:
    assert answer.status_code == 200, answer.text
    return sorted(result["name"] for result in answer.json()["results"])


def test_filters_narrow_photo_results_and_still_fill_k(hybrid: Hybrid) -> None:
    client, site = hybrid.client, hybrid.site
    answer = search_image(client, shop_photo(), k=4, brand="Beta", site=site)
    assert names(answer) == ["Beta jacket 10", "Beta jacket 21", "Beta jacket 32", "Beta jacket 43"]
    in_stock = search_image(client, shop_photo(), k=10, brand="Beta", site=site, in_stock="true")
    assert names(in_stock) == ["Beta jacket 10", "Beta jacket 32", "Beta jacket 43"]
    cheap = search_image(client, shop_photo(), k=10, brand="Beta", site=site, max_price="45")
    assert names(cheap) == ["Beta jacket 10", "Beta jacket 21"]


def test_text_narrows_photo_results_like_a_text_search(hybrid: Hybrid) -> None:
    client, site = hybrid.client, hybrid.site
    assert names(search_image(client, shop_photo(), k=12, q="beta", site=site)) == [
        "Beta jacket 10",
        "Beta jacket 21",
        "Beta jacket 32",
        "Beta jacket 43",
    ]
    assert names(search_image(client, shop_photo(), q="no-such-word-anywhere", site=site)) == []


def test_a_broad_filter_still_fills_k(hybrid: Hybrid) -> None:
    client, site = hybrid.client, hybrid.site
    results = search_image(client, shop_photo(), k=20, site=site).json()["results"]
    assert len(results) == 20 and {r["name"].split()[0] for r in results} == {"Alpha", "Beta"}


def test_a_photo_url_searches_like_an_upload(hybrid: Hybrid) -> None:
    client, site = hybrid.client, hybrid.site
    by_url = search_image(client, url=hybrid.photo_url, k=4, brand="Beta", site=site)
    by_upload = search_image(client, shop_photo(), k=4, brand="Beta", site=site)
    assert by_url.status_code == 200
    assert by_url.json()["results"] == by_upload.json()["results"]


def test_exif_orientation_is_applied_before_search(hybrid: Hybrid) -> None:
    client = hybrid.client
    image = Image.new("RGB", (200, 100), (200, 40, 40))
    exif = image.getexif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    # The name and type claim PNG: the bytes say JPEG, and they decide.
    answer = search_image(client, buffer.getvalue(), name="photo.png", mime="text/plain")
    assert answer.status_code == 200
    assert (answer.json()["width"], answer.json()["height"]) == (100, 200)
