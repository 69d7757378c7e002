"""Photo similarity (snapmode.similarity): a photo gets the same features indexed (pipeline.imaging.embed), searched for
(pipeline.search's query features) and evaluated (`snapmode eval retrieval`'s dcgan_search signals); the records that
keep them; and how a search scores and groups its candidates (pipeline.search.best_per_product).

Indexing a photo and searching with it compute its features with one call of the same code, so the test asks for
equality to the bit. Models batched otherwise (several detected regions in one call; the evaluation's many photos)
agree within float32 rounding: the model's kernels and the head's matrix product sum in an order that depends on the
batch's size (below 1e-6 here), so those are compared to ``ATOL``, far below what one pixel less of a crop moves.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from lab.evaluation.features import ARTICLE_TYPES_WEIGHTS, DCGAN_WEIGHTS, DcganSearchFeatures
from snapmode import ids
from snapmode.backends.vectors.hits import VectorHit
from snapmode.config import REPO_ROOT, SearchSettings, Settings
from snapmode.domain import ImageTask, Region, RegionFeatures, VectorRecord
from snapmode.errors import BackendUnavailable
from snapmode.pipeline import imaging
from snapmode.pipeline.search import best_per_product, query_features
from snapmode.services import Services
from snapmode.similarity import photo_features, photo_records, rescored
from snapmode.vision import dcgan
from snapmode.vision.colour import HISTOGRAM_SIZE, colour_signatures
from snapmode.vision.details import DETAIL_LABEL, detail_boxes
from snapmode.vision.images import crop, normalize_image
from snapmode.vision.preprocess import square_resize
from snapmode.vision.taxonomy import WHOLE_IMAGE_LABEL

HELDOUT = Path(__file__).resolve().parent / "fixtures" / "heldout"
PHOTOS = [HELDOUT / name for name in ("wj06-purple_back.jpg", "mp07-blue_back.jpg", "mb04-black-0_alt1.jpg")]
MODELS = REPO_ROOT / "models"
ATOL = 1e-5  # ten times the largest rounding difference seen; one pixel less of a crop moves 0.02


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    services = Services(Settings(home=tmp_path_factory.mktemp("similarity")))
    yield services
    services.close()


def _regions(width: int, height: int) -> list[Region]:
    """Two detections, then the whole photo, as the detector gives them."""
    return [
        Region(box=(width // 4, height // 6, 3 * width // 4, height // 2), label="top", score=0.9),
        Region(box=(0, height // 2, width // 2, height), label="trousers", score=0.6),
        Region(box=(0, 0, width, height), label=WHOLE_IMAGE_LABEL, score=1.0),
    ]


def _indexed(services: Services, path: Path) -> tuple[Image.Image, list[VectorRecord]]:
    """The photo as the search decodes an upload of it, and the records indexing its download stores."""
    normalized = normalize_image(path.read_bytes(), services.settings.imaging)
    task = ImageTask(product_id="p", image_url=f"https://shop.example/{path.name}")
    detected = imaging.DetectedImage(task=task, jpeg=normalized.jpeg, regions=_regions(*normalized.size))
    return normalized.image, imaging.embed(services, detected)


def _fields(features: RegionFeatures) -> tuple[list[float], list[float], list[float]]:
    return features.vector, features.colour, features.article_types


def _labelled(records: list[VectorRecord], label: str) -> list[VectorRecord]:
    return [record for record in records if record.label == label]


def test_a_photo_indexed_and_searched_for_whole_gets_the_same_features_to_the_bit(services: Services) -> None:
    image, records = _indexed(services, PHOTOS[0])
    (whole,), details = _labelled(records, WHOLE_IMAGE_LABEL), _labelled(records, DETAIL_LABEL)
    # As search_by_image does for a whole-photo query, with the query's own detail views.
    query, *views = query_features(services, crop(image, (0, 0, *image.size)), with_views=True)
    assert _fields(query) == _fields(whole)
    assert [r.box for r in details] == detail_boxes(whole.box) and len(views) == len(details) > 1
    assert [_fields(view) for view in views] == [_fields(r) for r in details]
    assert all(r.article_types == whole.article_types for r in details)
    # Without its views (search.query_views off) the whole photo's features are the same still.
    assert [_fields(f) for f in query_features(services, image, with_views=False)] == [_fields(whole)]


def test_squaring_a_photo_once_for_the_dcgan_and_the_colour_signature_changes_no_bit(services: Services) -> None:
    """photo_features squares the photo and each view once for both readers, which each square what they are given
    (the DCGAN sees the photo and its views in one call)."""
    assert dcgan.IMAGE_SIZE == HISTOGRAM_SIZE  # both read the same square
    image = normalize_image(PHOTOS[0].read_bytes(), services.settings.imaging).image
    features = photo_features(services, [image])
    views = [crop(image, box) for box in features.detail_boxes[0]]
    assert len(views) > 1
    embedded = services.embedder.embed([image, *views])  # one call, as photo_features makes it
    np.testing.assert_array_equal(features.vectors, embedded[:1])
    np.testing.assert_array_equal(features.colours, colour_signatures([image]))
    np.testing.assert_array_equal(features.detail_vectors, embedded[1:])
    np.testing.assert_array_equal(features.detail_colours, colour_signatures(views))


def test_a_detected_region_searched_alone_gets_its_stored_features(services: Services) -> None:
    image, records = _indexed(services, PHOTOS[0])
    for record in _labelled(records, "top") + _labelled(records, "trousers"):
        (alone,) = query_features(services, crop(image, record.box), with_views=False)
        for stored, searched in zip(_fields(record), _fields(alone), strict=True):
            np.testing.assert_allclose(stored, searched, rtol=0, atol=ATOL)
        # Its own kind, not the whole photo's: the trousers in a photo of a jacket.
        assert record.article_types != _labelled(records, WHOLE_IMAGE_LABEL)[0].article_types


def test_the_evaluation_scores_photos_by_the_features_they_are_indexed_with(services: Services) -> None:
    model = DcganSearchFeatures(MODELS / DCGAN_WEIGHTS, MODELS / ARTICLE_TYPES_WEIGHTS)
    indexed = [_indexed(services, path) for path in PHOTOS]
    images = [image for image, _ in indexed]
    for photos, exact in ((indexed[:1], True), (indexed, False)):
        signals = model.signals([image for image, _ in photos])
        for i, (_, records) in enumerate(photos):
            (whole,), details = _labelled(records, WHOLE_IMAGE_LABEL), _labelled(records, DETAIL_LABEL)
            stored = [whole.colour, whole.article_types, [r.vector for r in details], [r.colour for r in details]]
            evaluated = [signals.colours[i], signals.article_types[i], signals.details[i], signals.detail_colours[i]]
            for expected, actual in zip(stored, evaluated, strict=True):
                actual = np.asarray(actual).tolist()
                if exact:  # one photo: the same calls as indexing it
                    assert actual == expected
                else:
                    np.testing.assert_allclose(actual, expected, rtol=0, atol=ATOL)
    # The evaluation ranks by the whole-photo vector the index stores, too.
    (whole,) = _labelled(indexed[0][1], WHOLE_IMAGE_LABEL)
    np.testing.assert_allclose(model.embed(images)[0], whole.vector, rtol=0, atol=ATOL)


def test_one_pixel_less_of_a_crop_moves_its_features_far_beyond_the_tolerance(services: Services) -> None:
    image = normalize_image(PHOTOS[1].read_bytes(), services.settings.imaging).image
    width, height = image.size
    (photo,) = query_features(services, crop(image, (0, 0, width, height)), with_views=False)
    (trimmed,) = query_features(services, crop(image, (1, 0, width, height)), with_views=False)
    assert np.abs(np.subtract(photo.vector, trimmed.vector)).max() > 100 * ATOL


# --- the records, with stand-in models ------------------------------------------------------------------------------


class _MeanColour:
    """An embedder that sees a square's mean colour and its spread (photo_features hands it squares), and a head
    that reads them: enough to tell crops apart."""

    def embed(self, images: Sequence[Image.Image]) -> np.ndarray:
        pixels = [np.asarray(image, np.float32) for image in images]
        rows = [[*square.mean(axis=(0, 1)), *square.std(axis=(0, 1))] for square in pixels]
        vectors = np.asarray(rows, np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        return vectors[:, :3] / vectors[:, :3].sum(axis=1, keepdims=True)


class _Models:
    embedder = article_types = _MeanColour()


def test_a_photo_is_stored_as_its_regions_then_the_whole_photo_s_detail_views() -> None:
    x, y = np.meshgrid(np.linspace(0, 255, 300), np.linspace(0, 255, 400))
    photo = Image.fromarray(np.stack([x, y, np.full_like(x, 128)], axis=2).astype(np.uint8))  # no two crops alike
    regions = _regions(*photo.size)
    url = "https://shop.example/red.jpg"
    records = photo_records(_Models(), photo, regions, ["tops", "bottoms", "tops"], product_id="p", image_url=url)
    boxes = detail_boxes((0, 0, 300, 400))
    assert [(r.box, r.label) for r in records] == [*((r.box, r.label) for r in regions),
                                                  *((box, DETAIL_LABEL) for box in boxes)]
    assert [r.id for r in records] == [*(ids.vector_id(url, r.box) for r in regions),
                                       *(ids.vector_id(url, box, DETAIL_LABEL) for box in boxes)]
    assert [r.category for r in records] == ["tops", "bottoms", "tops", *["tops"] * len(boxes)]
    assert {r.product_id for r in records} == {"p"} and {r.image_url for r in records} == {url}
    whole, details = records[2], records[3:]
    # Each region has its own features; the views their own vector and colour and the whole photo's article types.
    assert len({tuple(r.vector) for r in records}) == len({tuple(r.colour) for r in records}) == len(records)
    assert len({tuple(r.article_types) for r in records[:3]}) == 3
    assert all(r.article_types == whole.article_types for r in details)
    assert whole.vector == _MeanColour().embed([square_resize(photo, HISTOGRAM_SIZE)])[0].tolist()


def test_a_photo_without_its_whole_photo_region_is_refused_by_name() -> None:
    photo = Image.new("RGB", (64, 64), "white")
    with pytest.raises(ValueError, match="no whole-photo region"):
        photo_records(_Models(), photo, _regions(64, 64)[:2], ["tops", "tops"], product_id="p", image_url="u")


# --- scores -----------------------------------------------------------------------------------------------------------

RED, BLUE = [1.0, 0.0], [0.0, 1.0]
TOPS, SHOES = [1.0, 0.0], [0.0, 1.0]
QUERY = RegionFeatures(vector=[1.0], colour=RED, article_types=TOPS)


def _hit(product: str, label: str, cosine: float, colour=RED, article_types=TOPS) -> VectorHit:
    return VectorHit(id=f"{product}-{label}", product_id=product, image_url=f"http://shop/{product}.jpg",
                     box=(0, 0, 10, 10), label=label, score=cosine, category=None,
                     colour=np.asarray(colour, np.float32), article_types=np.asarray(article_types, np.float32))


def _vectors_only(detail_discount: float) -> SearchSettings:
    return SearchSettings(colour_weight=0, article_type_weight=0, detail_discount=detail_discount)


def test_with_colour_and_article_types_off_a_hit_scores_its_cosine_and_a_detail_less_the_discount():
    hits = [_hit("a", DETAIL_LABEL, 0.97), _hit("b", "image", 0.85), _hit("a", "image", 0.70), _hit("c", "top", 0.6)]
    best = best_per_product(rescored(QUERY, hits, _vectors_only(0.1)), None)
    assert list(best) == ["a", "b", "c"]
    assert best["a"].label == DETAIL_LABEL and best["a"].score == pytest.approx(0.87)
    # A larger discount lets another product's whole photo win, and a's own whole photo is its best hit.
    best = best_per_product(rescored(QUERY, hits, _vectors_only(0.3)), None)
    assert list(best) == ["b", "a", "c"] and best["a"].label == "image" and best["a"].score == pytest.approx(0.70)
    assert list(best_per_product(rescored(QUERY, hits, _vectors_only(0)), {"a", "c"})) == ["a", "c"]


def test_colour_lifts_a_product_of_the_query_s_colour_over_a_closer_vector_of_another():
    hits = [_hit("blue", "image", 0.80, colour=BLUE), _hit("red", "image", 0.70)]
    weights = SearchSettings(colour_weight=0.4, article_type_weight=0, detail_discount=0)
    best = best_per_product(rescored(QUERY, hits, weights), None)
    assert list(best) == ["red", "blue"]
    assert best["red"].score == pytest.approx(0.6 * 0.70 + 0.4) and best["blue"].score == pytest.approx(0.6 * 0.80)


def test_article_type_agreement_adds_its_weight_times_the_dot_product_of_the_probabilities():
    hits = [_hit("shoe", "image", 0.80, article_types=SHOES), _hit("top", "image", 0.78),
            _hit("unsure", "image", 0.80, article_types=[0.5, 0.5])]
    weights = SearchSettings(colour_weight=0, article_type_weight=0.05, detail_discount=0)
    scores = {hit.product_id: hit.score for hit in rescored(QUERY, hits, weights)}
    assert scores == pytest.approx({"shoe": 0.80, "top": 0.83, "unsure": 0.825})


def test_hits_found_by_one_of_the_query_s_detail_views_score_less_the_discount():
    hits = [_hit("a", "image", 0.9), _hit("b", "top", 0.8)]
    as_detail = rescored(QUERY, hits, _vectors_only(0.1), query_is_detail=True)
    assert [hit.score for hit in as_detail] == pytest.approx([0.8, 0.7])
    assert [hit.score for hit in rescored(QUERY, hits, _vectors_only(0.1))] == pytest.approx([0.9, 0.8])


def test_regions_stored_with_another_head_s_article_types_make_search_unavailable_with_a_clear_error():
    with pytest.raises(BackendUnavailable, match="another article-type head.*snapmode reembed"):
        rescored(QUERY, [_hit("a", "image", 0.9, article_types=[0.2, 0.3, 0.5])], SearchSettings())
    assert rescored(QUERY, [], SearchSettings()) == []
