"""The product classifier: shipped model quality on photos it never saw, rejection of non-product pictures,
training on a tiny set, and its place in the imaging stream (rejects and categories)."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from lab.vision import negatives
from lab.vision.classifier_data import CLASSES, FAMILIES, MYNTRA_ARTICLE_TYPES, NOT_PRODUCT, Photo, Splits
from snapmode.config import REPO_ROOT, Settings
from snapmode.domain import ImageTask
from snapmode.shop.catalog import load_catalog
from snapmode.vision import taxonomy
from snapmode.vision.classifier import ProductClassifier
from tests.support.crawl_server import CrawlServer

MODEL = REPO_ROOT / "models" / "classifier.keras"
HELDOUT_DIR = REPO_ROOT / "tests" / "fixtures" / "heldout"
UNSEEN_NEGATIVES_SEED = 2024  # training drew its pictures with seeds 1-3


@pytest.fixture(scope="module")
def classifier() -> ProductClassifier:
    return ProductClassifier(MODEL)


def _heldout_views() -> list[tuple[Image.Image, str | None]]:
    """The 40 held-out Luma views (no view of their products was trained on) and their detector family."""
    products = {product.sku: product for product in load_catalog().products}
    views = []
    for entry in json.loads((HELDOUT_DIR / "heldout.json").read_text()):
        product = products[entry["sku"]]
        views.append((Image.open(HELDOUT_DIR / entry["image"]), taxonomy.luma_class(product.categories, product.name)))
    return views


def test_classes_refine_the_detector_families() -> None:
    assert CLASSES[-1] == NOT_PRODUCT and len(CLASSES) == 15
    assert set(FAMILIES.values()) <= set(taxonomy.CLASSES)
    for article_type, name in MYNTRA_ARTICLE_TYPES.items():
        assert taxonomy.myntra_class(article_type) == FAMILIES[name], article_type


def test_shipped_model_is_small_and_names_its_classes(classifier: ProductClassifier) -> None:
    assert MODEL.stat().st_size <= 5 * 2**20
    assert classifier.classes == list(CLASSES)
    assert 0 < classifier.config.not_product_threshold < 1


def test_held_out_luma_views_get_their_family_and_pass_as_products(classifier: ProductClassifier) -> None:
    views = _heldout_views()
    predictions = classifier.classify([image for image, _ in views])
    labelled = [(p, family) for p, (_, family) in zip(predictions, views, strict=True) if family]
    right = sum(FAMILIES[p.label] == family for p, family in labelled)
    print(f"held-out views: family right for {right}/{len(labelled)}")
    assert right / len(labelled) >= 0.6  # 29-30 of 39 with the shipped model (docs/models-classifier.md)
    assert sum(p.is_product for p in predictions) >= len(predictions) - 1


def test_generated_non_product_pictures_are_rejected(classifier: ProductClassifier) -> None:
    pictures = negatives.generate(50, UNSEEN_NEGATIVES_SEED)
    predictions = classifier.classify([picture for _, picture in pictures])
    caught = sum(not p.is_product for p in predictions)
    assert caught >= 45, [(kind, p.not_product) for (kind, _), p in zip(pictures, predictions) if p.is_product]
    assert all(p.label != NOT_PRODUCT for p in predictions)  # label is always a category


def test_a_real_product_photo_passes_with_its_category(classifier: ProductClassifier) -> None:
    (prediction,) = classifier.classify([Image.open(HELDOUT_DIR / "mp04-gray_back.jpg")])
    assert prediction.is_product and prediction.label == "trousers"
    assert prediction.top[0][0] == "trousers" and len(prediction.top) == 3


def test_any_image_mode_and_size_is_accepted(classifier: ProductClassifier) -> None:
    images = [Image.new("L", (40, 900), 128), Image.new("RGBA", (3, 3), (0, 0, 0, 0)), Image.new("P", (64, 64))]
    assert len(classifier.classify(images)) == 3
    assert classifier.classify([]) == []


def test_a_missing_model_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="snapmode train classifier"):
        ProductClassifier(tmp_path / "classifier.keras")


def _tiny_splits(tmp_path: Path) -> Splits:
    """Two made-up "products": red squares are t-shirts, blue circles bags; one unlabelled grey photo."""
    rng = np.random.default_rng(0)
    photos = []
    for index in range(24):
        image = Image.new("RGB", (80, 100), (255, 255, 255))
        pixels = np.asarray(image).copy()
        label = "tshirt" if index % 2 else "bag"
        colour = (200, 30, 30) if label == "tshirt" else (30, 30, 200)
        pixels[20:80, 15:65] = np.array(colour) + rng.integers(-20, 20, 3)
        path = tmp_path / f"{index}.jpg"
        Image.fromarray(pixels.astype(np.uint8)).save(path)
        photos.append(Photo(path=path, label=None if index == 0 else label, group=f"test:{index}"))
    return Splits(train=photos[:16], val=photos[16:20], test=photos[20:])


@pytest.mark.training
def test_training_one_epoch_on_a_tiny_set_writes_a_loadable_model_and_reports(tmp_path: Path) -> None:
    from lab.vision.classifier_training import train_classifier

    out = tmp_path / "run"
    report = train_classifier(
        out, epochs=1, image_size=32, batch_size=8, negatives_per_split=(8, 4, 4), splits=_tiny_splits(tmp_path)
    )
    assert report.epochs == 1 and report.model.is_file() and report.config.is_file()
    metrics = json.loads(report.metrics.read_text())
    assert 0 <= metrics["test"]["category_accuracy"] <= 1 and metrics["not_product"]["threshold"] > 0
    assert report.curves.stat().st_size > 0 and report.confusion_matrix.stat().st_size > 0
    assert len(ProductClassifier(report.model).classify([Image.new("RGB", (50, 50), "red")])) == 1
    with pytest.raises(ValueError, match="multiple of 32"):
        train_classifier(out, image_size=50, splits=_tiny_splits(tmp_path))


def test_imaging_stream_rejects_a_logo_and_tags_a_product_photo(tmp_path: Path) -> None:
    from launch.runner.embedded import EmbeddedRunner
    from snapmode.services import Services
    from topologies.imaging import ImagingTopology

    logo = io.BytesIO()
    negatives.logo(np.random.default_rng(UNSEEN_NEGATIVES_SEED)).save(logo, format="PNG")
    with CrawlServer() as server:
        server.serve("/logo.png", logo.getvalue(), headers={"Content-Type": "image/png"})
        server.serve("/photo.jpg", (HELDOUT_DIR / "mp04-gray_back.jpg").read_bytes(),
                     headers={"Content-Type": "image/jpeg"})
        settings = Settings(home=tmp_path / "home", crawl={"allow_hosts": [server.host]})
        services = Services.shared(settings)
        try:
            services.queue.publish(
                [ImageTask(product_id="p1", image_url=server.url(path)) for path in ("/logo.png", "/photo.jpg")]
            )
            runner = EmbeddedRunner(ImagingTopology, settings.to_conf(), finished=lambda: services.queue.pending() == 0)
            deadline = time.monotonic() + 120
            while not runner.done() and time.monotonic() < deadline:
                if not runner.step():
                    runner.wait(0.02)
            (reject,) = services.rejects.recent()
            assert reject.subject == server.url("/logo.png")
            assert reject.reason.startswith("not_a_product_photo (")
            assert services.vectors.records_for_image(server.url("/logo.png")) == []
            records = services.vectors.records_for_image(server.url("/photo.jpg"))
            whole = [r for r in records if r.label == taxonomy.WHOLE_IMAGE_LABEL]
            assert len(whole) == 1 and whole[0].category == "trousers"
            assert all(r.category in CLASSES[:-1] for r in records)
        finally:
            services.close()


@pytest.mark.parametrize(
    ("has_category", "refusal"),
    [(False, "no category field .* the product classifier"), (True, "no colour field .* colour in the ranking")],
)
def test_a_vector_collection_from_before_categories_or_colours_is_a_clear_error(
    tmp_path: Path, has_category: bool, refusal: str
) -> None:
    from pymilvus import DataType, MilvusClient

    from snapmode.backends.vectors.milvus import MilvusVectorStore

    uri = str(tmp_path / "old.db")
    client = MilvusClient(uri)
    schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=64)
    if has_category:
        schema.add_field("category", DataType.VARCHAR, max_length=64)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=4)
    client.create_collection("regions", schema=schema)
    client.close()
    with pytest.raises(ValueError, match=refusal):
        MilvusVectorStore(uri, "regions", dim=4)
