"""FastAPI application: API v1 under /api/v1, the built Vue page at /."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Protocol

from fastapi import APIRouter, FastAPI

from api.body_limit import BodyLimitMiddleware
from api.docs import install_api_docs
from api.errors import install_error_handlers
from api.metrics import MetricsMiddleware
from api.routes import auth, health, products, search, shops, sites
from api.schemas import INVALID_INPUT
from api.web import SinglePageApp
from snapmode.config import Settings
from snapmode.services import Services


class BackgroundWorker(Protocol):
    """Work the API's process runs beside it, started and stopped with the app (snapmode serve's crawl worker,
    launch/runner/worker.py: the API cannot build it, since the topologies sit beside the API, not below it)."""

    def start(self) -> None: ...

    def stop(self) -> None: ...


def create_app(settings: Settings | None = None, *, worker: BackgroundWorker | None = None) -> FastAPI:
    """``worker``: e.g. crawl and embed active sites on a thread beside the API while it runs (snapmode serve)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.worker = worker
        if worker is not None:
            worker.start()
        try:
            yield
        finally:
            if worker is not None:
                worker.stop()

    app = FastAPI(
        lifespan=lifespan,
        title="SnapMode API",
        version="1.0.0",
        summary="Search shop products by photo or text.",
        docs_url=None,  # Swagger UI and ReDoc: api/docs.py, without a CDN
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    app.state.services = Services.shared(settings)
    install_error_handlers(app)
    # A photo plus the form's other fields; anything larger is refused before it is parsed.
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.imaging.max_image_bytes + 64 * 1024)
    app.add_middleware(MetricsMiddleware)  # added last: outermost, so it sees every answer, 413s included
    v1 = APIRouter(prefix="/api/v1", responses=INVALID_INPUT)
    for module in (search, products, health, auth, sites, shops):
        v1.include_router(module.router)
    app.include_router(v1)
    install_api_docs(app)
    if settings.web_dist.is_dir():
        app.mount("/", SinglePageApp(settings.web_dist), name="web")
    return app
