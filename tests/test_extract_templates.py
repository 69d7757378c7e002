"""Learned templates (snapmode/extract/templates.py): learned from the pages the page-level layers read, used on
the pages they miss, not learned from boilerplate, dropped when the shop's layout changes, and bounded."""

from __future__ import annotations

import random

from snapmode.domain import ExtractedProduct
from snapmode.extract.layered import extract_page_with_sources, read_page
from snapmode.extract.template_cache import MAX_TEMPLATE_CHARS, SYNC_SECONDS, TemplateCache
from snapmode.extract.templates import (
    MAX_ELEMENTS,
    MAX_PATHS_PER_FIELD,
    MIN_SUPPORT,
    PageStructure,
    SiteTemplate,
    TemplateResult,
)
from tests.support.template_shop import SHOP_NAME, listing_page, product_name, product_page, product_price, product_sku


def observe(template: SiteTemplate, html: str, found: ExtractedProduct | None = None) -> TemplateResult:
    """One page through the layers (unless ``found`` stands for what they read) and then the template."""
    page = read_page(html, "https://atelier-nord.example/p")
    assert page is not None
    layers = extract_page_with_sources(page)[0] if found is None else found
    return template.observe(PageStructure(page), layers, SHOP_NAME)


def learned(pages: range, layout: str = "classic") -> SiteTemplate:
    template = SiteTemplate()
    for number in pages:
        observe(template, product_page(number, labelled=True, layout=layout))
    return template


def test_a_template_learned_from_labelled_pages_reads_the_pages_the_layers_miss() -> None:
    assert not observe(SiteTemplate(), product_page(100, labelled=False)).product.is_product  # the layers alone
    template = learned(range(MIN_SUPPORT))
    assert set(template.slots) >= {"name", "price", "sku"}
    for number in range(100, 110):
        result = observe(template, product_page(number, labelled=False))
        assert result.product.name == product_name(number)
        assert result.product.price == product_price(number)
        assert result.product.sku == product_sku(number)
        assert result.product.is_product
        assert set(result.filled) >= {"name", "price", "sku"} and all(c >= 0.8 for c in result.filled.values())


def test_too_few_pages_teach_nothing() -> None:
    template = learned(range(MIN_SUPPORT - 1))
    assert template.slots == {}
    assert observe(template, product_page(100, labelled=False)).product.price is None


def test_fields_the_layers_found_are_kept_and_checked_not_replaced() -> None:
    template = learned(range(MIN_SUPPORT))
    result = observe(template, product_page(42, labelled=True))
    assert result.filled == {}
    assert result.outcomes == {"name": True, "price": True, "sku": True}


def test_a_slot_with_the_same_text_on_every_page_is_boilerplate_not_a_field() -> None:
    # layers that take the shop's banner for the product's name on every page: its path is not learned as the name
    template = SiteTemplate()
    for number in range(12):
        found = ExtractedProduct(name=SHOP_NAME, price=product_price(number), images=["https://x.example/a.jpg"])
        observe(template, product_page(number, labelled=False), found)
    assert "name" not in template.slots
    assert template.fields["name"].paths  # the banner was seen, and refused
    assert "price" in template.slots


def test_a_listing_page_does_not_become_a_product_and_a_slot_found_twice_gives_nothing() -> None:
    template = learned(range(MIN_SUPPORT))
    assert observe(template, listing_page(range(20, 40))).product.is_product is False
    twice = product_page(50, labelled=False).replace("<main>", "<main>" + product_page(51, labelled=False))
    result = observe(template, twice)
    assert result.product.price is None and not result.product.is_product


def test_a_changed_layout_drops_the_slots_after_failures_and_is_learned_again() -> None:
    template = learned(range(10))
    old_price_slot = template.slots["price"].path
    dropped_after = None
    for step, number in enumerate(range(200, 230)):
        result = observe(template, product_page(number, labelled=True, layout="renewed"))
        if "price" in result.changed and dropped_after is None:
            dropped_after = step + 1
            assert "price" not in template.slots  # dropped: the next pages are evidence again
    assert dropped_after is not None and dropped_after <= 10
    assert template.slots["price"].path != old_price_slot
    result = observe(template, product_page(300, labelled=False, layout="renewed"))
    assert result.product.price == product_price(300) and "price" in result.filled
    # and the old layout is no longer read with the new slots
    assert observe(template, product_page(301, labelled=False, layout="classic")).product.price is None


def test_a_slot_that_contradicts_the_layers_counts_against_itself() -> None:
    template = learned(range(MIN_SUPPORT))
    wrong = ExtractedProduct(name="Something else", price="1.00", images=["https://x.example/a.jpg"])
    outcomes = observe(template, product_page(60, labelled=False), wrong).outcomes
    assert outcomes["name"] is False and outcomes["price"] is False


def test_the_template_json_stays_bounded_however_many_layouts_it_sees() -> None:
    template = SiteTemplate()
    chooser = random.Random(24)
    for number in range(400):
        css = f"c{chooser.randrange(10**6)}x k{chooser.choice('abcdefghijklmnop')}{chooser.choice('qrstuvwxyz')}"
        html = product_page(number, labelled=True).replace('class="tag"', f'class="{css}"')
        observe(template, html)
    assert len(template.fields["price"].paths) <= MAX_PATHS_PER_FIELD
    assert all(len(path.texts) <= 8 for found in template.fields.values() for path in found.paths.values())
    assert len(template.model_dump_json()) < MAX_TEMPLATE_CHARS


def test_a_huge_page_is_walked_only_up_to_the_bound() -> None:
    html = "<html><body>" + "<div><span>x</span></div>" * 50_000 + "</body></html>"
    page = read_page(html, "https://atelier-nord.example/p")
    assert page is not None
    assert len(PageStructure(page).elements) == MAX_ELEMENTS


def test_a_cache_adds_what_two_processes_learned_and_shares_the_slots() -> None:
    stored: dict[str, str] = {}
    now = [0.0]
    first = TemplateCache(load=stored.get, save=stored.__setitem__, clock=lambda: now[0])
    second = TemplateCache(load=stored.get, save=stored.__setitem__, clock=lambda: now[0])
    pages = [read_page(product_page(number, labelled=True), "https://a.example/p") for number in range(6)]
    for number, page in enumerate(pages):
        cache = first if number % 2 else second  # neither sees enough pages alone
        cache.observe("shop", PageStructure(page), extract_page_with_sources(page)[0], SHOP_NAME)
    third = TemplateCache(load=stored.get, save=stored.__setitem__)
    unlabelled = read_page(product_page(99, labelled=False), "https://a.example/p")
    assert stored == {}  # pages are learned from in memory; saving waits a few seconds
    now[0] += SYNC_SECONDS
    for cache in (first, second):  # each process's next page saves its part, added to what is stored
        cache.observe("shop", PageStructure(unlabelled), ExtractedProduct(), SHOP_NAME)
    result = third.observe("shop", PageStructure(unlabelled), ExtractedProduct(), SHOP_NAME)
    assert result.product.price == product_price(99)
    assert SiteTemplate.model_validate_json(stored["shop"]).pages == 6


def test_blocks_too_big_to_be_one_value_are_not_read_as_values() -> None:
    deep = "<div>x " * 200 + "y" * 100_000 + "</div>" * 200
    page = read_page(f"<html><body>{deep}<p>Navy coat</p></body></html>", "https://atelier-nord.example/p")
    assert page is not None
    structure = PageStructure(page)
    assert structure.text(structure.elements[1]) == ""  # the outermost block: 200 elements
    values = [structure.text(element) for element in structure.value_carriers()]
    assert "Navy coat" in values and not any("yyy" in value for value in values)  # nor the 100,000 letters
