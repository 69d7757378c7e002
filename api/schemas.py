"""Response models of API v1 (the OpenAPI document is generated from these)."""

from __future__ import annotations

from pydantic import BaseModel

from snapmode.domain import SearchResult


class SimilarResults(BaseModel):
    results: list[SearchResult]


class Health(BaseModel):
    status: str
    products: int
    vectors: int
