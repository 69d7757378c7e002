"""Extraction quality on saved real shop pages (tests/fixtures/real_pages): per-field F1 floors.

The floors sit just below what bench/extraction.py measures on all the set's pages (dev and
test); a change that loses a field on a few real pages fails here. A floor guards against regressions; the
figures themselves are in docs/crawler.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lab.extract.evaluation import FieldScore, extract_pages, load_truths, score_pages

REAL_PAGES = Path(__file__).resolve().parent / "fixtures" / "real_pages"
FLOORS = {
    # 0.96 before the fifteenth batch: its pages, with the code before it, brought price to 0.955 (its rules: 0.959);
    # 0.95 before the nineteenth, whose pages brought it to 0.930 (its rules: 0.938); 0.93 before the twenty-fourth,
    # whose pages brought it to 0.928 (its rules: unchanged).
    "price": 0.92,
    # 0.96 until the twenty-third batch's rules and a price with no sign took it to 0.980 (0.977 with the next batch).
    "currency": 0.97,
    # 0.90 before the sixteenth batch: its pages, with the code before it, brought brand to 0.878; 0.87 before the
    # nineteenth, whose pages brought it to 0.858 (its rules: 0.860).
    "brand": 0.85,
    # 0.90 before the eighteenth batch: its pages, with the code before it, brought SKU to 0.892 (its rules: 0.898);
    # 0.89 before the nineteenth, whose pages brought it to 0.884 (its rules: unchanged); 0.88 until the URL's
    # identifier shown alone and the item-number rule took it to 0.918 (0.909 with the twenty-fourth batch).
    "sku": 0.90,
    # Image buttons read as buy controls took it from 0.959 to 0.970; the sixteenth batch's pages, with the code
    # before it, brought it to 0.956; the eighteenth batch's to 0.947 (its rules: 0.950).
    "availability": 0.94,
    "name": 0.93,
    # 0.77 before the eighth batch: its 14 pages, with the same code, brought images to 0.753; 0.74 before the
    # thirteenth, whose pages brought it to 0.739 (DeFacto's main <img> links to a larger file, which is read).
    "images": 0.73,
}


@pytest.fixture(scope="module")
def scores() -> tuple[dict[str, FieldScore], dict[str, FieldScore]]:
    truths, ours, baseline = extract_pages(REAL_PAGES)
    return score_pages(ours, truths), score_pages(baseline, truths)


@pytest.mark.parametrize("field", sorted(FLOORS))
def test_f1_stays_above_its_floor(scores, field):
    ours, _ = scores
    assert ours[field].f1 >= FLOORS[field], f"{field}: {ours[field]}"


@pytest.mark.parametrize("field", sorted(FLOORS))
def test_beats_extruct_alone(scores, field):
    ours, baseline = scores
    assert ours[field].f1 > baseline[field].f1


def test_every_page_has_its_file_and_a_source():
    truths = load_truths(REAL_PAGES / "truth.jsonl")
    assert len({truth.id for truth in truths}) == len(truths)
    for truth in truths:
        assert (REAL_PAGES / "pages" / f"{truth.id}.html.gz").is_file()
        assert "@" in truth.source and truth.split in ("dev", "test")
    splits_of_site: dict[str, set[str]] = {}
    for truth in truths:
        splits_of_site.setdefault(truth.site, set()).add(truth.split)
    assert all(len(splits) == 1 for splits in splits_of_site.values()), splits_of_site  # split by shop
