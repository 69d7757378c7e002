"""An http(s) URL's scheme, host and port, read once for every place that keys work by them."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class HttpAddress:
    scheme: str
    host: str
    port: int | None
    """None for the scheme's default port, written or not: ``https://shop:443/`` is ``https://shop/``."""

    @property
    def origin(self) -> str:
        """``scheme://host[:port]``, an IPv6 host in brackets."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}" if self.port is None else f"{self.scheme}://{host}:{self.port}"


def http_address(url: str) -> HttpAddress | None:
    """The address of an http(s) URL with a host; None for any other URL, or one ``urlsplit`` cannot read
    (an unclosed IPv6 bracket, a port out of range)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return HttpAddress(scheme, parts.hostname, None if port == DEFAULT_PORTS[scheme] else port)
