from __future__ import annotations

import gzip
import time
from datetime import datetime, timezone

import pytest

from snapmode.crawl.discovery import SitemapError, listing_page, page_links, same_site, sitemap_urls

SHOP = "https://shop.test/"

SITEMAP_INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://shop.test/sitemap-products.xml.gz</loc><lastmod>2024-05-01T10:00:00+00:00</lastmod></sitemap>
  <sitemap><loc> /sitemap-categories.xml </loc></sitemap>
</sitemapindex>"""

URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <url><loc>https://shop.test/radiant-tee.html?b=2&amp;a=1</loc><lastmod>2024-05-02</lastmod>
       <image:image><image:loc>https://shop.test/media/tee.jpg</image:loc></image:image></url>
  <url><loc>https://shop.test/breathe-easy-tank.html#reviews</loc><lastmod>not a date</lastmod></url>
  <url><loc>https://shop.test/radiant-tee.html?a=1&amp;b=2</loc></url>
  <url><loc>javascript:alert(1)</loc></url>
  <url><lastmod>2024-01-01</lastmod></url>
</urlset>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://shop.test/&lol9;</loc></url>
  <url><loc>https://shop.test/safe.html</loc></url>
</urlset>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://shop.test/&xxe;</loc></url></urlset>"""


def test_sitemap_index_lists_child_sitemaps() -> None:
    entries = sitemap_urls(SITEMAP_INDEX, "https://shop.test/sitemap.xml")
    assert entries.urls == []
    assert [child.loc for child in entries.sitemaps] == [
        "https://shop.test/sitemap-products.xml.gz",
        "https://shop.test/sitemap-categories.xml",
    ]
    assert entries.sitemaps[0].lastmod == datetime(2024, 5, 1, 10, tzinfo=timezone.utc)


def test_gzip_urlset_is_canonicalised_and_deduplicated() -> None:
    entries = sitemap_urls(gzip.compress(URLSET), "https://shop.test/sitemap-products.xml.gz")
    assert [url.loc for url in entries.urls] == [
        "https://shop.test/radiant-tee.html?a=1&b=2",
        "https://shop.test/breathe-easy-tank.html",
    ]
    assert entries.urls[0].lastmod == datetime(2024, 5, 2)
    assert entries.urls[1].lastmod is None
    assert entries.sitemaps == []


def test_xml_bomb_is_not_expanded() -> None:
    started = time.monotonic()
    entries = sitemap_urls(BILLION_LAUGHS, SHOP)
    assert time.monotonic() - started < 1.0
    # libxml2 stops at the entity declarations; whatever was read stays unexpanded.
    assert all("lol" not in url.loc for url in entries.urls)


def test_external_entities_are_not_loaded() -> None:
    entries = sitemap_urls(EXTERNAL_ENTITY, SHOP)
    assert all("root" not in url.loc for url in entries.urls)


def test_gzip_bomb_and_corrupt_gzip_are_refused() -> None:
    with pytest.raises(SitemapError, match="exceeds"):
        sitemap_urls(gzip.compress(b" " * 2_000_000), SHOP, max_bytes=1_000_000)
    with pytest.raises(SitemapError, match="gzip"):
        sitemap_urls(b"\x1f\x8b" + b"garbage", SHOP)


def test_unescaped_ampersands_survive() -> None:
    body = b"<urlset><url><loc>https://shop.test/x?b=2&a=1&amp;c=3</loc></url></urlset>"
    assert [url.loc for url in sitemap_urls(body, SHOP).urls] == ["https://shop.test/x?a=1&b=2&c=3"]


def test_plain_text_sitemap() -> None:
    body = b"https://shop.test/a.html\n\nhttps://shop.test/b.html\r\nnot a url\nhttps://shop.test/a.html\n"
    locs = [url.loc for url in sitemap_urls(body, SHOP).urls]
    assert locs == ["https://shop.test/a.html", "https://shop.test/b.html"]


def test_not_xml_is_a_clear_error() -> None:
    with pytest.raises(SitemapError):
        sitemap_urls(b"<<<<\x00\x01", SHOP)


PAGE = """<!DOCTYPE html>
<html><head>
  <meta charset="utf-8">
  <link rel="canonical" href="/women/tops.html">
  <link rel="next" href="/women/tops.html?p=3">
  <link rel="prev" href="?p=1">
  <link rel="stylesheet" href="/static/styles.css">
</head><body>
  <a href="/radiant-tee.html">Radiant Tee</a>
  <a href="/radiant-tee.html#reviews">Reviews</a>
  <a href="https://www.shop.test/breathe-easy-tank.html?color=blue&amp;size=M">Tank</a>
  <a href="http://shop.test/gear.html">Gear over http</a>
  <a href="https://elsewhere.test/partner.html">Partner</a>
  <a href="https://shop.test:8443/admin">Other port</a>
  <a href="/customer/account/login" rel="nofollow">Sign in</a>
  <a href="mailto:help@shop.test">Mail</a>
  <a href="javascript:void(0)">Menu</a>
  <a href="tel:+123456">Call</a>
  <a href="#top">Top</a>
  <a>No href</a>
  <a href="  /women/tops.html?p=3  " rel="next">Next page</a>
  <map><area href="/sale.html"></map>
</body></html>"""


def test_page_links_keep_same_site_followable_links() -> None:
    links = page_links(PAGE, "https://shop.test/women/tops.html?p=2")
    assert links.links == [
        "https://shop.test/radiant-tee.html",
        "https://www.shop.test/breathe-easy-tank.html?color=blue&size=M",
        "http://shop.test/gear.html",
        "https://shop.test/women/tops.html?p=3",
        "https://shop.test/sale.html",
    ]
    assert links.canonical == "https://shop.test/women/tops.html"
    assert links.next == "https://shop.test/women/tops.html?p=3"
    assert links.prev == "https://shop.test/women/tops.html?p=1"
    assert not links.nofollow and not links.noindex


def test_base_href_and_bytes_input() -> None:
    html = '<html><head><base href="https://shop.test/en/"></head><body><a href="tee.html">Tée</a></body></html>'
    links = page_links(html.encode("utf-8"), "https://shop.test/index.html")
    assert links.links == ["https://shop.test/en/tee.html"]


def test_meta_robots_nofollow_and_noindex() -> None:
    html = '<html><head><meta name="ROBOTS" content="noindex, nofollow"></head><body><a href="/a">a</a></body></html>'
    links = page_links(html, SHOP)
    assert links.nofollow and links.noindex and links.links == []


def test_site_root_can_differ_from_page_host() -> None:
    html = '<a href="https://shop.test/a">a</a><a href="https://cdn.shop.test/b">b</a>'
    assert page_links(html, "https://cdn.shop.test/page", site_root=SHOP).links == ["https://shop.test/a"]


def test_empty_and_declared_encoding_documents() -> None:
    assert page_links("", SHOP).links == []
    xhtml = '<?xml version="1.0" encoding="utf-8"?><html><body><a href="/x">x</a></body></html>'
    assert page_links(xhtml, SHOP).links == ["https://shop.test/x"]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://shop.test/a", True),
        ("http://shop.test/a", True),
        ("https://WWW.Shop.Test/a", True),
        ("https://shop.test:443/a", True),
        ("https://shop.test:8443/a", False),
        ("https://cdn.shop.test/a", False),
        ("https://evilshop.test/a", False),
        ("ftp://shop.test/a", False),
        ("https://[::1/a", False),
    ],
)
def test_same_site(url: str, expected: bool) -> None:
    assert same_site(url, SHOP) is expected


def test_links_to_images_and_other_files_are_not_followed_as_pages():
    html = (
        b'<a href="/media/large/mh01.jpg">zoom</a><a href="/p/hoodie.html">hoodie</a>'
        b'<a href="/files/Size-Guide.PDF">sizes</a><a href="/c/men">men</a><a href="/v1.2/about">about</a>'
    )
    links = page_links(html, "http://shop.test/").links
    assert links == ["http://shop.test/p/hoodie.html", "http://shop.test/c/men", "http://shop.test/v1.2/about"]


@pytest.mark.parametrize(
    ("anchor", "page_url", "expected"),
    [
        ('<a href="/c/tops?page=3">Next</a>', "https://shop.test/c/tops?page=2", "https://shop.test/c/tops?page=3"),
        ('<a href="/c/hauts/2">Suivant ›</a>', SHOP, "https://shop.test/c/hauts/2"),
        ('<a href="/c/oberteile/2">Weiter</a>', SHOP, "https://shop.test/c/oberteile/2"),
        ('<a href="/c/camisas/2">Siguiente</a>', SHOP, "https://shop.test/c/camisas/2"),
        ('<a href="/c/tops/b">»</a>', SHOP, "https://shop.test/c/tops/b"),
        ('<a href="/c/tops/b" aria-label="Next page"><svg></svg></a>', SHOP, "https://shop.test/c/tops/b"),
        ('<li class="pages-item next"><a href="/c/tops/b">Page</a></li>', SHOP, "https://shop.test/c/tops/b"),
        # a link to the same listing's next page number, however the shop numbers its pages
        ('<a href="/c/tops?p=5">5</a>', "https://shop.test/c/tops?p=4", "https://shop.test/c/tops?p=5"),
        ('<a href="/c/tops/page/3/">3</a>', "https://shop.test/c/tops/page/2/", "https://shop.test/c/tops/page/3/"),
        (
            '<a href="/c/tops?sort=new&amp;page=2">2</a>',
            "https://shop.test/c/tops?sort=new",
            "https://shop.test/c/tops?page=2&sort=new",
        ),
        ('<a href="/c/tops?sort=old&amp;page=2">2</a>', "https://shop.test/c/tops?sort=new", None),  # another order
        ('<a href="/c/tops?page=4">4</a>', "https://shop.test/c/tops?page=2", None),  # not the next page
        ('<a href="/c/other?page=3">3</a>', "https://shop.test/c/tops?page=2", None),  # another listing
        ('<a href="/about">Next steps in sustainability</a>', SHOP, None),
    ],
)
def test_the_next_page_of_a_listing_is_found_by_rel_words_or_number(
    anchor: str, page_url: str, expected: str | None
) -> None:
    links = page_links(f"<html><body>{anchor}</body></html>", page_url)
    assert links.next == expected
    assert dict(links.tagged()).get(expected) == ("pagination" if expected else None)


def test_next_and_previous_pages_are_tagged_for_the_frontier() -> None:
    html = """<a href="/c/tops">« Previous</a><a href="/p/tee">Tee</a><a href="/c/tops?page=3">Next ›</a>"""
    links = page_links(html, "https://shop.test/c/tops?page=2")
    assert links.tagged() == [
        ("https://shop.test/c/tops", "listing"),
        ("https://shop.test/p/tee", "unknown"),
        ("https://shop.test/c/tops?page=3", "pagination"),
    ]
    only_in_head = page_links('<link rel="next" href="/c/tops?page=3">', "https://shop.test/c/tops?page=2")
    assert only_in_head.tagged() == [("https://shop.test/c/tops?page=3", "pagination")]


def test_the_page_number_is_left_out_of_a_listing_s_address() -> None:
    assert listing_page("https://shop.test/c/tops?page=3&sort=new") == ("https://shop.test/c/tops?sort=new", 3)
    assert listing_page("https://shop.test/c/tops/page/12/") == ("https://shop.test/c/tops/", 12)
    assert listing_page("https://shop.test/c/tops") == ("https://shop.test/c/tops", 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Showing 1–20 of 1136", 1136),
        ("Showing 1-20 of 1,136 results", 1136),
        ("1,136 results", 1136),
        ("1136 Artikel", 1136),
        ("1 136 produits", 1136),
        ("1\u00a0136 produits", 1136),
        ("Artikel 1-24 von 1.136", 1136),
        ("48 items in Knitwear; 12 products on sale", 48),
        ("Page 2 of 9", None),
        ("In stock (12 available)", None),
        ("Size 40 - 42 of the range", None),
    ],
)
def test_a_listing_s_stated_product_count(text: str, expected: int | None) -> None:
    html = f"<html><body><p>{text}</p><script>var shown = '99999 results';</script></body></html>"
    assert page_links(html, SHOP).stated_total == expected
