"""HTTP metrics of the API in Prometheus' default registry, served at /api/v1/metrics beside the core's."""

from __future__ import annotations

import time

from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUESTS = Counter("snapmode_api_requests", "API requests by route, method and status", ["route", "method", "status"])
LATENCY = Histogram(
    "snapmode_api_request_seconds",
    "API request latency by route and method",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


class MetricsMiddleware:
    """Labels by route template (``/api/v1/products/{product_id}``), never by raw path, so labels stay few."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client gets if the app raises before answering

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            route, method = _route(scope), scope["method"]
            REQUESTS.labels(route, method, str(status)).inc()
            LATENCY.labels(route, method).observe(time.perf_counter() - started)


def _route(scope: Scope) -> str:
    route = scope.get("route")  # set by the router on the scope it was handed
    template = getattr(route, "path", None)
    if route is None or not template:
        return "unmatched" if route is None else "/"
    # An included router's route knows its path below the router's prefix: the prefix is what the
    # request path has before the rendered template.
    try:
        rendered = template.format(**scope.get("path_params", {}))
    except (KeyError, IndexError, ValueError):
        return template
    path = scope["path"]
    return path[: len(path) - len(rendered)] + template if path.endswith(rendered) else template
