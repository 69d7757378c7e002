"""Scoring extracted products against known answers, and the extruct-alone baseline it is compared with."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lab.extract.evaluation import FieldScore, PageTruth, field_matches, load_truths, score_pages
from lab.extract.extruct_baseline import extruct_alone
from snapmode.extract import extract_product


def truth(page_id: str, **answers: object) -> PageTruth:
    return PageTruth(id=page_id, url=f"https://shop.example/{page_id}", site="shop.example", source="test", **answers)


@pytest.mark.parametrize(
    ("field", "predicted", "accepted", "expected"),
    [
        ("price", "119.0", ["119.00"], True),
        ("price", "1190", ["119.00"], False),
        ("price", "n/a", ["119.00"], False),
        ("currency", "eur", ["EUR"], True),
        ("availability", "InStock", ["https://schema.org/InStock"], True),
        ("availability", "OutOfStock", ["InStock"], False),
        ("name", "  Summit 45\n Backpack ", ["summit 45 backpack"], True),
        ("brand", "Trailhead", ["Trailhead Co"], False),
        ("sku", "466/7999", ["4667999"], True),
        ("sku", "PU_106160/01", ["106160"], False),
        ("images", ["https://cdn.example/a.jpg", "https://cdn.example/b.jpg"], ["http://cdn.example/b.jpg"], True),
        ("images", ["https://cdn.example/b.jpg"], ["https://cdn.example/a.jpg", "https://cdn.example/b.jpg"], False),
        # A URL written with and without percent-escapes names one file.
        (
            "images",
            ["https://cdn.example/p?set=source%5B/62/a.jpg%5D"],
            ["//cdn.example/p?set=source[/62/a.jpg]"],
            True,
        ),
        (
            "images",
            ["https://cdn.example/p?set=source%5B/62/a.jpg%5D"],
            ["//cdn.example/p?set=source[/63/a.jpg]"],
            False,
        ),
    ],
)
def test_field_matching_rules(field, predicted, accepted, expected):
    assert field_matches(field, predicted, accepted) is expected


def test_counts_follow_the_benchmark_convention():
    truths = [
        truth("right", price="10.00"),
        truth("wrong", price="20.00"),
        truth("missing", price="30.00"),
        truth("no-answer"),  # a prediction where the page has no price is a false positive
        truth("silent"),  # no answer and no prediction: not counted
    ]
    predictions = {"right": {"price": "10"}, "wrong": {"price": "21"}, "no-answer": {"price": "5"}, "silent": {}}
    score = score_pages(predictions, truths, fields=["price"])["price"]
    assert (score.true_positives, score.false_positives, score.false_negatives) == (1, 2, 2)
    assert score.support == 3
    assert score.precision == pytest.approx(1 / 3)
    assert score.recall == pytest.approx(1 / 3)
    assert score.f1 == pytest.approx(1 / 3)


def test_empty_scores_are_zero_not_errors():
    assert FieldScore().f1 == 0.0
    assert score_pages({}, [truth("a", sku="X1")], fields=["sku"])["sku"].recall == 0.0


def test_truth_lines_accept_one_answer_or_several_and_null(tmp_path: Path):
    path = tmp_path / "truth.jsonl"
    line = {
        "id": "p",
        "url": "https://s.example/p",
        "site": "s.example",
        "source": "x",
        "sku": ["A", "B"],
        "price": "9.99",
        "brand": None,
    }
    path.write_text(json.dumps(line) + "\n\n", encoding="utf-8")
    [page] = load_truths(path)
    assert (page.sku, page.price, page.brand) == (["A", "B"], ["9.99"], [])


def test_a_bad_truth_line_is_reported_with_its_number(tmp_path: Path):
    path = tmp_path / "truth.jsonl"
    path.write_text('{"id": "p"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="truth.jsonl:1"):
        load_truths(path)


PRODUCT_JSON_LD = """<html><head>
<meta property="og:title" content="OG title"><meta property="og:image" content="/og.jpg">
<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [{"@type": "Product",
 "name": "Summit 45", "sku": "S45", "brand": {"@type": "Brand", "name": "Trailhead"}, "image": "/s45.jpg",
 "offers": [{"@type": "Offer", "price": "119.00", "priceCurrency": "USD",
             "availability": "https://schema.org/InStock"}]}]}</script></head><body></body></html>"""


def test_extruct_alone_reads_a_json_ld_product_in_a_graph():
    assert extruct_alone(PRODUCT_JSON_LD, "https://shop.example/p/s45") == {
        "name": "Summit 45",
        "brand": "Trailhead",
        "sku": "S45",
        "price": "119.00",
        "currency": "USD",
        "availability": "InStock",
        "images": ["https://shop.example/s45.jpg"],
    }


def test_extruct_alone_takes_no_display_prices():
    page = '<html><head><meta property="og:title" content="Shirt"><meta property="og:price:amount" content="$49.90">'
    assert extruct_alone(page + "</head></html>", "https://shop.example/p") == {"name": "Shirt"}


def test_twitter_product_card_gives_price_and_photo():
    page = """<html><head><meta name="twitter:title" content="Feta 200g">
    <meta name="twitter:image" content="/feta.jpg">
    <meta name="twitter:data1" content="LBP139999.00"><meta name="twitter:label1" content="PRICE">
    <meta name="twitter:label2" content="Availability"><meta name="twitter:data2" content="In stock">
    </head><body></body></html>"""
    product = extract_product(page, "https://grocer.example/feta.html")
    assert (product.name, product.price, product.currency, product.availability) == (
        "Feta 200g",
        "139999.00",
        "LBP",
        "InStock",
    )
    assert product.images == ["https://grocer.example/feta.jpg"]


def test_twitter_summary_card_without_price_is_not_a_product():
    page = '<html><head><meta name="twitter:title" content="Our story"></head><body><p>About us</p></body></html>'
    assert extract_product(page, "https://grocer.example/about").price is None


def test_price_in_an_order_form_and_a_labelled_ean_are_read():
    page = """<html><body><div class="container"><h1>La légende de Darkseid</h1>
    <ul class="info-table"><li>EAN13 : <strong>9782365775717</strong></li><li>Pages : <strong>256</strong></li></ul>
    <form class="product-offers"><label><div>Neuf</div><strong>Non disponible</strong></label>
    <label><div>Expédition</div><strong>22,50 €</strong></label>
    <button>Valider</button></form></div></body></html>"""
    product = extract_product(page, "https://books.example/article/1")
    assert (product.name, product.price, product.currency, product.sku) == (
        "La légende de Darkseid",
        "22.50",
        "EUR",
        "9782365775717",
    )
