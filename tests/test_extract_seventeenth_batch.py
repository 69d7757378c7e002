"""Rules found on the dev pages of the seventeenth batch of real shop pages (alternate, cyberport, officedepot,
campusbikeshop, jensonusa). The batch's stock rule, a buy button disabled until a size is chosen is in stock, is
tested with the buy box's other states in tests/test_extract.py."""

from __future__ import annotations

from snapmode.extract import extract_product

URL = "https://shop.example/p/kryptolok-series-2-751"
PHOTO = '<img src="/media/751.jpg" width="600" height="800">'


def page(block: str, title: str = "KryptoLok Series 2 | Shop", heading: str = "<h1>KryptoLok Series 2</h1>") -> str:
    return (
        f"<html><head><title>{title}</title></head>"
        f"<body><main><div>{PHOTO}{heading}<p class='price'>$44.99</p>{block}</div></main></body></html>"
    )


def microdata(product: str, offer: str, offer_property: str = "offers", vocabulary: str = "https://schema.org") -> str:
    return (
        f'<html><head><title>Shop</title></head><body><div itemscope itemtype="{vocabulary}/Product">{product}'
        f'<div itemprop="{offer_property}" itemscope itemtype="{vocabulary}/Offer">{offer}</div></div></body></html>'
    )


def test_a_miscased_microdata_property_is_read():
    html = microdata(
        '<h1 itemprop="name">MX300 525 GB</h1>',
        '<span itemprop="price" content="132.9">&euro; 132,<sup>90*</sup></span>'
        '<meta itemprop="pricecurrency" content="EUR">',
    )
    product = extract_product(html, URL)
    assert (product.price, product.currency) == ("132.9", "EUR")


def test_a_data_vocabulary_offer_gives_its_currency_and_stock():
    html = microdata(
        '<h1 itemprop="name">Samsung SSD 850 EVO 250GB</h1>',
        '<meta itemprop="price" content="89.90"><meta itemprop="currency" content="EUR">'
        '<meta itemprop="availability" content="out_of_stock">',
        offer_property="offerDetails",
        vocabulary="http://data-vocabulary.org",
    )
    product = extract_product(html, URL)
    assert (product.price, product.currency, product.availability) == ("89.90", "EUR", "OutOfStock")


def test_a_labelled_sku_inside_the_microdata_name_belongs_to_neither():
    html = microdata(
        '<h1 itemprop="name">Realspace Magellan L-Shaped Desk, Espresso <small><span itemprop="sku">Item&nbsp;#'
        " 101095</span></small></h1>",
        '<span itemprop="price">179.99</span><meta itemprop="priceCurrency" content="USD">',
    )
    product = extract_product(html, URL)
    assert (product.name, product.sku) == ("Realspace Magellan L-Shaped Desk, Espresso", "101095")


def test_a_sku_that_starts_with_a_word_keeps_it():
    html = microdata(
        '<h1 itemprop="name">Desk lamp</h1><meta itemprop="sku" content="MODEL123">',
        '<span itemprop="price">19.99</span><meta itemprop="priceCurrency" content="USD">',
    )
    assert extract_product(html, URL).sku == "MODEL123"


def test_the_shops_brand_navigation_and_brand_colours_are_no_brand():
    block = (
        '<div class="featured_brands"><h3>Featured brands</h3><a href="/keurig"><img src="/k.gif" alt="Keurig"></a></div>'
        '<div class="selectTrigger brandColor_sp1"><span>Select an Option</span></div>'
        '<table><tr><td>brand name</td><td itemprop="brand">Realspace</td></tr></table>'
    )
    assert extract_product(page(block), URL).brand == "Realspace"


def test_a_brand_slot_showing_only_a_logo_names_the_brand_by_its_alt_text():
    block = '<div class="product-brand-icon"><a href="/Momentum"><img src="/logos/Momentum.jpg" alt="Momentum"></a></div>'
    assert extract_product(page(block), URL).brand == "Momentum"


def test_a_heading_that_is_only_the_brand_takes_the_heading_below_as_the_rest_of_the_name():
    heading = "<h1><div>Kryptonite</div></h1><h2><div>KryptoLok Series 2 w/ Key</div></h2>"
    product = extract_product(page("", title="Kryptonite KryptoLok Series 2 w/ Key - Bike Shop", heading=heading), URL)
    assert (product.name, product.brand) == ("Kryptonite KryptoLok Series 2 w/ Key", "Kryptonite")


def test_a_sections_heading_below_a_one_word_title_is_not_part_of_the_name():
    heading = "<h1>Kryptonite</h1><h2>Description</h2>"
    assert extract_product(page("", title="Kryptonite | Bike Shop", heading=heading), URL).name == "Kryptonite"
