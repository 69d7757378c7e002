"""Search use cases: by photo (one region of it), by text with filters, and "more like this"."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from PIL import Image
from pydantic import BaseModel

from snapmode.backends.products.base import ProductFilters, ProductPage
from snapmode.domain import Region, RegionFeatures, SearchResult, VectorHit
from snapmode.errors import BadImage, ImageURLRefused, InvalidRequest, NotFound
from snapmode.ranking import rescored
from snapmode.services import Services
from snapmode.vision.colour import colour_signatures
from snapmode.vision.details import DETAIL_LABEL, detail_boxes
from snapmode.vision.images import crop, normalize_image
from snapmode.vision.taxonomy import WHOLE_IMAGE_LABEL

if TYPE_CHECKING:
    from snapmode.crawl.fetcher import Fetcher

# A filtered photo search keeps to the products matching the filters, read from the product index
# (best text matches first when there is text), at most this many of them.
MAX_FILTER_MATCHES = 5_000
_MATCHES_PAGE = 500
# Vector hits fetched per round grow by this factor until k matching products are found.
_OVERFETCH_FACTOR = 4
MAX_VECTOR_CANDIDATES = 4_096
# Unless the query is a detected region, detection only lists the regions to offer: it runs beside the
# classifier, embedder and vector search (in one thread: the detector predicts one photo at a time anyway).
_DETECTION = ThreadPoolExecutor(max_workers=1, thread_name_prefix="detect")


class QueryCategory(BaseModel):
    label: str  # the classifier's product category for the searched region
    score: float
    narrowed: bool  # results were limited to regions of this category


class ImageSearch(BaseModel):
    regions: list[Region]  # detections by score, the whole image last
    region: int  # index of the region searched with (-1 for a manual box)
    width: int
    height: int
    category: QueryCategory
    results: list[SearchResult]


def search_by_image(
    services: Services,
    data: bytes,
    *,
    k: int | None = None,
    region: int | None = None,
    box: tuple[int, int, int, int] | None = None,
    narrow: bool = False,
    q: str | None = None,
    filters: ProductFilters | None = None,
    max_side: int | None = None,
) -> ImageSearch:
    """Detect regions in the photo, embed the chosen one, find products.

    By default the whole photo is the query (it is always the last region): with the shipped models it
    finds the right product more often than the best detection alone (docs/models.md); picking a
    region narrows the search to that garment. The searched region is tagged with the classifier's
    category; with ``narrow``, a confident category (``search.narrow_min_score``) limits the results
    to regions of that category, as large visual-search systems do, unless none is found.
    Text ``q`` and ``filters`` (as in a text search) keep the results to matching products.
    """
    image = normalize_image(data, services.settings.imaging, max_side=max_side).image
    width, height = image.size
    detecting = _DETECTION.submit(services.detector.detect, image)
    if box is not None:
        query_box = _clamp(box, width, height)
    elif region is None:
        query_box = (0, 0, width, height)  # the whole photo, always the last region
    else:
        regions = detecting.result()
        if not 0 <= region < len(regions):
            raise InvalidRequest(f"region must be between 0 and {len(regions) - 1}")
        query_box = regions[region].box
    query = crop(image, query_box)
    (prediction,) = services.classifier.classify([query])
    features, *views = query_features(services, query, services.settings.search.query_views)
    k = k or services.settings.search.k
    narrowed = narrow and prediction.score >= services.settings.search.narrow_min_score
    allowed = matching_products(services, q, filters or ProductFilters())
    results = (
        _products_for(services, features, views, k, category=prediction.label, allowed=allowed) if narrowed else []
    )
    if not results:
        narrowed, results = False, _products_for(services, features, views, k, allowed=allowed)
    regions = detecting.result()
    chosen = -1 if box is not None else len(regions) - 1 if region is None else region
    category = QueryCategory(label=prediction.label, score=round(prediction.score, 4), narrowed=narrowed)
    return ImageSearch(
        regions=regions, region=chosen, width=width, height=height, category=category, results=results
    )


def similar_to_product(services: Services, product_id: str, *, k: int | None = None) -> list[SearchResult]:
    """Products whose photos look like this product's main photo, the product itself excluded."""
    product = services.products.get_many([product_id]).get(product_id)
    if product is None:
        raise NotFound(f"no product {product_id}")
    records = [r for url in product.images[:1] for r in services.vectors.records_for_image(url)]
    whole = [r for r in records if r.label == WHOLE_IMAGE_LABEL]
    if not whole:
        raise NotFound(f"product {product_id} has no embedded photo yet")
    views = [r for r in records if r.label == DETAIL_LABEL and services.settings.search.query_views]
    return _products_for(services, whole[0], views, k or services.settings.search.k, exclude=product_id)


def query_features(services: Services, query: Image.Image, with_views: bool = True) -> list[RegionFeatures]:
    """What a search compares by: the query crop's features, then (``with_views``) its detail views', which
    share its article types (as a stored photo's details share its)."""
    crops = [query, *(crop(query, box) for box in detail_boxes((0, 0, *query.size)) if with_views)]
    vectors, colours = services.embedder.embed(crops), colour_signatures(crops)
    kinds = services.article_types.probabilities(vectors[:1])[0].tolist()
    return [
        RegionFeatures(vector=vector.tolist(), colour=colour.tolist(), article_types=kinds)
        for vector, colour in zip(vectors, colours, strict=True)
    ]


def fetch_image(fetcher: Fetcher, url: str, max_bytes: int) -> bytes:
    """The bytes of a photo a shopper gave by URL, fetched like the crawler fetches (SSRF guard on every hop)."""
    result = fetcher.fetch(url, max_bytes=max_bytes)
    if result.error == "too_large":
        raise BadImage(f"image at the URL is over the {max_bytes}-byte limit", too_large=True)
    if result.error in ("ssrf", "invalid_url"):
        raise ImageURLRefused(f"image URL refused: {result.error_detail}")
    if not result.ok:
        raise ImageURLRefused(f"image URL could not be fetched: {result.error_detail or f'HTTP {result.status}'}")
    return result.body


def matching_products(services: Services, q: str | None, filters: ProductFilters) -> set[str] | None:
    """Ids of the products matching text and filters (None when there are neither: every product matches)."""
    if not q and filters == ProductFilters():
        return None
    ids: set[str] = set()
    for offset in range(0, MAX_FILTER_MATCHES, _MATCHES_PAGE):
        page = services.products.search(q, filters, offset=offset, limit=_MATCHES_PAGE)
        ids.update(product.id for product in page.items)
        if len(page.items) < _MATCHES_PAGE:
            break
    return ids


def search_text(
    services: Services, q: str | None, filters: ProductFilters, *, offset: int = 0, limit: int = 20
) -> ProductPage:
    return services.products.search(q, filters, offset=offset, limit=limit)


def _products_for(
    services: Services,
    query: RegionFeatures,
    views: list[RegionFeatures],
    k: int,
    exclude: str | None = None,
    category: str | None = None,
    allowed: set[str] | None = None,
) -> list[SearchResult]:
    """The best products for the query and its detail views (which meet stored photos, never their details)."""
    if allowed is not None and not allowed:
        return []
    weights = services.settings.search
    view_hits = services.vectors.search_many(
        [view.vector for view in views], weights.view_candidates, exclude_product=exclude, category=category,
        exclude_label=DETAIL_LABEL,
    )
    through_views = [
        hit for view, found in zip(views, view_hits, strict=True)
        for hit in rescored(view, found, weights, query_is_detail=True)
    ]
    candidates = weights.candidates
    while True:
        hits = services.vectors.search(query.vector, candidates, exclude_product=exclude, category=category)
        best = best_per_product(rescored(query, hits, weights) + through_views, allowed)
        # Filters drop hits: fetch more until k products match or the store has no more to give.
        if allowed is None or len(best) >= k or len(hits) < candidates or candidates >= MAX_VECTOR_CANDIDATES:
            break
        candidates = min(candidates * _OVERFETCH_FACTOR, MAX_VECTOR_CANDIDATES)
    products = services.products.get_many(list(best))
    # A vector whose product is not indexed yet (the two topologies race) is not a result.
    found = [(hit, products[hit.product_id]) for hit in best.values() if hit.product_id in products]
    return [
        SearchResult(
            product_id=hit.product_id,
            name=product.name,
            price=product.price,
            regular_price=product.regular_price,
            currency=product.currency,
            brand=product.brand,
            availability=product.availability,
            url=product.url,
            image_url=hit.image_url,
            score=round(hit.score, 4),
            box=hit.box,
            label=hit.label,
            category=hit.category,
        )
        for hit, product in found[:k]
    ]


def best_per_product(hits: list[VectorHit], allowed: set[str] | None) -> dict[str, VectorHit]:
    """Each allowed product's best hit, best product first."""
    best: dict[str, VectorHit] = {}
    for hit in hits:
        if allowed is not None and hit.product_id not in allowed:
            continue
        if hit.product_id not in best or hit.score > best[hit.product_id].score:
            best[hit.product_id] = hit
    return dict(sorted(best.items(), key=lambda item: -item[1].score))


def _clamp(box: tuple[int, int, int, int], width: int, height: int) -> tuple[int, int, int, int]:
    x1, y1, x2, y2 = box
    x1, x2 = sorted((max(0, min(x1, width)), max(0, min(x2, width))))
    y1, y2 = sorted((max(0, min(y1, height)), max(0, min(y2, height))))
    if x2 - x1 < 4 or y2 - y1 < 4:
        raise InvalidRequest("box is empty or outside the image")
    return x1, y1, x2, y2
