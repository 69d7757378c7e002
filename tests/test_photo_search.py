"""Search by photo as a shopper and an API client meet it: the kind of product the photo shows and a notice when the
index has none of that kind, filters that reach every matching product however far it is, the fetched copy of a photo
given by URL, the box rule, and the number of results from the settings."""

from __future__ import annotations

import base64
import gc
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from api.main import create_app
from snapmode.config import ApiSettings, CrawlSettings, SearchSettings, Settings
from snapmode.domain import Product, VectorRecord
from snapmode.pipeline.search import kind_and_notice, query_features
from snapmode.services import Services
from snapmode.shop.catalog import load_catalog
from snapmode.vision.article_types import FAMILIES_NAME, KIND_MIN_SCORE, WEIGHTS_NAME, ArticleTypeHead, family_noun
from snapmode.vision.images import normalize_image
from tests.support.crawl_server import CrawlServer

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHOE = FIXTURES / "kinds" / "myntra-17981-red-casual-shoes.jpg"  # the demo shop sells no shoes
HELDOUT = FIXTURES / "heldout"
SITE = "luma-demo"
TROUSERS = "cronus-yoga-pant"  # its photo also shows shoes, detected as a region of their own
K = 7  # the shop's search.k


def search_image(client: TestClient, data: bytes | None = None, **form: object):
    files = {"file": ("photo.jpg", data, "image/jpeg")} if data is not None else None
    return client.post("/api/v1/search/image", files=files, data=form)


def ok(answer) -> dict:
    assert answer.status_code == 200, answer.text
    return answer.json()


def jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


@dataclass
class Shop:
    client: TestClient
    ids: dict[str, str]  # demo product slug -> product id


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    """The demo shop's 170 products, each with its main photo embedded as the search reads it (the whole photo); one
    pair of trousers also with a detected region of shoes (the query shoe's own features)."""
    settings = Settings(
        home=tmp_path_factory.mktemp("shop"),
        search=SearchSettings(k=K),
        crawl=CrawlSettings(allow_hosts=["127.0.0.1"]),
        api=ApiSettings(upload_rate="1000/minute"),
    )
    app = create_app(settings)
    services = app.state.services
    catalog = load_catalog()
    products, records, ids = [], [], {}
    for item in catalog.products:
        ids[item.slug] = product_id = f"luma-{item.slug}"
        image_url = f"https://luma.example/media/{item.images[0].file}"
        products.append(
            Product(id=product_id, url=f"https://luma.example{item.path}", site=SITE, name=item.name, brand="Luma",
                    price=item.current_price, currency="EUR", categories=item.categories, images=[image_url],
                    fetched_at=1.0)
        )
        image = normalize_image(catalog.image_path(item.images[0]).read_bytes(), settings.imaging).image
        (features,) = query_features(services, image, with_views=False)
        records.append(VectorRecord(id=f"v-{item.slug}", product_id=product_id, image_url=image_url,
                                    box=(0, 0, *image.size), label="image", **features.model_dump()))
    shoe = normalize_image(SHOE.read_bytes(), settings.imaging).image
    (features,) = query_features(services, shoe, with_views=False)
    trousers = next(record for record in records if record.product_id == ids[TROUSERS])
    records.append(VectorRecord(id="v-shoes", product_id=trousers.product_id, image_url=trousers.image_url,
                                box=(40, 200, 160, 300), label="shoes", **features.model_dump()))
    services.products.upsert(products)
    services.vectors.upsert(records)
    with TestClient(app) as client:
        yield Shop(client, ids)
    services.close()


# --- the kind of product, and "no good match" ----------------------------------------------------------------------


def test_a_shoe_in_a_shop_that_sells_no_shoes_is_named_and_noticed(shop: Shop) -> None:
    body = ok(search_image(shop.client, SHOE.read_bytes(), k=10))
    assert body["kind"]["label"] == "Shoes" and body["kind"]["score"] >= KIND_MIN_SCORE
    assert body["notice"] == "No shoes in this index: these are the closest other products."
    assert len(body["results"]) == 10 and "Shoes" not in {result["article_type"] for result in body["results"]}
    # The trousers come first, through the shoes in their photo; what they are is what their photo shows.
    first = body["results"][0]
    assert (first["product_id"], first["label"]) == (shop.ids[TROUSERS], "shoes")
    assert first["article_type"] == "Bottomwear"
    # Among filtered products the notice says so: the rest of the index may hold what the filters keep out.
    women = ok(search_image(shop.client, SHOE.read_bytes(), k=10, category="Women"))
    assert women["notice"] == "No shoes among the products that match the filters: these are the closest other products."


@pytest.mark.parametrize(
    ("view", "slug", "kind"),
    [("mp07-blue_back.jpg", "thorpe-track-pant", "Bottomwear"), ("wj06-purple_back.jpg", "juno-jacket", "Topwear")],
)
def test_a_photo_of_a_kind_the_shop_sells_is_named_without_a_notice(shop: Shop, view: str, slug: str,
                                                                    kind: str) -> None:
    body = ok(search_image(shop.client, (HELDOUT / view).read_bytes(), k=10))
    assert body["kind"]["label"] == kind and body["notice"] is None
    assert shop.ids[slug] in [result["product_id"] for result in body["results"]]
    assert kind in {result["article_type"] for result in body["results"]}


def test_the_notice_names_a_kind_as_a_plural_or_a_mass_noun_whatever_the_family_s_name() -> None:
    head = ArticleTypeHead(Settings().models_dir / WEIGHTS_NAME)
    sandals, tees = ([float(name == one) for name in head.classes] for one in ("Sandals", "Tshirts"))
    kind, notice = kind_and_notice(head, sandals, [tees], filtered=False)
    assert kind.label == "Sandal" and notice == "No sandals in this index: these are the closest other products."
    # Myntra names most families in the plural, a few as a mass noun and a few in the singular.
    mass = {"Bottomwear", "Eyewear", "Fragrance", "Headwear", "Innerwear", "Jewellery", "Loungewear and Nightwear",
            "Sports Equipment", "Topwear"}
    assert [family for family in sorted(set(head.families)) if not family_noun(family).endswith("s")] == sorted(mass)


def test_a_search_process_without_the_families_of_article_types_fails_at_start_up(tmp_path: Path) -> None:
    shipped = Settings().models_dir
    models = tmp_path / "models"
    models.mkdir()
    for path in shipped.iterdir():
        if path.name != FAMILIES_NAME:
            (models / path.name).symlink_to(path)
    services = Services(Settings(home=tmp_path / "home", models_dir=models))
    with pytest.raises(FileNotFoundError, match=f"no article-type families at .*{FAMILIES_NAME}"):
        services.load_models()  # `snapmode serve`, before it answers a first search


def test_loading_the_models_sets_their_objects_aside_from_the_collectors_full_passes(tmp_path: Path) -> None:
    """What the frameworks and models leave lives as long as the process: frozen, a full collection no longer
    walks it (340 ms a pass, a search in a hundred, before)."""
    services = Services(Settings(home=tmp_path / "home"))
    try:
        services.load_models()
        assert gc.get_freeze_count() > 100_000
    finally:
        gc.unfreeze()
        services.close()


def test_each_result_names_its_site_and_its_kind_when_the_model_is_sure(shop: Shop) -> None:
    results = ok(search_image(shop.client, (HELDOUT / "wj06-purple_back.jpg").read_bytes(), k=30))["results"]
    assert {result["site"] for result in results} == {SITE}
    named = [result["article_type"] for result in results if result["article_type"] is not None]
    assert named and set(named) <= {"Topwear", "Bottomwear", "Innerwear", "Bags", "Watches", "Socks"}


# --- the box, k, and the photo given by URL ------------------------------------------------------------------------


def test_a_box_runs_from_x1_y1_to_x2_y2_and_is_cut_to_the_photo(shop: Shop) -> None:
    photo = (HELDOUT / "wj06-purple_back.jpg").read_bytes()
    for box in ("10,10,5,5", "5,10,10,5", "10,5,5,10", "0,0,0,0", "7,7,7,90"):  # reversed ones as empty ones
        answer = search_image(shop.client, photo, box=box)
        assert answer.status_code == 422, box
        assert answer.json()["detail"] == "box must be x1,y1,x2,y2 with x2 > x1 and y2 > y1"
    assert ok(search_image(shop.client, photo, box="-50,-50,100,120"))["region"] == -1
    outside = search_image(shop.client, photo, box="5000,5000,5100,5100")
    assert outside.status_code == 422 and outside.json()["detail"] == "box is empty or outside the image"


def test_the_number_of_results_comes_from_the_settings(shop: Shop) -> None:
    photo = (HELDOUT / "wj06-purple_back.jpg").read_bytes()
    assert len(ok(search_image(shop.client, photo))["results"]) == K
    assert len(ok(search_image(shop.client, photo, k=12))["results"]) == 12
    similar = shop.client.get(f"/api/v1/products/{shop.ids['juno-jacket']}/similar")
    assert len(ok(similar)["results"]) == K
    assert len(ok(shop.client.get(f"/api/v1/products/{shop.ids['juno-jacket']}/similar", params={"k": 3}))["results"]) == 3


def test_photos_of_products_not_indexed_yet_are_passed_over_for_the_next_products(shop: Shop) -> None:
    """The two topologies race: a photo can be embedded before its product is indexed. Such photos, here the closest
    to the query there can be (its own features), are no result; the next products fill the k asked for."""
    services = shop.client.app.state.services
    photo = (HELDOUT / "mh07-gray_back.jpg").read_bytes()
    image = normalize_image(photo, services.settings.imaging).image
    (features,) = query_features(services, image, with_views=False)
    ghosts = [f"luma-not-indexed-yet-{n}" for n in range(2 * K)]
    services.vectors.upsert(
        [VectorRecord(id=f"v-{ghost}", product_id=ghost, image_url=f"https://luma.example/media/{ghost}.jpg",
                      box=(0, 0, *image.size), label="image", **features.model_dump()) for ghost in ghosts]
    )  # fmt: skip
    results = ok(search_image(shop.client, photo))["results"]
    assert len(results) == K
    assert not {result["product_id"] for result in results} & set(ghosts)
    assert all(result["name"] for result in results)


def test_a_photo_given_by_url_comes_back_as_the_server_fetched_it(shop: Shop) -> None:
    with Image.open(HELDOUT / "wj06-purple_back.jpg") as view:
        big = jpeg(view.convert("RGB").resize((1500, 1000)))
    with CrawlServer() as server:
        server.serve("/look.jpg", big, headers={"Content-Type": "image/jpeg"})
        body = ok(search_image(shop.client, url=server.url("/look.jpg")))
    prefix = "data:image/jpeg;base64,"
    assert body["photo"].startswith(prefix)
    with Image.open(io.BytesIO(base64.b64decode(body["photo"].removeprefix(prefix)))) as photo:
        assert photo.format == "JPEG" and photo.size == (body["width"], body["height"]) == (1024, 683)
    assert ok(search_image(shop.client, big))["photo"] is None  # an upload is on the shopper's screen already


# --- filters reach every matching product --------------------------------------------------------------------------

TEES, REGIONS_PER_TEE, WATCHES = 45, 92, 9


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """4,140 regions of 45 tees at the query's own vector, and 9 watches near its opposite: the watches are the
    farthest regions of all, behind more regions than a search fetches as candidates."""
    settings = Settings(home=tmp_path_factory.mktemp("crowded"), api=ApiSettings(upload_rate="1000/minute"))
    app = create_app(settings)
    services = app.state.services
    image = normalize_image((HELDOUT / "wj06-purple_back.jpg").read_bytes(), settings.imaging).image
    (query,) = query_features(services, image, with_views=False)
    rng = np.random.default_rng(3)
    shared = {"colour": query.colour, "article_types": query.article_types, "box": (0, 0, 64, 64), "label": "image"}
    products, records = [], []
    for n in range(TEES):
        products.append(Product(id=f"tee-{n}", url=f"https://shop.example/tee-{n}", site="crowded", name=f"Tee {n}",
                                categories=["Men/Tops/Tees"], fetched_at=1.0))
        records += [
            VectorRecord.model_construct(id=f"tee-{n}-{j}", product_id=f"tee-{n}", vector=query.vector,
                                         image_url=f"https://shop.example/tee-{n}-{j}.jpg", **shared)
            for j in range(REGIONS_PER_TEE)
        ]
    opposite = -np.asarray(query.vector)
    for n in range(WATCHES):
        products.append(Product(id=f"watch-{n}", url=f"https://shop.example/watch-{n}", site="crowded",
                                name=f"Watch {n}", categories=["Gear/Watches"], fetched_at=1.0))
        vector = opposite + rng.normal(0, 0.3 * np.abs(opposite).mean(), opposite.shape)
        records.append(VectorRecord.model_construct(id=f"watch-{n}", product_id=f"watch-{n}", vector=vector.tolist(),
                                                    image_url=f"https://shop.example/watch-{n}.jpg", **shared))
    services.products.upsert(products)
    services.vectors.upsert(records)
    with TestClient(app) as client:
        yield client
    services.close()


def test_a_filtered_photo_search_finds_every_matching_product_however_far(crowded: TestClient) -> None:
    photo = (HELDOUT / "wj06-purple_back.jpg").read_bytes()
    results = ok(search_image(crowded, photo, k=20, category="Gear/Watches"))["results"]
    assert sorted(result["name"] for result in results) == [f"Watch {n}" for n in range(WATCHES)]
    scores = [result["score"] for result in results]
    assert scores == sorted(scores, reverse=True)
    # Ranked as before: fewer results are the best of them.
    best = ok(search_image(crowded, photo, k=4, category="Gear/Watches"))["results"]
    assert [result["product_id"] for result in best] == [result["product_id"] for result in results[:4]]
    # Unfiltered, the tees come first.
    assert {result["name"].split()[0] for result in ok(search_image(crowded, photo, k=5))["results"]} == {"Tee"}
