from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.deps import ServicesDep
from api.ratelimit import rate_limited
from api.schemas import BACKEND_DOWN, RATE_LIMITED, SimilarResults
from snapmode.domain import PricePoint, Product
from snapmode.errors import NotFound
from snapmode.pipeline.search import similar_to_product

router = APIRouter(prefix="/products", tags=["products"])


@router.get("/{product_id}", response_model=Product, summary="One product")
def get_product(services: ServicesDep, product_id: str) -> Product:
    product = services.products.get_many([product_id]).get(product_id)
    if product is None:
        raise NotFound(f"no product {product_id}")
    return product


@router.get(
    "/{product_id}/history",
    response_model=list[PricePoint],
    summary="Price and availability history",
    description="One point each time a crawl saw the price or availability change, oldest first.",
)
def price_history(services: ServicesDep, product_id: str) -> list[PricePoint]:
    get_product(services, product_id)
    return services.products.history(product_id)


@router.get(
    "/{product_id}/similar",
    response_model=SimilarResults,
    summary="Products that look like this one",
    dependencies=[Depends(rate_limited("search"))],
    responses={**RATE_LIMITED, **BACKEND_DOWN},
)
def similar(
    services: ServicesDep,
    product_id: str,
    k: Annotated[int | None, Query(ge=1, le=100, description="Results wanted (default: the `search.k` setting)")] = None,
) -> SimilarResults:
    return SimilarResults(results=similar_to_product(services, product_id, k=k))
