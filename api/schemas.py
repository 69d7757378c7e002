"""Response models of API v1 (the OpenAPI document is generated from these)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from snapmode.domain import SearchResult


class SimilarResults(BaseModel):
    results: list[SearchResult]


class Liveness(BaseModel):
    status: Literal["alive"]


class Health(BaseModel):
    status: str
    products: int
    vectors: int


class Readiness(BaseModel):
    status: Literal["ready", "unavailable"]
    backends: dict[str, str]  # backend name -> "ok" or why it failed


class ErrorMessage(BaseModel):
    detail: str  # what went wrong, for a person to read


class InvalidInput(BaseModel):
    """422: a message, or FastAPI's list of field errors when a parameter fails validation."""

    detail: str | list[dict[str, Any]]


INVALID_INPUT = {422: {"model": InvalidInput, "description": "Invalid parameters or body"}}
RATE_LIMITED = {429: {"model": ErrorMessage, "description": "Too many requests; see the Retry-After header"}}
BACKEND_DOWN = {503: {"model": ErrorMessage, "description": "A backend is down; see the Retry-After header"}}
