"""The one place where domain errors become HTTP responses."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from snapmode.errors import BackendUnavailable, BadImage, ImageURLRefused, InvalidRequest, NotFound


def _error(status: int, detail: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"detail": detail})


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(BadImage)
    async def bad_image(_: Request, exc: BadImage) -> JSONResponse:
        return _error(413 if exc.too_large else 415, f"image rejected: {exc.reason}")

    @app.exception_handler(ImageURLRefused)
    async def image_url_refused(_: Request, exc: ImageURLRefused) -> JSONResponse:
        return _error(400, str(exc))

    @app.exception_handler(NotFound)
    async def not_found(_: Request, exc: NotFound) -> JSONResponse:
        return _error(404, str(exc))

    @app.exception_handler(InvalidRequest)
    async def invalid(_: Request, exc: InvalidRequest) -> JSONResponse:
        return _error(422, str(exc))

    @app.exception_handler(BackendUnavailable)
    async def unavailable(_: Request, exc: BackendUnavailable) -> JSONResponse:
        return JSONResponse(status_code=503, content={"detail": str(exc)}, headers={"Retry-After": "5"})
