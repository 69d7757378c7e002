"""FastAPI application: API v1 under /api/v1, the built Vue page at /."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from api.body_limit import BodyLimitMiddleware
from api.errors import install_error_handlers
from api.metrics import MetricsMiddleware
from api.routes import auth, health, products, search, sites
from api.schemas import INVALID_INPUT
from api.web import SinglePageApp
from snapmode.config import Settings
from snapmode.services import Services


def create_app(settings: Settings | None = None, *, worker: bool = False) -> FastAPI:
    """``worker``: crawl and embed active sites on a thread beside the API while it runs (snapmode serve)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from snapmode.runner.worker import CrawlWorker

        app.state.worker = CrawlWorker(settings) if worker else None
        if app.state.worker is not None:
            app.state.worker.start()
        try:
            yield
        finally:
            if app.state.worker is not None:
                app.state.worker.stop()

    app = FastAPI(
        lifespan=lifespan,
        title="SnapMode API",
        version="1.0.0",
        summary="Search shop products by photo or text.",
        docs_url="/api/docs",
        openapi_url="/api/v1/openapi.json",
    )
    app.state.services = Services.shared(settings)
    install_error_handlers(app)
    # A photo plus the form's other fields; anything larger is refused before it is parsed.
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.imaging.max_image_bytes + 64 * 1024)
    app.add_middleware(MetricsMiddleware)  # added last: outermost, so it sees every answer, 413s included
    v1 = APIRouter(prefix="/api/v1", responses=INVALID_INPUT)
    for module in (search, products, health, auth, sites):
        v1.include_router(module.router)
    app.include_router(v1)
    if settings.web_dist.is_dir():
        app.mount("/", SinglePageApp(settings.web_dist), name="web")
    return app
