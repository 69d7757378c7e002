from __future__ import annotations

import ipaddress
from collections.abc import Iterator

import httpx
import pytest

from snapmode.crawl.ssrf import UnsafeURLError, check_url, is_allow_listed, unsafe_reason
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
    with httpx.Client(transport=GuardedTransport(allow_hosts=[])) as client:
        with pytest.raises(UnsafeURLError, match="loopback"):
            client.get(server.url("/"))
    with httpx.Client(transport=GuardedTransport(allow_hosts=[server.host])) as client:
        assert client.get(server.url("/")).content == b"hello"
