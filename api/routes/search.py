from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, UploadFile
from starlette.concurrency import run_in_threadpool

from api.deps import ServicesDep
from snapmode.backends.products.base import ProductFilters, ProductPage
from snapmode.errors import BadImage, InvalidRequest
from snapmode.pipeline.search import ImageSearch, search_by_image, search_text

router = APIRouter(prefix="/search", tags=["search"])


def _parse_box(box: str | None) -> tuple[int, int, int, int] | None:
    if not box:
        return None
    try:
        x1, y1, x2, y2 = (int(float(v)) for v in box.split(","))
    except ValueError as exc:
        raise InvalidRequest("box must be four numbers: x1,y1,x2,y2") from exc
    return x1, y1, x2, y2


@router.post("/image", response_model=ImageSearch, summary="Search products by photo")
async def image(
    services: ServicesDep,
    file: Annotated[UploadFile, File(description="A photo: JPEG, PNG, WebP, GIF or BMP")],
    k: Annotated[int, Form(ge=1, le=100)] = 12,
    region: Annotated[int | None, Form(ge=0, description="Index of a detected region to search with")] = None,
    box: Annotated[str | None, Form(description="Manual crop x1,y1,x2,y2 in the photo's pixels")] = None,
    narrow: Annotated[
        bool, Form(description="Keep to the searched region's predicted category when the classifier is confident")
    ] = False,
) -> ImageSearch:
    limit = services.settings.imaging.max_image_bytes
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise BadImage(f"upload is over the {limit}-byte limit", too_large=True)
    return await run_in_threadpool(
        search_by_image, services, data, k=k, region=region, box=_parse_box(box), narrow=narrow
    )


@router.get("", response_model=ProductPage, summary="Search products by text, with filters and facets")
def text(
    services: ServicesDep,
    q: Annotated[str | None, Query(max_length=500)] = None,
    category: str | None = None,
    brand: str | None = None,
    site: str | None = None,
    min_price: Annotated[float | None, Query(ge=0)] = None,
    max_price: Annotated[float | None, Query(ge=0)] = None,
    in_stock: bool | None = None,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 24,
) -> ProductPage:
    filters = ProductFilters(
        category=category, brand=brand, site=site, min_price=min_price, max_price=max_price, in_stock=in_stock
    )
    return search_text(services, q, filters, offset=offset, limit=limit)
