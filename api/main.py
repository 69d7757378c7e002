"""FastAPI application: API v1 under /api/v1, the built Vue page at /."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from api.errors import install_error_handlers
from api.routes import health, products, search
from snapmode.config import Settings
from snapmode.services import Services


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = FastAPI(
        title="SnapMode API",
        version="1.0.0",
        summary="Search shop products by photo or text.",
        docs_url="/api/docs",
        openapi_url="/api/v1/openapi.json",
    )
    app.state.services = Services.shared(settings)
    install_error_handlers(app)
    v1 = APIRouter(prefix="/api/v1")
    for module in (search, products, health):
        v1.include_router(module.router)
    app.include_router(v1)
    if settings.web_dist.is_dir():
        app.mount("/", StaticFiles(directory=settings.web_dist, html=True), name="web")
    return app
