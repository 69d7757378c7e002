"""An httpx transport that vets addresses at connect time and enforces a total deadline.

* SSRF: the host is resolved once, every address is vetted (``ssrf.vetted_addresses``) and
  the socket is opened to one of those very addresses; TLS still verifies and sends SNI
  for the host name. Pooled connections are keyed by origin, so reuse stays safe.
* Deadline: httpx only has per-operation timeouts, so a server dripping one byte at a
  time never trips them. Every socket operation here is clamped to the time left before
  the deadline set with ``deadline()``, which bounds headers and body alike.
"""

from __future__ import annotations

import ssl
import time
import typing
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import httpcore
import httpx

from snapmode.crawl.ssrf import vetted_addresses

_deadline: ContextVar[float | None] = ContextVar("snapmode_crawl_deadline", default=None)


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Bound all network I/O of this thread to ``seconds`` from now."""
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def _clamp(timeout: float | None, error: type[Exception]) -> float | None:
    end = _deadline.get()
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise error("total deadline exceeded")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _clamp(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _clamp(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


class _GuardedBackend(httpcore.SyncBackend):
    def __init__(self, allow_hosts: Collection[str]) -> None:
        self._allow_hosts = tuple(allow_hosts)

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = vetted_addresses(host, port, self._allow_hosts)
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        failure: httpcore.ConnectError | None = None
        for address in addresses:
            try:
                stream = super().connect_tcp(
                    address, port, _clamp(timeout, httpcore.ConnectTimeout), local_address, socket_options
                )
            except httpcore.ConnectError as exc:
                failure = exc
                continue
            return _DeadlineStream(stream)
        assert failure is not None  # getaddrinfo never answers with an empty list
        raise failure


class GuardedTransport(httpx.HTTPTransport):
    """``httpx.HTTPTransport`` whose connections go through the SSRF guard and the deadline.

    Vetting failures surface from ``Client.send`` as ``UnsafeURLError``.
    """

    def __init__(self, allow_hosts: Collection[str]) -> None:
        limits = httpx.Limits(max_connections=20, max_keepalive_connections=10)
        ssl_context = httpx.create_ssl_context(trust_env=False)
        super().__init__(verify=ssl_context, trust_env=False, limits=limits)
        # httpx has no public hook for the network backend, so replace the pool it built
        # with an identical one on our backend (checked against the pinned httpx 0.28).
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_GuardedBackend(allow_hosts),
        )
