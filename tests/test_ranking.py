"""How a photo search scores and groups its candidates (snapmode.ranking, pipeline.search.best_per_product)."""

from __future__ import annotations

import pytest

from snapmode.config import SearchSettings
from snapmode.domain import RegionFeatures, VectorHit
from snapmode.errors import BackendUnavailable
from snapmode.pipeline.search import best_per_product
from snapmode.ranking import rescored
from snapmode.vision.details import DETAIL_LABEL

RED, BLUE = [1.0, 0.0], [0.0, 1.0]
TOPS, SHOES = [1.0, 0.0], [0.0, 1.0]
QUERY = RegionFeatures(vector=[1.0], colour=RED, article_types=TOPS)


def _hit(product: str, label: str, cosine: float, colour=RED, article_types=TOPS) -> VectorHit:
    return VectorHit(id=f"{product}-{label}", product_id=product, image_url=f"http://shop/{product}.jpg",
                     box=(0, 0, 10, 10), label=label, score=cosine, colour=colour, article_types=article_types)


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
