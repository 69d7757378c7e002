import pytest

from snapmode.crawl.addresses import http_address


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://Shop.Example/p/1?x=2", "https://shop.example"),
        ("https://shop.example:443/", "https://shop.example"),
        ("HTTP://shop.example:80/a", "http://shop.example"),
        ("http://shop.example:8080/a", "http://shop.example:8080"),
        ("http://[::1]:8080/robots.txt", "http://[::1]:8080"),
        ("https://[2001:db8::1]/", "https://[2001:db8::1]"),
    ],
)
def test_an_origin_leaves_out_the_default_port(url: str, origin: str) -> None:
    address = http_address(url)
    assert address is not None and address.origin == origin


@pytest.mark.parametrize(
    "url",
    ["ftp://shop.example/", "mailto:a@shop.example", "/relative/path", "http://", "http://[::1", "http://shop:99999/"],
)
def test_anything_but_an_http_url_with_a_host_has_no_address(url: str) -> None:
    assert http_address(url) is None
