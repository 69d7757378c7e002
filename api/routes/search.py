from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile
from starlette.concurrency import run_in_threadpool

from api.deps import ServicesDep
from api.ratelimit import rate_limited
from api.schemas import BACKEND_DOWN, RATE_LIMITED, ErrorMessage, InvalidInput
from snapmode.backends.products.base import ProductFilters, ProductPage
from snapmode.errors import BadImage, InvalidRequest
from snapmode.pipeline.search import ImageSearch, fetch_image, search_by_image, search_text

router = APIRouter(prefix="/search", tags=["search"])

MAX_TEXT = 500
MAX_FILTER = 200


def _parse_box(box: str | None) -> tuple[int, int, int, int] | None:
    """Four numbers; whether they make a box in the photo (x2 > x1, y2 > y1, not all outside) the search says."""
    if not box:
        return None
    parts = box.split(",")
    try:
        x1, y1, x2, y2 = (int(float(v)) for v in parts)
    except (ValueError, OverflowError) as exc:
        raise InvalidRequest("box must be four numbers: x1,y1,x2,y2") from exc
    return x1, y1, x2, y2


@router.post(
    "/image",
    response_model=ImageSearch,
    summary="Search products by photo",
    description="Send exactly one of `file` (an upload) or `url` (an http(s) photo URL). Text and filters, "
    "as in a text search, keep the results to matching products. The answer names the searched region's kind of "
    "product when the model is confident (`kind`), with a `notice` when no result is of that kind; a photo given by "
    "URL comes back as fetched (`photo`, a data URL).",
    dependencies=[Depends(rate_limited("upload"))],
    responses={
        400: {"model": ErrorMessage, "description": "The photo URL is refused (private address...) or fails"},
        413: {"model": ErrorMessage, "description": "The photo is over the byte limit"},
        415: {"model": ErrorMessage, "description": "Not an accepted image, a decompression bomb, or too large a side"},
        **RATE_LIMITED,
        **BACKEND_DOWN,
    },
)
async def image(
    services: ServicesDep,
    file: Annotated[UploadFile | None, File(description="A photo: JPEG, PNG, WebP, GIF or BMP")] = None,
    url: Annotated[
        str | None, Form(max_length=2048, description="An http(s) URL of a photo, instead of a file")
    ] = None,
    k: Annotated[int | None, Form(ge=1, le=100, description="Results wanted (default: the `search.k` setting)")] = None,
    region: Annotated[int | None, Form(ge=0, description="Index of a detected region to search with")] = None,
    box: Annotated[
        str | None, Form(max_length=100, description="Manual crop x1,y1,x2,y2 in the photo's pixels")
    ] = None,
    narrow: Annotated[
        bool, Form(description="Keep to the searched region's predicted category when the classifier is confident")
    ] = False,
    q: Annotated[str | None, Form(max_length=MAX_TEXT, description="Text the products must match")] = None,
    category: Annotated[str | None, Form(max_length=MAX_FILTER)] = None,
    brand: Annotated[str | None, Form(max_length=MAX_FILTER)] = None,
    site: Annotated[str | None, Form(max_length=MAX_FILTER)] = None,
    min_price: Annotated[float | None, Form(ge=0, allow_inf_nan=False)] = None,
    max_price: Annotated[float | None, Form(ge=0, allow_inf_nan=False)] = None,
    in_stock: Annotated[bool | None, Form()] = None,
) -> ImageSearch:
    if (file is None) == (not url):
        raise InvalidRequest("send exactly one of file (an upload) or url (an image URL)")
    limit = services.settings.imaging.max_image_bytes
    if file is not None:
        data = await file.read(limit + 1)
        if len(data) > limit:
            raise BadImage(f"upload is over the {limit}-byte limit", too_large=True)
    else:
        data = await run_in_threadpool(fetch_image, services.image_fetcher, url, limit)
    filters = ProductFilters(
        category=category, brand=brand, site=site, min_price=min_price, max_price=max_price, in_stock=in_stock
    )
    return await run_in_threadpool(
        search_by_image,
        services,
        data,
        k=k,
        region=region,
        box=_parse_box(box),
        narrow=narrow,
        q=q,
        filters=filters,
        max_side=services.settings.api.max_image_side,
        with_photo=file is None,
    )


@router.get(
    "",
    response_model=ProductPage,
    summary="Search products by text, with filters and facets",
    description="`q` is in the search-box language (docs/api.md, Text search): every word required, matched in "
    'name, brand, description, categories, colours or SKUs; `OR`, `"phrases"`, `hood*`, `-word`, `( )`. '
    "Symbols are ignored; a `q` of symbols only lists every product that matches the filters.",
    dependencies=[Depends(rate_limited("search"))],
    responses={
        422: {"model": InvalidInput, "description": "A reversed price range, over 32 words in `q`, or bad parameters"},
        **RATE_LIMITED,
        **BACKEND_DOWN,
    },
)
def text(
    services: ServicesDep,
    q: Annotated[str | None, Query(max_length=MAX_TEXT, description="Words to find (see the description)")] = None,
    category: Annotated[str | None, Query(max_length=MAX_FILTER)] = None,
    brand: Annotated[str | None, Query(max_length=MAX_FILTER)] = None,
    site: Annotated[str | None, Query(max_length=MAX_FILTER)] = None,
    min_price: Annotated[float | None, Query(ge=0, allow_inf_nan=False)] = None,
    max_price: Annotated[float | None, Query(ge=0, allow_inf_nan=False)] = None,
    in_stock: bool | None = None,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 24,
) -> ProductPage:
    filters = ProductFilters(
        category=category, brand=brand, site=site, min_price=min_price, max_price=max_price, in_stock=in_stock
    )
    return search_text(services, q, filters, offset=offset, limit=limit)
