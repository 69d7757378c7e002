from __future__ import annotations

import ipaddress
from collections.abc import Iterator

import httpx
import pytest

from snapmode.crawl.ssrf import (
    MalformedURLError,
    UnsafeURLError,
    check_site_url,
    check_url,
    check_url_form,
    is_allow_listed,
    unsafe_reason,
)
from snapmode.crawl.transport import GuardedTransport
from tests.support.crawl_server import CrawlServer


@pytest.fixture
def server() -> Iterator[CrawlServer]:
    with CrawlServer() as running:
        running.serve("/", b"hello")
        yield running


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://10.1.2.3/",
        "http://192.168.0.1/",
        "http://172.16.5.4/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",  # carrier-grade NAT
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:169.254.169.254]/",
        "http://[fe80::1]/",
        "http://[fc00::1]/",
        "http://[2002:7f00:1::]/",  # 6to4 wrapping 127.0.0.1
        "http://[64:ff9b::a00:1]/",  # NAT64 wrapping 10.0.0.1
        "http://2130706433/",  # 127.0.0.1 written as one number
        "http://0x7f.1/",
        "http://localhost/",
        "file:///etc/passwd",
        "ftp://example.com/",
        "gopher://127.0.0.1:6379/_INFO",
        "http://example.com@127.0.0.1/",
        "http://user:secret@8.8.8.8/",
        "not a url",
    ],
)
def test_refuses_unsafe_urls(url: str) -> None:
    with pytest.raises(UnsafeURLError):
        check_url(url, allow_hosts=[])


@pytest.mark.parametrize("url", ["http://8.8.8.8/", "https://1.1.1.1:8443/x", "http://[2606:4700:4700::1111]/"])
def test_accepts_public_addresses(url: str) -> None:
    check_url(url, allow_hosts=[])


def test_unsafe_reason_names_the_category() -> None:
    assert unsafe_reason(ipaddress.ip_address("127.0.0.1")) == "loopback"
    assert unsafe_reason(ipaddress.ip_address("::ffff:10.0.0.1")) == "private"
    assert unsafe_reason(ipaddress.ip_address("169.254.169.254")) == "link-local"
    assert unsafe_reason(ipaddress.ip_address("100.100.0.1")) == "carrier-grade NAT"
    assert unsafe_reason(ipaddress.ip_address("::ffff:8.8.8.8")) is None


def test_allow_list_by_host_or_host_and_port() -> None:
    check_url("http://127.0.0.1:8080/", allow_hosts=["127.0.0.1"])
    check_url("http://127.0.0.1:8080/", allow_hosts=["127.0.0.1:8080"])
    check_url("http://[::1]:8080/", allow_hosts=["[::1]:8080"])
    check_url("http://LOCALHOST/", allow_hosts=["localhost"])
    with pytest.raises(UnsafeURLError):
        check_url("http://127.0.0.1:9090/", allow_hosts=["127.0.0.1:8080"])
    with pytest.raises(UnsafeURLError):
        check_url("http://127.0.0.2/", allow_hosts=["127.0.0.1"])
    assert is_allow_listed("::1", 80, ["::1"])
    assert not is_allow_listed("shop.test", None, ["shop.test:80"])


def test_transport_vets_the_address_it_connects_to(server: CrawlServer) -> None:
    """The guard sits in the connection itself, not only in a pre-flight check."""
    with httpx.Client(transport=GuardedTransport(allow_hosts=[])) as client, pytest.raises(
        UnsafeURLError, match="loopback"
    ):
        client.get(server.url("/"))
    with httpx.Client(transport=GuardedTransport(allow_hosts=[server.host])) as client:
        assert client.get(server.url("/")).content == b"hello"


LONG_LABEL_HOST = "a" * 5000  # one label, and the whole name, far over DNS's limits
LONG_NAME_HOST = ("a" * 60 + ".") * 80 + "example"  # labels of 60, the whole name far over 253


@pytest.mark.parametrize("host", [LONG_LABEL_HOST, LONG_NAME_HOST])
def test_over_long_host_names_are_refused_without_a_lookup(host: str) -> None:
    with pytest.raises(MalformedURLError, match="no valid host") as refused:
        check_url_form(f"http://{host}/")
    assert len(refused.value.reason) < 400  # the reason does not repeat the whole host


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:22/", "127.0.0.1 is a loopback address (this machine itself)"),
        ("http://169.254.169.254/", "169.254.169.254 is a link-local address (where cloud metadata services answer)"),
        ("http://[::1]/", "::1 is a loopback address"),
        ("http://[::ffff:127.0.0.1]/", "is a loopback address"),
        ("http://0x7f000001/", "0x7f000001 resolves to 127.0.0.1, which is a loopback address"),
        ("http://2130706433/", "2130706433 resolves to 127.0.0.1, which is a loopback address"),
        ("http://localhost:8100/", "localhost resolves to"),
        ("http://10.0.0.1/", "10.0.0.1 is a private network address"),
        ("http://user:pw@example.com/", "user info"),
        (f"http://{LONG_LABEL_HOST}/", "the host name is 5000 characters long, more than the 253 DNS allows"),
        (f"http://{LONG_NAME_HOST}/", "more than the 253 DNS allows"),
        (f"http://{'a' * 64}.example/", "longer than the 63 characters DNS allows"),
    ],
)
def test_the_registration_guard_refuses_what_the_fetcher_refuses_and_says_why(url: str, reason: str) -> None:
    with pytest.raises(UnsafeURLError) as refused:
        check_site_url(url, allow_hosts=[])
    assert reason in refused.value.reason
    with pytest.raises(UnsafeURLError):  # the fetcher's own check agrees
        check_url(url, allow_hosts=[])


def test_the_registration_guard_lets_allow_listed_and_unresolved_hosts_through() -> None:
    assert check_site_url("http://127.0.0.1:8100/", allow_hosts=["127.0.0.1:8100"]) == ["127.0.0.1"]
    assert check_site_url("http://[::1]:8100/", allow_hosts=["[::1]"]) == ["::1"]
    # .invalid never resolves (RFC 2606): accepted, the fetcher vets the addresses again when it connects.
    assert check_site_url("https://shop.invalid/", allow_hosts=[]) == []
    with pytest.raises(UnsafeURLError):
        check_url("https://shop.invalid/", allow_hosts=[])  # a preview, which fetches now, fails closed
