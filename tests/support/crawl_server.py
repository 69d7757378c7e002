"""A scripted HTTP server on 127.0.0.1 for the crawler tests."""

from __future__ import annotations

import socket
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Handler = Callable[[BaseHTTPRequestHandler], None]


def respond(
    request: BaseHTTPRequestHandler,
    status: int = 200,
    body: bytes = b"",
    headers: Mapping[str, str] | None = None,
) -> None:
    request.send_response(status)
    headers = {"Content-Type": "text/html; charset=utf-8", **(headers or {})}
    for name, value in headers.items():
        request.send_header(name, value)
    request.send_header("Content-Length", str(len(body)))
    request.end_headers()
    request.wfile.write(body)


class _IPv6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6


class CrawlServer:
    """Serves ``routes`` (path with query -> handler) on ``address``; unknown paths answer 404.

    ``hits`` counts requests per path and ``request_headers`` keeps the last headers seen per path.
    """

    def __init__(self, address: str = "127.0.0.1") -> None:
        self.routes: dict[str, Handler] = {}
        self.hits: Counter[str] = Counter()
        self.request_headers: dict[str, dict[str, str]] = {}
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                # Headers and body go out as separate writes: without this, Nagle adds 40 ms per response.
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def handle(self) -> None:
                try:
                    super().handle()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up, as some tests intend

            def do_GET(self) -> None:  # noqa: N802 (http.server naming)
                server.hits[self.path] += 1
                server.request_headers[self.path] = {k.lower(): v for k, v in self.headers.items()}
                handler = server.routes.get(self.path)
                if handler is None:
                    respond(self, 404, b"not found")
                else:
                    handler(self)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        server_class = _IPv6Server if ":" in address else ThreadingHTTPServer
        self._httpd = server_class((address, 0), _Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def host(self) -> str:
        address = self._httpd.server_address[0]
        return f"[{address}]:{self.port}" if ":" in address else f"{address}:{self.port}"

    def url(self, path: str = "/") -> str:
        return f"http://{self.host}{path}"

    def serve(self, path: str, body: bytes = b"", status: int = 200, headers: Mapping[str, str] | None = None) -> None:
        self.routes[path] = lambda request: respond(request, status, body, headers)

    def __enter__(self) -> CrawlServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
