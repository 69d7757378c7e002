"""Refuse URLs that would make the crawler reach into private networks (SSRF).

``check_url`` validates a URL up front (a preview's sample page); ``check_site_url`` is the
same rule for a shop being registered, with reasons an operator can act on. The fetcher
relies on ``snapmode.crawl.transport``, which applies ``vetted_addresses`` when a
connection is opened and connects to the very address it vetted, so a DNS answer that
changes between check and connect (rebinding) cannot slip through.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Collection

import httpx

_IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_CGNAT = ipaddress.IPv4Network("100.64.0.0/10")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_SCHEMES = frozenset({"http", "https"})
_HOST = re.compile(rb"[A-Za-z0-9._:-]+")  # ASCII host names (IDNA applied), IPv4, IPv6 without brackets
_MAX_HOST_CHARS = 253  # DNS: 255 octets on the wire, so 253 characters written out (labels: 63, the idna codec's check)
_SHOWN_CHARS = 100  # of a URL or host quoted in a reason: a reason never grows with hostile input
# What each kind of refused address is, for people who do not know the ranges by heart.
_WHAT_IT_IS = {
    "unspecified": "the unspecified address (this machine)",
    "loopback": "a loopback address (this machine itself)",
    "link-local": "a link-local address (where cloud metadata services answer)",
    "multicast": "a multicast address",
    "carrier-grade NAT": "a carrier-grade NAT address (inside a provider's network)",
    "private": "a private network address",
    "reserved": "a reserved address",
    "non-global": "an address that is not on the public internet",
}


class UnsafeURLError(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class MalformedURLError(UnsafeURLError):
    """Not a usable http(s) URL at all (no host, bad port, characters no host name has)."""


class CredentialsInURLError(UnsafeURLError):
    """The URL carries a user name or password before its host."""


class NonPublicAddressError(UnsafeURLError):
    """The host is, or resolves to, an address the crawler must not reach (``kind``: see ``unsafe_reason``)."""

    def __init__(self, host: str, address: str, kind: str) -> None:
        super().__init__(f"{host} resolves to {address}, a {kind} address")
        self.host, self.address, self.kind = host, address, kind


def check_url_form(url: str | httpx.URL) -> httpx.URL:
    """Static checks (no DNS): http(s) only, a well-formed host and port, no userinfo.

    Returns the parsed URL."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise MalformedURLError(f"invalid URL {_shown(url)}: {exc}") from exc
    if parsed.scheme not in _SCHEMES:
        raise UnsafeURLError(f"scheme {_shown(parsed.scheme)} is not http(s)")
    # "http://trusted@evil/" reads as trusted to humans and to naive parsers; a crawler never needs credentials.
    if parsed.userinfo:
        raise CredentialsInURLError("URLs with user info (a user name or password before the host) are refused")
    # httpx percent-encodes what it cannot place in a host instead of refusing it.
    if not parsed.raw_host:
        problem: str | None = "it has none"
    elif not _HOST.fullmatch(parsed.raw_host):
        problem = "it has characters no host name has"
    else:
        problem = _host_problem(parsed.raw_host)
    if problem:
        raise MalformedURLError(f"URL {_shown(url)} has no valid host: {problem}")
    if parsed.port is not None and not 0 < parsed.port < 65536:
        raise MalformedURLError(f"URL {_shown(url)} has port {parsed.port} out of range")
    return parsed


def check_url(url: str, allow_hosts: Collection[str]) -> None:
    """Raise ``UnsafeURLError`` unless every address ``url``'s host resolves to is public,
    or the host is allow-listed. A host that does not resolve is refused too (fail closed)."""
    parsed = check_url_form(url)
    try:
        vetted_addresses(parsed.host, parsed.port or _default_port(parsed.scheme), allow_hosts)
    except OSError as exc:
        raise UnsafeURLError(f"cannot resolve {parsed.host}: {exc}") from exc


def check_site_url(url: str, allow_hosts: Collection[str]) -> list[str]:
    """The registration guard: refuse a shop's URL that the fetcher would refuse, with the reason in plain words.

    The fetcher's own rules (``check_url_form``, then ``vetted_addresses`` on every address the host resolves
    to, allow-listed hosts excepted), reworded for an operator. A host name that does not resolve is accepted:
    a shop's name may not resolve yet (or not from the API's machine), and the fetcher vets every address again
    when it connects, so nothing private is ever reached through it. Returns the host's addresses, empty when
    the name does not resolve (the site's crawl status then says so).
    """
    parsed = check_url_form(url)
    port = parsed.port or _default_port(parsed.scheme)
    try:
        return vetted_addresses(parsed.host, port, allow_hosts)
    except NonPublicAddressError as exc:
        where = exc.address if exc.host.strip("[]") == exc.address else f"{exc.host} resolves to {exc.address}, which"
        raise UnsafeURLError(
            f"{where} is {_WHAT_IT_IS.get(exc.kind, f'a {exc.kind} address')}. The crawler fetches public addresses"
            f" only (a server's administrator can allow a local shop with crawl.allow_hosts)"
        ) from None
    except OSError:
        return []


def vetted_addresses(host: str, port: int, allow_hosts: Collection[str]) -> list[str]:
    """Resolve ``host`` and return its addresses, all of them vetted.

    Raises ``UnsafeURLError`` if any address is non-public and the host is not allow-listed
    (one bad address is enough: the system resolver may hand out any of them), and
    ``OSError`` (``socket.gaierror``) when the name does not resolve.
    """
    host = host.strip("[]").lower()
    if _host_problem(host.encode("ascii", errors="replace")):
        raise socket.gaierror(f"invalid host name {_shown(host)}")
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if is_allow_listed(host, port, allow_hosts):
        return addresses
    for address in addresses:
        reason = unsafe_reason(ipaddress.ip_address(address.split("%", 1)[0]))
        if reason:
            raise NonPublicAddressError(host, address, reason)
    return addresses


def is_allow_listed(host: str, port: int | None, allow_hosts: Collection[str]) -> bool:
    """True when ``host`` or ``host:port`` is an entry of ``allow_hosts`` (case-insensitive;
    IPv6 hosts may be written with or without brackets)."""
    host = host.strip("[]").lower()
    candidates = {host, f"[{host}]"}
    if port is not None:
        candidates |= {f"{host}:{port}", f"[{host}]:{port}"}
    return any(entry.strip().lower() in candidates for entry in allow_hosts)


def unsafe_reason(address: _IPAddress) -> str | None:
    """Why ``address`` must not be fetched, or None for a public unicast address."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return unsafe_reason(embedded)
    if address.is_unspecified:
        return "unspecified"
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link-local"
    if address.is_multicast:
        return "multicast"
    if isinstance(address, ipaddress.IPv4Address) and address in _CGNAT:
        return "carrier-grade NAT"
    if address.is_private:
        return "private"
    if address.is_reserved:
        return "reserved"
    if not address.is_global:
        return "non-global"
    return None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address tunnels to (mapped, 6to4, NAT64), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _host_problem(host: bytes) -> str | None:
    """What makes ``host`` no DNS name, or None; the resolver raises UnicodeError (not OSError) on bad labels."""
    if len(host.rstrip(b".")) > _MAX_HOST_CHARS:
        return f"the host name is {len(host)} characters long, more than the {_MAX_HOST_CHARS} DNS allows"
    try:
        host.decode("ascii").encode("idna")
    except UnicodeError:
        return "a part of the host name is empty or longer than the 63 characters DNS allows"
    return None


def _shown(text: object) -> str:
    """``text`` quoted for a reason, cut to _SHOWN_CHARS."""
    text = str(text)
    return repr(text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + "…")


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80
