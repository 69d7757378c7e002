"""The API's documentation pages, Swagger UI at /api/docs and ReDoc at /api/redoc, with every script, style and
icon they load served by the API itself (the copies shipped in the fastapi-offline package), so they work
without internet and wherever the API runs without the web page."""

from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from starlette.staticfiles import StaticFiles

SWAGGER_UI_PATH = "/api/docs"
REDOC_PATH = "/api/redoc"
ASSETS_PATH = "/api/docs/assets"  # under /api, so a proxy that forwards only /api to the API serves them too
_ASSETS = files("fastapi_offline") / "static"


def install_api_docs(app: FastAPI) -> None:
    """Serve both pages and their assets; FastAPI's own pages (docs_url, redoc_url) load them from a CDN."""
    app.mount(ASSETS_PATH, StaticFiles(directory=str(_ASSETS)), name="docs-assets")

    def paths(request: Request) -> tuple[str, str]:
        """The OpenAPI document's and the assets' paths, behind the proxy's root path when there is one."""
        root = request.scope.get("root_path", "").rstrip("/")
        return root + app.openapi_url, root + ASSETS_PATH

    @app.get(SWAGGER_UI_PATH, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        openapi_url, assets = paths(request)
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{assets}/swagger-ui-bundle.js",
            swagger_css_url=f"{assets}/swagger-ui.css",
            swagger_favicon_url=f"{assets}/favicon.png",
            swagger_ui_parameters=app.swagger_ui_parameters,
        )

    @app.get(REDOC_PATH, include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        openapi_url, assets = paths(request)
        return get_redoc_html(
            openapi_url=openapi_url,
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{assets}/redoc.standalone.js",
            redoc_favicon_url=f"{assets}/favicon.png",
            with_google_fonts=False,
        )
