"""The one place where domain errors, and FastAPI's own validation errors, become HTTP responses."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from snapmode.errors import BackendUnavailable, BadImage, ImageURLRefused, InvalidRequest, NotFound

# A field error repeats what the client sent (its value, and field names and messages that may quote it): cut,
# so that an answer never grows with the request (a 100,000-character q, a list of 100,000 wrong items).
ECHO_LIMIT = 200  # characters of any one string an error repeats
MAX_FIELD_ERRORS = 20  # field errors listed; the answer's more_errors counts the rest


def _error(status: int, detail: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"detail": detail})


def _clip(text: str) -> str:
    return text if len(text) <= ECHO_LIMIT else text[:ECHO_LIMIT] + "…"


def _clipped(value: Any) -> Any:
    if isinstance(value, str):
        return _clip(value)
    if isinstance(value, list):
        return [_clipped(item) for item in value]
    if isinstance(value, dict):
        return {_clip(str(key)): _clipped(item) for key, item in value.items()}
    return value


def _bounded(error: dict[str, Any]) -> dict[str, Any]:
    """A JSON-ready field error with each string cut to ECHO_LIMIT characters; an ``input`` longer than that (a list
    or an object: its JSON text) becomes its first ECHO_LIMIT characters and "…", marked ``input_truncated``."""
    bounded = {key: _clipped(value) for key, value in error.items() if key != "input"}
    if "input" in error:
        value = error["input"]
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        if len(text) > ECHO_LIMIT:
            bounded["input"], bounded["input_truncated"] = _clip(text), True
        else:
            bounded["input"] = value
    return bounded


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_parameters(_: Request, exc: RequestValidationError) -> JSONResponse:
        """FastAPI's 422 (``{"detail": [field errors]}``), bounded: see ECHO_LIMIT."""
        errors = exc.errors()
        content: dict[str, Any] = {"detail": [_bounded(e) for e in jsonable_encoder(errors[:MAX_FIELD_ERRORS])]}
        if len(errors) > MAX_FIELD_ERRORS:
            content["more_errors"] = len(errors) - MAX_FIELD_ERRORS
        return JSONResponse(status_code=422, content=content)

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
